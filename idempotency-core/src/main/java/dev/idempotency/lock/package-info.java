/** Distributed, re-entrant locks with leases, fencing tokens and a watchdog. */
package dev.idempotency.lock;
