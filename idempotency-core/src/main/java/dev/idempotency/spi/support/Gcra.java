package dev.idempotency.spi.support;

import dev.idempotency.spi.RateLimitStore;
import java.util.List;

/**
 * The GCRA decision of {@link dev.idempotency.ratelimit.RateLimiter}, for backends that compute it
 * in Java (in memory, JDBC); the Redis script is the same rule in Lua.
 */
public final class Gcra {
  private Gcra() {}

  /**
   * Decides a request over all tiers.
   *
   * @param stored the stored arrival times per tier (shorter or null when absent: treated as past)
   * @param now the backend's now, in microseconds
   * @param tiers the tiers
   * @param permits the permits asked for
   * @return the new arrival times if granted, else null
   */
  public static long[] next(long[] stored, long now, List<RateLimitStore.Tier> tiers, long permits) {
    long[] next = new long[tiers.size()];
    for (int i = 0; i < next.length; i++) {
      RateLimitStore.Tier t = tiers.get(i);
      long tat = stored != null && i < stored.length ? Math.max(stored[i], now) : now;
      next[i] = tat + permits * t.intervalMicros();
      if (next[i] - now > t.capacityMicros()) {
        return null;
      }
    }
    return next;
  }

  /**
   * How long until every tier would grant the request.
   *
   * @param stored the stored arrival times per tier
   * @param now the backend's now, in microseconds
   * @param tiers the tiers
   * @param permits the permits asked for
   * @return microseconds, at least 1
   */
  public static long wait(long[] stored, long now, List<RateLimitStore.Tier> tiers, long permits) {
    long wait = 1;
    for (int i = 0; i < tiers.size(); i++) {
      RateLimitStore.Tier t = tiers.get(i);
      long tat = stored != null && i < stored.length ? Math.max(stored[i], now) : now;
      wait = Math.max(wait, tat + permits * t.intervalMicros() - t.capacityMicros() - now);
    }
    return wait;
  }

  /**
   * How long a key's state matters: until its latest arrival time.
   *
   * @param tats the arrival times
   * @param now now, in microseconds
   * @return microseconds, at least 1
   */
  public static long ttl(long[] tats, long now) {
    long max = now;
    for (long t : tats) {
      max = Math.max(max, t);
    }
    return Math.max(1, max - now);
  }
}
