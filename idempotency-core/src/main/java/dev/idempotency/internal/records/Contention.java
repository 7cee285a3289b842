package dev.idempotency.internal.records;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The pause between a lost compare-and-set and the next read: none after the first loss, then a
 * random wait whose bound doubles with each loss, from 40 µs up to 1 ms. With many writers on one
 * record (a flash sale's item), writers that all retried at once would mostly lose again; spread
 * out, each round lets more of them land, and a confirmation is not starved past its hold.
 */
final class Contention {
  private static final long FIRST_BOUND_NANOS = 40_000L;
  private static final long MAX_BOUND_NANOS = 1_000_000L;

  private int lost;

  /** Called after each lost compare-and-set; pauses before the next attempt. */
  void lost() {
    lost++;
    if (lost > 1) {
      long bound = Math.min(MAX_BOUND_NANOS, FIRST_BOUND_NANOS << Math.min(lost - 2, 5));
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, bound));
    }
  }
}
