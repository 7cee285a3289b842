/**
 * The service-provider interfaces a backend implements: one small, atomic store per strategy.
 *
 * <p>All the logic (claims, replays, fingerprints, waits, watchdogs, layers) lives once in the core;
 * a backend answers a handful of atomic questions. The core's test-jar has an abstract contract suite
 * per store ({@code dev.idempotency.testkit}) that every implementation, a user's own included, can
 * extend to prove itself.
 */
package dev.idempotency.spi;
