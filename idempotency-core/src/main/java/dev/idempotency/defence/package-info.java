/**
 * Layered defence: strategies composed in order, each stopping what slipped past the one before.
 * Each strategy makes its own layer ({@code asLayer}); this package knows none of them.
 */
package dev.idempotency.defence;
