package dev.idempotency.memory;

import dev.idempotency.FencingToken;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.StateStore;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory {@link StateStore} for one entity type: a concurrent map, the equivalent of one table.
 * Entities are business data, so they are never evicted; the number of entities is capped instead.
 */
final class InMemoryStateStore implements StateStore {
  private final ConcurrentHashMap<String, VersionedState> rows = new ConcurrentHashMap<>();
  private final AtomicLong size = new AtomicLong();
  private final long maximumEntities;

  long liveCount() {
    return rows.size();
  }

  InMemoryStateStore(long maximumEntities) {
    this.maximumEntities = maximumEntities;
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public boolean create(String entityId, String state) {
    if (size.incrementAndGet() > maximumEntities) {
      size.decrementAndGet();
      throw new StoreUnavailableException(name(), "create",
          new IllegalStateException("the in-memory state store is full (" + maximumEntities + " entities)"));
    }
    boolean created = rows.putIfAbsent(entityId, new VersionedState(state, 0, -1)) == null;
    if (!created) {
      size.decrementAndGet();
    }
    return created;
  }

  @Override
  public TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition) {
    long expectedVersion = condition.expectedVersion().orElse(-1);
    long fencingToken = condition.fence().map(FencingToken::value).orElse(-1L);
    while (true) {
      VersionedState cur = rows.get(entityId);
      if (cur == null) {
        return new TransitionAttempt(false, null);
      }
      if (!from.contains(cur.state()) || (expectedVersion >= 0 && cur.version() != expectedVersion)
          || (fencingToken >= 0 && cur.fence() > fencingToken)) {
        return new TransitionAttempt(false, cur);
      }
      VersionedState next = new VersionedState(to, cur.version() + 1, fencingToken < 0 ? cur.fence() : fencingToken);
      // Compare-and-set: a transition that raced this one raised the version, so cur no longer matches.
      if (rows.replace(entityId, cur, next)) {
        return new TransitionAttempt(true, next);
      }
    }
  }

  @Override
  public Optional<VersionedState> find(String entityId) {
    return Optional.ofNullable(rows.get(entityId));
  }
}
