package dev.idempotency.spi;

import java.util.List;

/**
 * The backend of rate limits ({@link dev.idempotency.ratelimit.RateLimiter}): the GCRA state of a
 * key, one "theoretical arrival time" per tier, in microseconds of the backend's clock.
 *
 * <p>{@link #acquire} is one atomic step over all tiers of the key: either every tier grants the
 * permits and all are recorded, or none is. The decision rule, shared by every backend, is in
 * {@link dev.idempotency.ratelimit.RateLimiter}: for each tier, {@code tat = max(stored, now)},
 * {@code next = tat + permits * interval}; granted when {@code next - now <= capacity} for every
 * tier, and then every tier stores {@code next}. Otherwise the answer is the time until all would
 * grant: the largest {@code next - capacity - now}.
 */
public interface RateLimitStore extends Store {

  /**
   * One tier of a limit, as the store computes with it.
   *
   * @param intervalMicros the time one permit stands for: the period divided by the permits
   * @param capacityMicros permits times interval: how far ahead of now the arrival time may run,
   *     which is what allows a burst of up to that many permits
   */
  record Tier(long intervalMicros, long capacityMicros) {}

  /**
   * Takes permits from every tier of a key, or from none.
   *
   * @param key the storage key (the limiter's name and the limited key)
   * @param tiers the tiers, at least one; the same list, in the same order, for every call on a key
   * @param permits how many permits, positive
   * @return 0 if granted, otherwise the microseconds until every tier would grant them
   */
  long acquire(String key, List<Tier> tiers, long permits);

  /**
   * {@link #acquire} as a step that its backend can run with others in one round trip, or null if
   * the backend has no {@link StepRunner} (the default).
   *
   * @param key the storage key
   * @param tiers the tiers
   * @param permits how many permits
   * @return the step, whose reply is {@link #acquire}'s and passes when 0; or null
   */
  default StoreStep<Long> acquireStep(String key, List<Tier> tiers, long permits) {
    return null;
  }
}
