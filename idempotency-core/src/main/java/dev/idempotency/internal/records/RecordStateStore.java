package dev.idempotency.internal.records;

import dev.idempotency.FencingToken;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.StateStore;
import java.util.Optional;
import java.util.Set;

/**
 * A state machine's entities over a record store: one record per entity (state, version, fence),
 * kept until deleted; a transition is a compare-and-set on the record's version.
 */
public final class RecordStateStore extends DerivedStore implements StateStore {
  private static final int FORMAT = 3;
  private static final String WHAT = "state";


  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with (one per entity type)
   */
  public RecordStateStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  @Override
  public boolean create(String entityId, String state) {
    return records.create(prefix + entityId, encode(new VersionedState(state, 0, -1)), null).created();
  }

  @Override
  public TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition) {
    String k = prefix + entityId;
    long expectedVersion = condition.expectedVersion().orElse(-1);
    long fencingToken = condition.fence().map(FencingToken::value).orElse(-1L);
    while (true) {
      RecordStore.Entry live = records.read(k).entry();
      if (live == null) {
        return new TransitionAttempt(false, null);
      }
      VersionedState cur = decode(live);
      if (!from.contains(cur.state()) || (expectedVersion >= 0 && cur.version() != expectedVersion)
          || (fencingToken >= 0 && cur.fence() > fencingToken)) {
        return new TransitionAttempt(false, cur);
      }
      VersionedState next = new VersionedState(to, cur.version() + 1, fencingToken < 0 ? cur.fence() : fencingToken);
      if (records.replace(k, live.version(), encode(next), null) > 0) {
        return new TransitionAttempt(true, next);
      }
    }
  }

  @Override
  public Optional<VersionedState> find(String entityId) {
    RecordStore.Entry live = records.read(prefix + entityId).entry();
    return live == null ? Optional.empty() : Optional.of(decode(live));
  }

  private static byte[] encode(VersionedState s) {
    return new Bytes.Out(FORMAT, 32 + s.state().length()).text(s.state()).i64(s.version()).i64(s.fence()).done();
  }

  private static VersionedState decode(RecordStore.Entry e) {
    Bytes.In in = new Bytes.In(e.value(), FORMAT, WHAT);
    VersionedState s = new VersionedState(in.text(), in.nonNegative(), in.i64());
    in.end();
    return s;
  }
}
