package dev.idempotency.internal.records;

import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.spi.support.Gcra;
import java.time.Duration;
import java.util.List;

/**
 * Rate limits over a record store: a key's GCRA arrival times in one record, decided on the store's
 * clock ({@link RecordStore.Snapshot#nowMicros()}) and written with a compare-and-set, so that
 * concurrent acquires never grant more than the limit.
 */
public final class RecordRateLimitStore extends DerivedStore implements RateLimitStore {
  private static final int FORMAT = 4;
  private static final String WHAT = "rate-limit";
  private static final long MARGIN_MICROS = 1_000_000L;


  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordRateLimitStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  @Override
  public long acquire(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    String k = prefix + key;
    while (true) {
      RecordStore.Snapshot s = records.read(k);
      long now = s.nowMicros();
      long[] current = s.entry() == null ? null : decode(s.entry());
      long[] next = Gcra.next(current, now, tiers, permits);
      if (next == null) {
        return Gcra.wait(current, now, tiers, permits);
      }
      Duration ttl = Duration.ofNanos((Gcra.ttl(next, now) + MARGIN_MICROS) * 1_000L);
      long written = s.entry() == null ? records.create(k, encode(next), ttl).version()
          : records.replace(k, s.entry().version(), encode(next), ttl);
      if (written > 0) {
        return 0;
      }
    }
  }

  private static byte[] encode(long[] tats) {
    Bytes.Out out = new Bytes.Out(FORMAT, 9 + 8 * tats.length).i64(tats.length);
    for (long t : tats) {
      out.i64(t);
    }
    return out.done();
  }

  private static long[] decode(RecordStore.Entry e) {
    Bytes.In in = new Bytes.In(e.value(), FORMAT, WHAT);
    long n = in.nonNegative();
    if (n > 64) {
      throw Bytes.corrupt(WHAT + " record has " + n + " tiers", null);
    }
    long[] tats = new long[(int) n];
    for (int i = 0; i < tats.length; i++) {
      tats[i] = in.i64();
    }
    in.end();
    return tats;
  }
}
