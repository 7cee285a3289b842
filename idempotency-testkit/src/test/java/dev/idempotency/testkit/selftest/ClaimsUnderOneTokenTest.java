package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.RecordBackend;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.testkit.ManualTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two claims of different keys under the same fencing token, as a store whose members issue
 * versions from their own clocks can give at the same instant (here a store whose versions count
 * per key): each completion keeps its own claim's fingerprint. Before the fix, the store of
 * idempotent calls remembered claims by token alone, and the second claim's fingerprint was written
 * into the first key's completed record, so the first key's retry was refused as a reused key.
 */
class ClaimsUnderOneTokenTest {

  /** Versions per key; the last one of each key is kept for ever, so versions grow across deletes. */
  static final class PerKeyVersions implements RecordStore {
    private record Rec(byte[] value, long version, long end) {}

    private final ManualTime time;
    private final Map<String, Rec> live = new ConcurrentHashMap<>();
    private final Map<String, Long> last = new ConcurrentHashMap<>();

    PerKeyVersions(ManualTime time) {
      this.time = time;
    }

    @Override
    public String name() {
      return "per-key versions";
    }

    private long now() {
      return time.nanoTime() / 1_000L;
    }

    private long end(Duration ttl) {
      return ttl == null ? Long.MAX_VALUE : now() + ttl.toNanos() / 1_000L;
    }

    private Rec current(String key) {
      Rec r = live.get(key);
      return r != null && r.end() - now() > 0 ? r : null;
    }

    private long next(String key) {
      return last.merge(key, 1L, Long::sum);
    }

    @Override
    public Snapshot read(String key) {
      Rec r = current(key);
      return new Snapshot(r == null ? null : new Entry(r.value(), r.version(), r.end()), now());
    }

    @Override
    public synchronized Created create(String key, byte[] value, Duration ttl) {
      Rec r = current(key);
      if (r != null) {
        return new Created(0, new Entry(r.value(), r.version(), r.end()));
      }
      long v = next(key);
      live.put(key, new Rec(value, v, end(ttl)));
      return new Created(v, null);
    }

    @Override
    public synchronized long replace(String key, long expectedVersion, byte[] value, Duration ttl) {
      Rec r = current(key);
      if (r == null || r.version() != expectedVersion) {
        return 0;
      }
      long v = next(key);
      live.put(key, new Rec(value, v, end(ttl)));
      return v;
    }

    @Override
    public synchronized boolean delete(String key, long expectedVersion) {
      Rec r = current(key);
      if (r == null || (expectedVersion != 0 && r.version() != expectedVersion)) {
        return false;
      }
      live.remove(key);
      return true;
    }
  }

  @Test
  void twoKeysClaimedUnderTheSameTokenEachKeepTheirOwnFingerprint() {
    IdempotencyStore store = RecordBackend.of(new PerKeyVersions(new ManualTime())).idempotencyStore();
    Fingerprint a = Fingerprint.of("a".repeat(64));
    Fingerprint b = Fingerprint.of("b".repeat(64));
    ClaimResult first = store.claim("one", a.value(), Duration.ofMinutes(1));
    ClaimResult second = store.claim("two", b.value(), Duration.ofMinutes(1));
    assertThat(first).isEqualTo(second); // both Acquired(1): one token, two keys
    long token = ((ClaimResult.Acquired) first).fencingToken();
    assertThat(store.complete("one", token, new byte[] {1}, Duration.ofMinutes(1))).isTrue();
    assertThat(store.complete("two", token, new byte[] {2}, Duration.ofMinutes(1))).isTrue();
    assertThat(store.find("one").orElseThrow().fingerprint()).isEqualTo(a.value());
    assertThat(store.find("two").orElseThrow().fingerprint()).isEqualTo(b.value());

    // Through the engine: two keys claimed and completed by turns, each retried with its own body.
    IdempotencyEngine engine = IdempotencyEngine.builder(RecordBackend.of(new PerKeyVersions(new ManualTime()))
        .idempotencyStore()).build();
    for (String k : new String[] {"x", "y"}) {
      Fingerprint f = Fingerprint.of((k.equals("x") ? "c" : "d").repeat(64));
      engine.execute(IdempotencyKey.of("n", k), f, Codecs.string(), c -> "for " + k);
    }
    CallResult<String> retry = engine.execute(IdempotencyKey.of("n", "x"), Fingerprint.of("c".repeat(64)),
        Codecs.string(), c -> "ran again");
    assertThat(retry.value()).isEqualTo("for x");
  }
}
