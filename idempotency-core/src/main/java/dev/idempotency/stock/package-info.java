/**
 * Stock reservation for flash sales ({@link dev.idempotency.stock.StockReservations}): never
 * oversold, at most one reservation per holder, released or confirmed exactly once.
 */
package dev.idempotency.stock;
