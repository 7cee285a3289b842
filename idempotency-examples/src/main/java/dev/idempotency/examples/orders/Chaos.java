package dev.idempotency.examples.orders;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults the demo and the tests inject on purpose: every message published several times, and the
 * consumer killed in the middle of some messages (after its transaction committed, before the
 * acknowledgement, the worst moment). Off unless set. Thread-safe.
 */
public final class Chaos {
  private final AtomicInteger copies = new AtomicInteger(1);
  private final AtomicInteger killsLeft = new AtomicInteger();

  /** @return how many times each message is published */
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

  /** Called by the consumer after its transaction committed and before the ack. */
  void afterCommit(QueueMessage m) {
    if (killsLeft.get() > 0 && killsLeft.getAndDecrement() > 0) {
      throw new OrderQueue.ConsumerKilled("consumer killed after committing " + m.requestId() + ", before the ack");
    }
  }

  /** Back to normal. */
  public void reset() {
    copies.set(1);
    killsLeft.set(0);
  }
}
