package dev.idempotency.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.idempotency.TimeSource;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * A bounded map whose entries each carry their own deadline on the injected time source, on
 * Caffeine.
 *
 * <p>Every read and every atomic update checks the deadline itself, so an entry is gone the instant
 * its deadline passes, exactly as a Redis TTL or a database {@code now()} comparison would have it;
 * Caffeine's variable expiry then reclaims the memory. Entries of weight 0 (live claims, locks) are
 * never evicted for size: only their deadline removes them.
 */
final class ExpiringMap<V> {
  /** A value with its deadline (nanoseconds on the time source's scale) and weight. */
  record Timed<V>(V value, long deadline, int weight) {}

  private final Cache<String, Timed<V>> cache;
  private final TimeSource time;

  ExpiringMap(TimeSource time, long maximumWeight) {
    this.time = time;
    this.cache = Caffeine.newBuilder()
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .maximumWeight(maximumWeight)
        .weigher((String k, Timed<V> v) -> v.weight())
        .expireAfter(new Expiry<String, Timed<V>>() {
          @Override
          public long expireAfterCreate(String key, Timed<V> value, long currentTime) {
            return Math.max(0, value.deadline() - currentTime);
          }

          @Override
          public long expireAfterUpdate(String key, Timed<V> value, long currentTime,
              long currentDuration) {
            return Math.max(0, value.deadline() - currentTime);
          }

          @Override
          public long expireAfterRead(String key, Timed<V> value, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** Now, in nanoseconds on the time source's scale. */
  long now() {
    return time.nanoTime();
  }

  long deadline(long now, Duration ttl) {
    long n = dev.idempotency.spi.support.Require.storedDuration(ttl, "ttl").toNanos();
    return now + n < now ? Long.MAX_VALUE : now + n;
  }

  /** The number of live entries (expired ones are not counted). */
  long liveCount() {
    long now = now();
    return cache.asMap().values().stream().filter(t -> t.deadline() > now).count();
  }

  /** The live value, or null. */
  V get(String key) {
    Timed<V> t = cache.getIfPresent(key);
    return t == null || t.deadline() <= now() ? null : t.value();
  }

  /**
   * What an update decided: the entry to keep ({@code live} itself to keep it unchanged, null to
   * remove it) and the caller's answer.
   *
   * @param <V> the value type
   * @param <R> the answer's type
   */
  record Decision<V, R>(Timed<V> entry, R answer) {}

  /** An atomic update of one entry. */
  @FunctionalInterface
  interface Update<V, R> {
    /**
     * Decides the new entry and the answer.
     *
     * @param live the live entry, or null if absent or past its deadline
     * @param now the current time
     * @return the decision
     */
    Decision<V, R> apply(Timed<V> live, long now);
  }

  /**
   * Atomically replaces the entry of a key; see {@link Update}.
   *
   * @return the update's answer
   */
  <R> R compute(String key, Update<V, R> update) {
    Decided<R> decided = new Decided<>(update);
    cache.asMap().compute(key, decided);
    return decided.answer;
  }

  /**
   * One update run inside the cache's atomic compute, which hands back only the new entry: the
   * answer is kept here, the one place the in-memory stores need it carried out.
   */
  private final class Decided<R> implements BiFunction<String, Timed<V>, Timed<V>> {
    private final Update<V, R> update;
    private R answer;

    Decided(Update<V, R> update) {
      this.update = update;
    }

    @Override
    public Timed<V> apply(String key, Timed<V> old) {
      long now = now();
      Decision<V, R> d = update.apply(old == null || old.deadline() <= now ? null : old, now);
      answer = d.answer();
      return d.entry();
    }
  }
}
