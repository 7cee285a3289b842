package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.Backend;
import dev.idempotency.spi.RecordBackend;
import dev.idempotency.spi.RecordStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The record-store primitive ({@link RecordStore}, {@code docs/contract.md} "The record store"):
 * conditional create, compare-and-set on a version, delete, expiry on the store's clock, and
 * versions that grow across deletes and expiry. Every strategy of {@link RecordBackend} rests on
 * these, so a backend passes this suite before the strategy suites mean anything.
 */
public abstract class RecordStoreContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected RecordStoreContract() {}

  private static final int RACERS = 16;

  /**
   * A client of the record store under test.
   *
   * @return by default, the record store of a new client of {@link #fixture()}, which must be a
   *     {@link RecordBackend}
   */
  protected RecordStore newStore() {
    Backend b = fixture().newClient();
    if (!(b instanceof RecordBackend rb)) {
      throw new AssertionError(b.name() + " is not a RecordBackend; override newStore()");
    }
    return rb.records();
  }

  private String key(String name) {
    return ns + ":" + name;
  }

  @Test
  void ofConcurrentCreatesOfAKeyExactlyOneWinsAndItsValueIsKept() throws Exception {
    String k = key("race");
    List<RecordStore> clients = List.of(newStore(), newStore());
    CountDownLatch go = new CountDownLatch(1);
    ConcurrentLinkedQueue<Long> won = new ConcurrentLinkedQueue<>();
    List<Future<?>> racers = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      RecordStore s = clients.get(i % 2);
      byte[] mine = {(byte) i};
      racers.add(inBackground(() -> {
        go.await();
        long v = s.create(k, mine, LONG).version();
        if (v > 0) {
          won.add(v * 100 + mine[0]);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : racers) {
      f.get();
    }
    assertThat(won).hasSize(1);
    long winner = won.peek();
    RecordStore.Entry e = clients.get(0).read(k).entry();
    assertThat(e.version()).isEqualTo(winner / 100);
    assertThat(e.value()).containsExactly((byte) (winner % 100));
  }

  @Test
  void aCreateOverALiveRecordWritesNothing() {
    RecordStore s = newStore();
    String k = key("live");
    long v = s.create(k, new byte[] {1}, LONG).version();
    assertThat(v).isPositive();
    RecordStore.Created again = s.create(k, new byte[] {2}, LONG);
    assertThat(again.created()).isFalse();
    assertThat(again.version()).isZero();
    assertThat(again.existing().version()).as("the live record, returned in the same step").isEqualTo(v);
    assertThat(again.existing().value()).containsExactly(1);
    assertThat(s.read(k).entry().value()).containsExactly(1);
    assertThat(s.read(k).entry().version()).isEqualTo(v);
  }

  @Test
  void aReplaceLandsOnlyOnTheVersionItNamesAndGivesAGreaterOne() {
    RecordStore s = newStore();
    String k = key("cas");
    long v1 = s.create(k, new byte[] {1}, LONG).version();
    long v2 = s.replace(k, v1, new byte[] {2}, LONG);
    assertThat(v2).isGreaterThan(v1);
    assertThat(s.replace(k, v1, new byte[] {3}, LONG)).isZero();
    assertThat(s.read(k).entry().value()).containsExactly(2);
    assertThat(s.replace(key("absent"), v2, new byte[] {3}, LONG)).isZero();
    assertThat(s.read(key("absent")).entry()).isNull();
  }

  @Test
  void ofConcurrentReplacesNamingOneVersionAtMostOneLands() throws Exception {
    String k = key("cas-race");
    List<RecordStore> clients = List.of(newStore(), newStore());
    long v = clients.get(0).create(k, new byte[0], LONG).version();
    CountDownLatch go = new CountDownLatch(1);
    ConcurrentLinkedQueue<Long> landed = new ConcurrentLinkedQueue<>();
    List<Future<?>> racers = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      RecordStore s = clients.get(i % 2);
      racers.add(inBackground(() -> {
        go.await();
        long n = s.replace(k, v, new byte[] {9}, LONG);
        if (n > 0) {
          landed.add(n);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : racers) {
      f.get();
    }
    assertThat(landed).hasSize(1);
    assertThat(clients.get(1).read(k).entry().version()).isEqualTo(landed.peek());
  }

  @Test
  void aDeleteLandsOnlyOnTheVersionItNames() {
    RecordStore s = newStore();
    String k = key("del");
    long v = s.create(k, new byte[] {1}, LONG).version();
    assertThat(s.delete(k, v + 1)).isFalse();
    assertThat(s.read(k).entry()).isNotNull();
    assertThat(s.delete(k, v)).isTrue();
    assertThat(s.read(k).entry()).isNull();
    assertThat(s.delete(k, v)).isFalse();
  }

  @Test
  void aDeleteOfAnyVersionRemovesTheLiveRecordForExactlyOneOfConcurrentCallers() throws Exception {
    String k = key("any");
    List<RecordStore> clients = List.of(newStore(), newStore());
    assertThat(clients.get(0).delete(k, 0)).as("nothing to delete").isFalse();
    clients.get(0).create(k, new byte[] {1}, LONG);
    CountDownLatch go = new CountDownLatch(1);
    ConcurrentLinkedQueue<Boolean> deleted = new ConcurrentLinkedQueue<>();
    List<Future<?>> racers = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      RecordStore s = clients.get(i % 2);
      racers.add(inBackground(() -> {
        go.await();
        if (s.delete(k, 0)) {
          deleted.add(true);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : racers) {
      f.get();
    }
    assertThat(deleted).hasSize(1);
    assertThat(clients.get(1).read(k).entry()).isNull();
  }

  @Test
  void versionsOfAKeyGrowAcrossDeletesAndExpiry() throws Exception {
    RecordStore s = newStore();
    String k = key("grow");
    long v1 = s.create(k, new byte[0], LONG).version();
    assertThat(s.delete(k, v1)).isTrue();
    long v2 = s.create(k, new byte[0], SHORT).version();
    assertThat(v2).isGreaterThan(v1);
    advance(PAST_SHORT);
    long v3 = s.create(k, new byte[0], LONG).version();
    assertThat(v3).isGreaterThan(v2);
    for (int i = 0; i < 50; i++) {
      long before = s.read(k).entry().version();
      assertThat(s.delete(k, before)).isTrue();
      assertThat(s.create(k, new byte[0], LONG).version()).isGreaterThan(before);
    }
  }

  @Test
  void versionsIssuedOneAfterAnotherGrowAcrossKeysAndClients() {
    long previous = 0;
    for (int i = 0; i < 20; i++) {
      RecordStore s = newStore();
      long v = i % 2 == 0 ? s.create(key("across" + i), new byte[0], LONG).version()
          : s.replace(key("across" + (i - 1)), previous, new byte[0], LONG);
      assertThat(v).as("write " + i).isGreaterThan(previous);
      previous = v;
    }
  }

  @Test
  void anExpiredRecordIsAbsentForEveryMethodAndALiveOneReportsItsEnd() throws Exception {
    RecordStore s = newStore();
    String k = key("ttl");
    // The end is read from a record that lives LONG, so that a stalled thread cannot outlive it.
    String kept = key("kept");
    s.create(kept, new byte[] {1}, LONG);
    long v = s.create(k, new byte[] {1}, SHORT).version();
    RecordStore.Snapshot snap = s.read(kept);
    long left = snap.entry().expiresAtMicros() - snap.nowMicros();
    assertThat(left).isBetween(LONG.toNanos() / 1_000L - SHORT.toNanos() / 1_000L, LONG.toNanos() / 1_000L);
    advance(PAST_SHORT);
    RecordStore.Snapshot later = s.read(k);
    assertThat(later.entry()).isNull();
    assertThat(later.nowMicros() - snap.nowMicros()).isGreaterThanOrEqualTo(PAST_SHORT.toNanos() / 1_000L - 1_000L);
    assertThat(s.replace(k, v, new byte[] {2}, LONG)).isZero();
    assertThat(s.delete(k, v)).isFalse();
    assertThat(s.create(k, new byte[] {3}, LONG).version()).isPositive();
  }

  @Test
  void aReplaceSetsANewTimeToLiveAndARecordWithoutOneOutlivesTheOthers() throws Exception {
    RecordStore s = newStore();
    String kept = key("kept");
    String renewed = key("renewed");
    s.create(kept, new byte[] {1}, null);
    long v = s.create(renewed, new byte[] {1}, SHORT).version();
    assertThat(s.replace(renewed, v, new byte[] {2}, LONG)).isPositive();
    assertThat(s.read(kept).entry().expiresAtMicros()).isEqualTo(Long.MAX_VALUE);
    advance(PAST_SHORT);
    assertThat(s.read(kept).entry().value()).containsExactly(1);
    assertThat(s.read(renewed).entry().value()).containsExactly(2);
  }

  @Test
  void valuesComeBackByteForByte() {
    RecordStore s = newStore();
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    s.create(key("bytes"), all, LONG);
    s.create(key("empty"), new byte[0], LONG);
    assertThat(newStore().read(key("bytes")).entry().value()).containsExactly(all);
    assertThat(newStore().read(key("empty")).entry().value()).isEmpty();
  }
}
