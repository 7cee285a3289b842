package dev.idempotency.memory;

import dev.idempotency.TimeSource;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The record-store primitive in memory: the reference implementation of {@link RecordStore}, and
 * the one the contract kit runs {@link dev.idempotency.spi.RecordBackend} on. Each method is one
 * {@code compute} on a concurrent map; versions come from one store-wide counter; expiry is decided
 * on the injected {@link TimeSource}, and expired records are removed when touched and by a sweep
 * every few thousand writes. Unbounded: the in-memory backend of applications is
 * {@link InMemoryBackend}, which bounds its memory.
 *
 * <p>Thread-safe.
 */
public final class InMemoryRecordStore implements RecordStore {
  private static final int SWEEP_EVERY = 4096;

  private record Rec(byte[] value, long version, long expiresAtMicros) {}

  private final TimeSource time;
  private final ConcurrentHashMap<String, Rec> map = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  /**
   * A store on the system clock.
   */
  public InMemoryRecordStore() {
    this(TimeSource.system());
  }

  /**
   * A store on the given clock.
   *
   * @param time the clock expiry is decided on
   * @throws dev.idempotency.InvalidInputException if it is null
   */
  public InMemoryRecordStore(TimeSource time) {
    this.time = Require.nonNull(time, "time");
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  private long now() {
    return time.nanoTime() / 1_000L;
  }

  private static boolean live(Rec r, long now) {
    return r != null && r.expiresAtMicros() - now > 0;
  }

  /** The time to live in microseconds, checked before anything is touched; -1 for none. */
  private static long ttlMicros(Duration ttl) {
    if (ttl == null) {
      return -1;
    }
    Require.positive(ttl, "ttl");
    return ttl.getSeconds() >= Long.MAX_VALUE / 2_000_000L ? Long.MAX_VALUE
        : Math.max(1, ttl.getSeconds() * 1_000_000L + ttl.getNano() / 1_000);
  }

  private static long expiry(long now, long ttlMicros) {
    return ttlMicros < 0 || ttlMicros >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttlMicros;
  }

  @Override
  public Snapshot read(String key) {
    Require.nonNull(key, "key");
    long now = now();
    Rec r = map.get(key);
    return new Snapshot(live(r, now) ? new Entry(r.value(), r.version(), r.expiresAtMicros()) : null, now);
  }

  @Override
  public Created create(String key, byte[] value, Duration ttl) {
    Require.nonNull(key, "key");
    Require.nonNull(value, "value");
    long ttlMicros = ttlMicros(ttl);
    long[] version = {0};
    Rec after = map.compute(key, (k, r) -> {
      long now = now();
      if (live(r, now)) {
        return r;
      }
      version[0] = versions.incrementAndGet();
      return new Rec(value, version[0], expiry(now, ttlMicros));
    });
    sweepSometimes();
    return version[0] > 0 ? new Created(version[0], null)
        : new Created(0, new Entry(after.value(), after.version(), after.expiresAtMicros()));
  }

  @Override
  public long replace(String key, long expectedVersion, byte[] value, Duration ttl) {
    Require.nonNull(key, "key");
    Require.nonNull(value, "value");
    long ttlMicros = ttlMicros(ttl);
    long[] version = {0};
    map.computeIfPresent(key, (k, r) -> {
      long now = now();
      if (!live(r, now)) {
        return null;
      }
      if (r.version() != expectedVersion) {
        return r;
      }
      version[0] = versions.incrementAndGet();
      return new Rec(value, version[0], expiry(now, ttlMicros));
    });
    return version[0];
  }

  @Override
  public boolean delete(String key, long expectedVersion) {
    Require.nonNull(key, "key");
    boolean[] deleted = {false};
    map.computeIfPresent(key, (k, r) -> {
      if (!live(r, now())) {
        return null;
      }
      if (expectedVersion != 0 && r.version() != expectedVersion) {
        return r;
      }
      deleted[0] = true;
      return null;
    });
    return deleted[0];
  }

  /**
   * Counts the live records.
   *
   * @return the count
   */
  public long liveCount() {
    long now = now();
    return map.values().stream().filter(r -> live(r, now)).count();
  }

  private void sweepSometimes() {
    if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
      long now = now();
      map.values().removeIf(r -> !live(r, now));
    }
  }
}
