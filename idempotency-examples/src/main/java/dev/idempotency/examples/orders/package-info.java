/**
 * The order service: a Spring Boot application whose order intake goes through every layer of the
 * library's defence. One package per feature:
 * <ul>
 *   <li>{@code order}: form orders (rate limits, one-time token, fenced lock, the database's dedup
 *       row and unique key) and their lifecycle (state machine);</li>
 *   <li>{@code flashsale}: a flash sale (rate limits, a reservation in the cache, one stock ledger in
 *       the database through the library's {@code TransactionalStock});</li>
 *   <li>{@code async}: the at-least-once queue and its deduplicating consumer;</li>
 *   <li>{@code web}: the HTTP API and its {@code application/problem+json} errors;</li>
 *   <li>{@code demo}: the demo's scenarios, its fault injection and the anti-patterns it measures
 *       against; nothing in the other packages depends on it.</li>
 * </ul>
 * This package wires the library's strategies ({@link dev.idempotency.examples.orders.OrdersConfiguration})
 * and counts what each layer decided ({@link dev.idempotency.examples.orders.LayerStats}).
 */
package dev.idempotency.examples.orders;
