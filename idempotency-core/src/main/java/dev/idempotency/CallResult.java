package dev.idempotency;

/**
 * The outcome of a successful idempotent call.
 *
 * @param <T> the result type
 * @param value the result: the action's own, or the stored one when replayed (may be null)
 * @param replayed true if the action did not run and the stored result of an earlier call was
 *     returned
 * @param fencingToken the fencing token of the claim that produced the result
 */
public record CallResult<T>(T value, boolean replayed, FencingToken fencingToken) {}
