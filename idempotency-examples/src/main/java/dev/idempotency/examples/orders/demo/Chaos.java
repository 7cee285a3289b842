package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.async.DeliveryFaults;
import dev.idempotency.examples.orders.async.OrderQueue;
import dev.idempotency.examples.orders.async.QueueMessage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the demo and the tests inject on purpose: every message published several times, and the
 * consumer killed in the middle of some messages (after its transaction committed, before the
 * acknowledgement, the worst moment). Off unless set. The service sees it only as its
 * {@link DeliveryFaults}. Thread-safe.
 */
public final class Chaos implements DeliveryFaults {
  private final AtomicInteger copies = new AtomicInteger(1);
  private final AtomicInteger killsLeft = new AtomicInteger();
  private final AtomicLong pauseMillis = new AtomicLong();

  /** @return how many times each message is published */
  @Override
  public int copies() {
    return copies.get();
  }

  /** @param n how many times each message is published from now on (1 is normal) */
  public void copies(int n) {
    copies.set(Math.max(1, n));
  }

  /** @param n how many of the next processed messages kill their consumer before the ack */
  public void killConsumers(int n) {
    killsLeft.set(n);
  }

  /**
   * @param pause how long the consumer pauses inside its transaction, after writing the dedup row
   *     and before the order (zero is normal), so that a fault can strike mid-transaction
   */
  public void pauseInTransaction(java.time.Duration pause) {
    pauseMillis.set(Math.max(0, pause.toMillis()));
  }

  /** Called by the consumer inside its transaction, after the dedup row. */
  @Override
  public void insideTransaction() {
    long ms = pauseMillis.get();
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Called by the consumer after its transaction committed and before the ack. */
  @Override
  public void afterCommit(QueueMessage m) {
    if (killsLeft.get() > 0 && killsLeft.getAndDecrement() > 0) {
      throw new OrderQueue.ConsumerKilled("consumer killed after committing " + m.requestId() + ", before the ack");
    }
  }

  /** Back to normal. */
  public void reset() {
    copies.set(1);
    killsLeft.set(0);
    pauseMillis.set(0);
  }
}
