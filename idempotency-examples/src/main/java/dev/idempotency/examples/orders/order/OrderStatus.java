package dev.idempotency.examples.orders.order;

/** The states of an order; the state machine allows CREATED to PAID or CANCELLED, and PAID to SHIPPED or CANCELLED. */
public enum OrderStatus {
  /** Placed, not paid. */
  CREATED,
  /** Paid once. */
  PAID,
  /** Shipped once. */
  SHIPPED,
  /** Cancelled before shipping. */
  CANCELLED
}
