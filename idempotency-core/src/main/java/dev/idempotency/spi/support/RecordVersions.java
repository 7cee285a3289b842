package dev.idempotency.spi.support;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Record versions from the wall clock, for a {@link dev.idempotency.spi.RecordStore} whose records
 * live on servers without a shared counter (the Hazelcast store computes them on the member that
 * owns the key): the time in microseconds, raised past the last version this JVM issued and past
 * the key's current version. Versions of one key therefore grow across deletes and expiry as long
 * as the members' clocks disagree by less than the time between a record's end and the key's next
 * write (NTP keeps them within milliseconds; a clock stepped back by more can reissue a version).
 *
 * <p>Thread-safe; lock-free.
 */
public final class RecordVersions {
  private static final AtomicLong LAST = new AtomicLong();

  private RecordVersions() {}

  /**
   * The next version for a key.
   *
   * @param current the key's current version, or 0 if it has none
   * @return greater than {@code current}, than every version this JVM issued before, and at least
   *     the wall clock in microseconds
   */
  public static long next(long current) {
    long now = System.currentTimeMillis() * 1_000L;
    return LAST.accumulateAndGet(Math.max(now, current), (last, floor) -> Math.max(last + 1, floor + 1));
  }

  /**
   * The wall clock in microseconds, never less than a reading this JVM gave before.
   *
   * @return the time
   */
  public static long nowMicros() {
    return Math.max(System.currentTimeMillis() * 1_000L, LAST.get());
  }
}
