package dev.idempotency.redis;

import dev.idempotency.spi.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * State-machine entities as one hash per id: {@code s} state, {@code v} version, {@code f} the
 * highest fencing token that wrote it.
 */
final class RedisStateStore implements StateStore {
  private static final byte[][] FIELDS = {Bytes.utf8("s"), Bytes.utf8("v"), Bytes.utf8("f")};

  private final RedisBackend redis;
  private final String type;

  RedisStateStore(RedisBackend redis, String entityType) {
    this.redis = redis;
    this.type = "sm:" + entityType;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public boolean create(String entityId, String state) {
    Object reply = redis.call("create", () -> Scripts.STATE_CREATE.run(redis.jedis(),
        List.of(redis.keys().bytes(type, entityId)), List.of(Bytes.utf8(state), Bytes.millis(redis.stateTtl(), "stateTtl"))));
    return Bytes.number(reply) == 1;
  }

  @Override
  public TransitionAttempt transition(String entityId, Set<String> from, String to, long expectedVersion,
      long fencingToken) {
    List<byte[]> args = new ArrayList<>(4 + from.size());
    args.add(Bytes.utf8(to));
    args.add(Bytes.ascii(expectedVersion));
    args.add(Bytes.millis(redis.stateTtl(), "stateTtl"));
    args.add(Bytes.ascii(fencingToken));
    from.forEach(s -> args.add(Bytes.utf8(s)));
    List<?> reply = (List<?>) redis.call("transition", () -> Scripts.STATE_TRANSITION.run(redis.jedis(),
        List.of(redis.keys().bytes(type, entityId)), args));
    if (reply.isEmpty()) {
      return new TransitionAttempt(false, null);
    }
    return new TransitionAttempt(Bytes.number(reply.get(0)) == 1,
        new VersionedState(Bytes.string(reply.get(1)), Bytes.number(reply.get(2)), Bytes.number(reply.get(3))));
  }

  @Override
  public Optional<VersionedState> find(String entityId) {
    List<byte[]> fields = redis.call("find", () -> redis.jedis().hmget(redis.keys().bytes(type, entityId), FIELDS));
    if (fields.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(new VersionedState(Bytes.string(fields.get(0)), Bytes.number(fields.get(1)),
        fields.get(2) == null ? -1 : Bytes.number(fields.get(2))));
  }
}
