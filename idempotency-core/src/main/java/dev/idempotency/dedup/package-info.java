/** The dedup table and the idempotent message consumer built on it. */
package dev.idempotency.dedup;
