package dev.idempotency.examples.orders;

import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.jdbc.TransactionalDedup;
import dev.idempotency.jdbc.TransactionalStock;
import dev.idempotency.stock.StockReservations;

/**
 * The library's strategies on the database of record, written in the service's own transactions:
 * dedup rows ({@link TransactionalDedup}) and the stock ledger ({@link TransactionalStock}, with
 * {@link StockReservations} on the same tables for declaring and reading stock). Not a
 * {@link JdbcBackend} bean: that would replace the starter's backend (memory or Redis), which the
 * cache-side layers use.
 *
 * @param dedup dedup rows in the caller's transaction
 * @param stock stock reservations in the caller's transaction
 * @param stockLedger the same stock tables, each call its own transaction
 */
public record OrderDatabase(TransactionalDedup dedup, TransactionalStock stock, StockReservations stockLedger) {}
