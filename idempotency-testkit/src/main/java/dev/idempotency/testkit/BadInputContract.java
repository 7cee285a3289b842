package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.InvalidInputException;
import dev.idempotency.ResultNotStoredException;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimit;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

// Size: the bad-input corpus itself, one method per group of inputs; each case is one line.
/**
 * The bad-input corpus: a table of hostile values for every text, identifier, duration and number
 * the strategies take (null, empty, blank, over-long, control and format characters, line
 * separators, unpaired surrogates, injection attempts in identifiers; zero, negative, overflowing
 * and over-limit durations; out-of-range quantities), through the public API and straight at the
 * SPI's door. Each case must be an {@link InvalidInputException}, and the store is counted before
 * and after it ({@link BackendFixture#storedEntries()}): nothing written. Injection attempts and
 * reserved words in <em>key values</em> are data, not errors: they are stored as they are, and
 * never touch another key.
 */
public abstract class BadInputContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected BadInputContract() {}

  /**
   * A client of the backend under test.
   *
   * @return the client
   */
  protected Backend backend() {
    return fixture().newClient();
  }

  /**
   * What the backend holds now ({@link BackendFixture#storedEntries()}).
   *
   * @return the count
   */
  protected long storedEntries() {
    return fixture().storedEntries();
  }

  /** Hostile texts for key values, principals, items, holders and rate-limit keys; {@code max} is the field's limit. */
  private static List<String> badTexts(int max) {
    return Arrays.asList(null, "", " ", "\t \n", "a\u0000b", "a\nb", "a\rb", "a\u0007b", "a\u001bb", "a\u007fb",
        "a\u0085b", "a\u200bb", "a\u202eb", "a\ufeffb", "a\u2028b", "\ud800", "a\udc00b", "x".repeat(max + 1));
  }

  /** Hostile identifiers: namespaces, limiter and state-machine names. */
  private static final List<String> BAD_IDENTIFIERS = Arrays.asList(null, "", " ", "bad ns", "ns;drop table x",
      "ns'--", "ns\u0000", "-leading", "ns/../x", "ns*", "x".repeat(65), "na\u00efve", "ns\u200b");

  /** Durations no store may be handed. */
  private static final List<Duration> BAD_STORED = Arrays.asList(null, Duration.ZERO, Duration.ofMillis(-1),
      Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(3651));

  private static String show(Object value) {
    if (value == null) {
      return "null";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder();
    for (char c : (s.length() > 24 ? s.substring(0, 12) + "..(" + s.length() + ")" : s).toCharArray()) {
      out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return "\"" + out + "\"";
  }

  private List<DynamicTest> cases() {
    Corpus corpus = new Corpus(backend());
    corpus.callCases();
    corpus.durationCases();
    corpus.stockCases();
    corpus.rateLimitCases();
    corpus.spiStockCases();
    corpus.spiRateLimitCases();
    corpus.stateAndNameCases();
    return corpus.cases;
  }

  /** The corpus, one method per group of inputs, each case a test that expects a typed refusal. */
  private final class Corpus {
    final List<DynamicTest> cases = new ArrayList<>();
    final Backend b;
    final IdempotencyEngine engine;
    final OneTimeTokens tokens;
    final Deduplicator dedup;
    final DistributedLocks locks;
    final StockReservations stock;
    final RateLimiter limiter;
    final StateMachine<Phase> machine;

    Corpus(Backend b) {
      this.b = b;
      this.engine = IdempotencyEngine.builder(b.idempotencyStore()).build();
      this.tokens = OneTimeTokens.builder(b.tokenStore()).build();
      this.dedup = Deduplicator.builder(b.dedupStore()).build();
      this.locks = DistributedLocks.builder(b.lockStore()).build();
      this.stock = StockReservations.of(b.stockStore());
      this.limiter = RateLimiter.builder(b.rateLimitStore(), "corpus").limit(5, Duration.ofMinutes(1)).build();
      this.machine = StateMachine.builder(Phase.class, b.stateStore("corpus"), "corpus")
          .allow(Phase.OPEN, Phase.DONE).build();
    }

    void add(String name, Executable call) {
      cases.add(refused(name, call));
    }

    void callCases() {
      for (String v : badTexts(IdempotencyKey.MAX_VALUE_LENGTH)) {
        add("execute with key value " + show(v), () ->
            engine.execute(IdempotencyKey.of(ns, v), Fingerprint.none(), Codecs.string(), c -> "ran"));
      }
      for (String p : badTexts(Scope.MAX_PRINCIPAL_LENGTH)) {
        if (p == null) {
          continue; // no principal is allowed
        }
        add("execute with principal " + show(p), () ->
            engine.execute(IdempotencyKey.of(ns, p, "k"), Fingerprint.none(), Codecs.string(), c -> "ran"));
      }
      for (String n : BAD_IDENTIFIERS) {
        add("execute with namespace " + show(n), () ->
            engine.execute(IdempotencyKey.of(n, "k"), Fingerprint.none(), Codecs.string(), c -> "ran"));
        add("dedup with namespace " + show(n), () -> dedup.markFirst(n, "k"));
      }
      for (String v : badTexts(IdempotencyKey.MAX_VALUE_LENGTH)) {
        add("dedup with key " + show(v), () -> dedup.markFirst(ns, v));
      }
    }

    void durationCases() {
      for (Duration d : BAD_STORED) {
        add("call lease " + d, () -> engine.execute(IdempotencyKey.of(ns, "lease"),
            Fingerprint.none(), Codecs.string(), CallOptions.builder().lease(d).build(), c -> "ran"));
        add("call retention " + d, () -> CallOptions.builder().retention(d));
        add("token ttl " + d, () -> tokens.issue(Scope.of(ns), d));
        add("lock lease " + d, () -> locks.tryLock(IdempotencyKey.of(ns, "lock"),
            LockOptions.builder().lease(d).build()));
        add("dedup retention " + d, () -> Deduplicator.builder(b.dedupStore()).retention(d));
        add("SPI claim lease " + d, () ->
            b.idempotencyStore().claim(IdempotencyKey.of(ns, "spi").storageKey(), Fingerprint.none().value(), d));
        add("SPI mark ttl " + d, () -> b.dedupStore().mark(ns + ":spi", d));
        add("SPI lock lease " + d, () -> b.lockStore().tryAcquire(ns + ":spi", "o", d));
      }
      for (Duration d : Arrays.asList(null, Duration.ofMillis(-1), Duration.ofHours(2), Duration.ofSeconds(Long.MAX_VALUE))) {
        add("await " + d, () -> InProgressPolicy.await(d));
        add("lock wait " + d, () -> LockOptions.builder().maxWait(d));
      }
      for (String owner : Arrays.asList(" ", "o\nwner", "o\u202ewner", "x".repeat(LockOptions.MAX_OWNER_LENGTH + 1))) {
        add("lock owner " + show(owner), () -> LockOptions.builder().owner(owner));
      }
    }

    void stockCases() {
      for (String t : badTexts(StockReservations.MAX_TEXT_LENGTH)) {
        add("stock item " + show(t), () -> stock.declare(t, 5));
        add("stock holder " + show(t), () -> stock.reserve(ns + "-item", t));
      }
      for (long q : new long[] {0, -1, Long.MIN_VALUE, StockReservations.MAX_QUANTITY + 1, Long.MAX_VALUE}) {
        add("stock quantity " + q, () -> stock.reserve(ns + "-item", "h", q));
      }
      for (long units : new long[] {-1, Long.MIN_VALUE, StockReservations.MAX_UNITS + 1}) {
        add("stock units " + units, () -> stock.declare(ns + "-units", units));
      }
    }

    void rateLimitCases() {
      for (String k : badTexts(256)) {
        add("rate-limit key " + show(k), () -> limiter.tryAcquire(k));
      }
      for (long permits : new long[] {0, -1, 6}) {
        add("rate-limit permits " + permits, () -> limiter.tryAcquire("k", permits));
      }
    }

    void spiStockCases() {
      // The same values straight at the stores' door, as a caller of the SPI would hand them.
      String spiItem = ns + "-spi-item";
      for (long units : new long[] {-5, Long.MIN_VALUE, StockReservations.MAX_UNITS + 1}) {
        add("SPI stock declare " + units, () -> b.stockStore().declare(spiItem, units));
        add("SPI stock repair " + units, () -> b.stockStore().repair(spiItem, units));
      }
      for (long q : new long[] {0, -3, Long.MIN_VALUE, StockReservations.MAX_QUANTITY + 1}) {
        add("SPI stock reserve " + q, () ->
            b.stockStore().reserve(spiItem, "h", q, "id", java.time.Duration.ofMinutes(1)));
      }
      for (String id : Arrays.asList(null, "", "a b", "é", "x".repeat(StockReservations.MAX_ID_LENGTH + 1))) {
        add("SPI stock reserve id " + show(id), () ->
            b.stockStore().reserve(spiItem, "h", 1, id, java.time.Duration.ofMinutes(1)));
        add("SPI stock release id " + show(id), () -> b.stockStore().release(spiItem, "h", id));
        add("SPI stock confirm id " + show(id), () -> b.stockStore().confirm(spiItem, "h", id));
      }
      for (java.time.Duration hold : Arrays.asList(null, java.time.Duration.ZERO, java.time.Duration.ofMillis(-1),
          StockReservations.MAX_HOLD.plusMillis(1))) {
        add("SPI stock hold " + hold, () -> b.stockStore().reserve(spiItem, "h", 1, "id", hold));
      }
      // The stores apply the strategies' own text rule (the whole corpus of texts runs above); a few
      // of each kind show it is applied at the door too.
      List<String> spiTexts = Arrays.asList(null, "", "a\nb", "a\u202eb", "x".repeat(StockReservations.MAX_TEXT_LENGTH + 1));
      for (String t : spiTexts) {
        add("SPI stock item " + show(t), () -> b.stockStore().declare(t, 5));
        add("SPI stock holder " + show(t), () ->
            b.stockStore().reserve(spiItem, t, 1, "id", java.time.Duration.ofMinutes(1)));
      }
    }

    void spiRateLimitCases() {
      dev.idempotency.spi.RateLimitStore.Tier tier = new dev.idempotency.spi.RateLimitStore.Tier(1_000_000, 5_000_000);
      for (long permits : new long[] {0, -1, Long.MIN_VALUE}) {
        add("SPI rate-limit permits " + permits, () ->
            b.rateLimitStore().acquire(ns + ":spi", List.of(tier), permits));
      }
      add("SPI rate-limit no tiers", () -> b.rateLimitStore().acquire(ns + ":spi", List.of(), 1));
      add("SPI rate-limit null tiers", () -> b.rateLimitStore().acquire(ns + ":spi", null, 1));
      add("SPI rate-limit zero interval", () -> b.rateLimitStore().acquire(ns + ":spi",
          List.of(new dev.idempotency.spi.RateLimitStore.Tier(0, 5_000_000)), 1));
      add("SPI rate-limit negative capacity", () -> b.rateLimitStore().acquire(ns + ":spi",
          List.of(new dev.idempotency.spi.RateLimitStore.Tier(1_000_000, -1)), 1));
      for (String k : Arrays.asList(null, "", "a\nb", "x".repeat(257))) {
        add("SPI rate-limit key " + show(k), () -> b.rateLimitStore().acquire(k, List.of(tier), 1));
      }
    }

    void stateAndNameCases() {
      for (String n : BAD_IDENTIFIERS) {
        add("state store entity type " + show(n), () -> b.stateStore(n));
        add("rate limiter name " + show(n), () -> RateLimiter.builder(b.rateLimitStore(), n));
      }
      for (String id : badTexts(256)) {
        add("state entity id " + show(id), () -> machine.create(id, Phase.OPEN));
      }
      add("token scope null", () -> tokens.issue(null));
      add("fingerprint not hex", () -> Fingerprint.of("zz"));
      add("max result bytes 0", () -> CallOptions.builder().maxResultBytes(0));
    }
  }

  /** States of the corpus's machine. */
  enum Phase {
    OPEN, DONE
  }

  private DynamicTest refused(String name, Executable call) {
    return DynamicTest.dynamicTest(name, () -> {
      long before = storedEntries();
      assertThatThrownBy(call::execute).as(name).isInstanceOf(InvalidInputException.class);
      assertThat(storedEntries()).as("entries in the store after " + name).isEqualTo(before);
    });
  }

  /**
   * Every hostile value is an {@link InvalidInputException} and writes nothing.
   *
   * @return one test per case (at least 90)
   */
  @TestFactory
  Stream<DynamicTest> everyHostileValueIsATypedErrorAndWritesNothing() {
    List<DynamicTest> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(90);
    return cases.stream();
  }

  /** Injection attempts, globs, hash tags and reserved words in key values are data, each its own key. */
  @Test
  void injectionAttemptsAndReservedWordsInKeyValuesAreStoredAsDataEachItsOwnKey() {
    IdempotencyEngine engine = IdempotencyEngine.builder(backend().idempotencyStore()).build();
    List<String> values = List.of("' OR '1'='1", "'; DROP TABLE records; --", "*", "?", "[a-z]", "{tag}", "\\", "%",
        "_", "SELECT", "NULL", "../../etc/passwd", "$(rm -rf /)", "<script>", "\u00e9t\u00e9", "\ud83d\ude00");
    for (String v : values) {
      assertThat(engine.execute(IdempotencyKey.of(ns, v), Fingerprint.none(), Codecs.string(), c -> "for " + v).value())
          .isEqualTo("for " + v);
    }
    for (String v : values) {
      CallResult<String> replay = engine.execute(IdempotencyKey.of(ns, v), Fingerprint.none(), Codecs.string(), c -> "ran again");
      assertThat(replay.replayed()).as(v).isTrue();
      assertThat(replay.value()).isEqualTo("for " + v);
    }
    assertThat(engine.execute(IdempotencyKey.of(ns, "plain"), Fingerprint.none(), Codecs.string(), c -> "plain").replayed())
        .as("a glob key never matches another key").isFalse();
  }

  /**
   * A result over the call's limit is not stored; the key is completed with a small marker, so the
   * caller gets its result and a duplicate gets {@link ResultNotStoredException}: one entry written.
   */
  @Test
  void aHugeResultIsNotStoredButTheKeyIsMarkedSoNothingRunsTwice() {
    IdempotencyEngine engine = IdempotencyEngine.builder(backend().idempotencyStore()).build();
    CallOptions small = CallOptions.builder().maxResultBytes(1024).build();
    long before = storedEntries();
    String huge = "x".repeat(64 * 1024);
    assertThat(engine.execute(IdempotencyKey.of(ns, "huge"), Fingerprint.none(), Codecs.string(), small, c -> huge).value())
        .hasSize(huge.length());
    assertThatThrownBy(() -> engine.execute(IdempotencyKey.of(ns, "huge"), Fingerprint.none(), Codecs.string(), small,
        c -> "ran again")).isInstanceOf(ResultNotStoredException.class);
    assertThat(storedEntries()).isEqualTo(before + 1);
  }

  /**
   * A result its codec writes but cannot read back (a mapper that writes {@code {}} for a type it
   * cannot construct) is never stored as a value every replay would fail on: the caller gets its
   * result, the key is completed with the marker, and a duplicate gets
   * {@link ResultNotStoredException} without running the action again.
   */
  @Test
  void aResultItsCodecCannotReadBackIsNotStoredAsAValue() {
    IdempotencyEngine engine = IdempotencyEngine.builder(backend().idempotencyStore()).build();
    dev.idempotency.codec.ResultCodec<String> writeOnly = new dev.idempotency.codec.ResultCodec<>() {
      @Override
      public byte[] encode(String value) {
        return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        throw new dev.idempotency.ResultCodecException("cannot construct a String from {}", null);
      }
    };
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    IdempotencyKey key = IdempotencyKey.of(ns, "write-only");
    assertThat(engine.execute(key, Fingerprint.none(), writeOnly, c -> "ran " + runs.incrementAndGet()).value())
        .isEqualTo("ran 1");
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), writeOnly, c -> "ran " + runs.incrementAndGet()))
        .isInstanceOf(ResultNotStoredException.class);
    assertThat(runs).hasValue(1);
  }
}
