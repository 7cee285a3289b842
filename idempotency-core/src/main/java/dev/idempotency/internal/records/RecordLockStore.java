package dev.idempotency.internal.records;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Fenced, re-entrant locks over a record store: a lock is a record of its owner, hold count and
 * fencing token, created with the lease as its time to live. The token is the version the store
 * gave the record when it was created (0 in the bytes stands for it until a re-entry writes it out).
 */
public final class RecordLockStore extends DerivedStore implements LockStore {
  private static final int FORMAT = 2;
  private static final String WHAT = "lock";

  /**
   * The version of each lock this store's owners hold once (not re-entered), by key and owner: with
   * it a release is one conditional delete instead of a read and a delete. Bounded; a lock it no
   * longer holds is released the long way, and a version another writer replaced fails the delete.
   */
  private final Cache<String, Long> single = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).executor(Runnable::run).build();

  private record Held(String owner, long holds, long token) {}

  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordLockStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    Require.storedDuration(lease, "lease");
    String k = prefix + key;
    while (true) {
      RecordStore.Created c = records.create(k, encode(owner, 1, 0), lease);
      if (c.created()) {
        single.put(held(k, owner), c.version());
        return OptionalLong.of(c.version());
      }
      RecordStore.Entry live = c.existing();
      Held h = decode(live);
      if (!h.owner().equals(owner)) {
        return OptionalLong.empty();
      }
      if (records.replace(k, live.version(), encode(owner, h.holds() + 1, h.token()), lease) > 0) {
        single.invalidate(held(k, owner));
        return OptionalLong.of(h.token());
      }
    }
  }

  @Override
  public boolean release(String key, String owner) {
    String k = prefix + key;
    Long once = single.asMap().remove(held(k, owner));
    if (once != null && records.delete(k, once)) {
      return true;
    }
    while (true) {
      RecordStore.Snapshot s = records.read(k);
      RecordStore.Entry live = s.entry();
      if (live == null) {
        return false;
      }
      Held h = decode(live);
      if (!h.owner().equals(owner)) {
        return false;
      }
      if (h.holds() <= 1) {
        if (records.delete(k, live.version())) {
          return true;
        }
        continue;
      }
      // One hold less, the lease left as it was.
      long leftMicros = live.expiresAtMicros() - s.nowMicros();
      if (leftMicros < 1_000) {
        return true; // it ends within the millisecond anyway
      }
      Duration left = Duration.ofNanos(leftMicros * 1_000L);
      long version = records.replace(k, live.version(), encode(owner, h.holds() - 1, h.token()), left);
      if (version > 0) {
        if (h.holds() == 2) {
          single.put(held(k, owner), version);
        }
        return true;
      }
    }
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    Require.storedDuration(lease, "lease");
    String k = prefix + key;
    while (true) {
      RecordStore.Entry live = records.read(k).entry();
      if (live == null) {
        return false;
      }
      Held h = decode(live);
      if (!h.owner().equals(owner)) {
        return false;
      }
      long version = records.replace(k, live.version(), encode(owner, h.holds(), h.token()), lease);
      if (version > 0) {
        if (h.holds() == 1) {
          single.put(held(k, owner), version);
        }
        return true;
      }
    }
  }

  private static String held(String k, String owner) {
    return k + '\u0000' + owner;
  }

  private static byte[] encode(String owner, long holds, long token) {
    return new Bytes.Out(FORMAT, 24 + owner.length()).text(owner).i64(holds).i64(token).done();
  }

  private static Held decode(RecordStore.Entry e) {
    Bytes.In in = new Bytes.In(e.value(), FORMAT, WHAT);
    Held h = new Held(in.text(), in.nonNegative(), in.nonNegative());
    in.end();
    return new Held(h.owner(), h.holds(), h.token() == 0 ? e.version() : h.token());
  }
}
