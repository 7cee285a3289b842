package dev.idempotency.annotation;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyKey;

/**
 * What the last idempotent call made through a proxy on this thread did, from
 * {@link Idempotency#lastCall()}.
 *
 * @param key the key the call used
 * @param replayed true if the result was an earlier call's, replayed without running the method
 * @param fencingToken the fencing token of the claim that produced the result
 */
public record CallInfo(IdempotencyKey key, boolean replayed, FencingToken fencingToken) {}
