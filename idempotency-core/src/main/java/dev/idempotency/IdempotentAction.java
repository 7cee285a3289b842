package dev.idempotency;

/**
 * The work an idempotent call guards.
 *
 * @param <T> the result type
 * @param <X> the checked exception the work may throw ({@link RuntimeException} if none); the engine
 *     rethrows it unchanged
 */
@FunctionalInterface
public interface IdempotentAction<T, X extends Exception> {
  /**
   * Does the work, once per key.
   *
   * @param claim the claim the work runs under
   * @return the result, which is stored and replayed to duplicates
   * @throws X the work's own failure
   */
  T run(Claim claim) throws X;
}
