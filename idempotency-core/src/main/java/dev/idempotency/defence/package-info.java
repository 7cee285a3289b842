/** Layered defence: strategies composed in order, each stopping what slipped past the one before. */
package dev.idempotency.defence;
