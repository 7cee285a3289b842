package dev.idempotency.redis;

import dev.idempotency.FencingToken;
import dev.idempotency.spi.StateStore;
import java.time.Duration;
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

  private final RedisExecutor redis;
  private final RedisKeys keys;
  private final String entityType;
  private final byte[] ttl;

  RedisStateStore(RedisExecutor redis, RedisKeys keys, String entityType, Duration ttl) {
    this.redis = redis;
    this.keys = keys;
    this.entityType = entityType;
    this.ttl = Bytes.millis(ttl, "stateTtl");
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public boolean create(String entityId, String state) {
    Object reply = redis.run("create", Scripts.STATE_CREATE, keys.stateBytes(entityType, entityId),
        List.of(Bytes.utf8(state), ttl));
    return Bytes.number(reply) == 1;
  }

  @Override
  public TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition) {
    List<byte[]> args = new ArrayList<>(4 + from.size());
    args.add(Bytes.utf8(to));
    args.add(Bytes.ascii(condition.expectedVersion().orElse(-1)));
    args.add(ttl);
    args.add(Bytes.ascii(condition.fence().map(FencingToken::value).orElse(-1L)));
    from.forEach(s -> args.add(Bytes.utf8(s)));
    List<?> reply = (List<?>) redis.run("transition", Scripts.STATE_TRANSITION,
        keys.stateBytes(entityType, entityId), args);
    if (reply.isEmpty()) {
      return new TransitionAttempt(false, null);
    }
    return new TransitionAttempt(Bytes.number(reply.get(0)) == 1,
        new VersionedState(Bytes.string(reply.get(1)), Bytes.number(reply.get(2)), Bytes.number(reply.get(3))));
  }

  @Override
  public Optional<VersionedState> find(String entityId) {
    List<byte[]> fields = redis.call("find", j -> j.hmget(keys.stateBytes(entityType, entityId), FIELDS));
    if (fields.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(new VersionedState(Bytes.string(fields.get(0)), Bytes.number(fields.get(1)),
        fields.get(2) == null ? -1 : Bytes.number(fields.get(2))));
  }
}
