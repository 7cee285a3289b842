package dev.idempotency;

/**
 * The claim an action runs under, given to the action so that it can pass the fencing token on to
 * the writes it makes (a downstream store that refuses writes under an older token is then safe even
 * from an owner whose lease expired mid-work).
 *
 * @param key the claimed key
 * @param fencingToken greater than any earlier claim's token for this key
 */
public record Claim(IdempotencyKey key, FencingToken fencingToken) {}
