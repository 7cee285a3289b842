/**
 * The order service: a Spring Boot application whose order intake goes through every layer of the
 * library's defence (rate limits, one-time tokens, the {@code Idempotency-Key} replay, a fenced lock,
 * the database's dedup row and unique keys, a state machine, stock reservation and a deduplicating
 * queue consumer). {@link dev.idempotency.examples.orders.OrderServiceApplication} runs it as a
 * service ({@code serve}) or runs its demo scenarios and prints a report ({@code demo}).
 */
package dev.idempotency.examples.orders;
