package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.annotation.CallInfo;
import dev.idempotency.annotation.Idempotency;
import dev.idempotency.annotation.Idempotent;
import dev.idempotency.annotation.InProgress;
import dev.idempotency.annotation.Key;
import dev.idempotency.spi.IdempotencyStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

// Size: the annotated service the suite proxies (every return shape) and one test per rule of
// @Idempotent in docs/contract.md.
/**
 * The idempotent call (docs/contract.md, section 2) through {@link Idempotent} methods of a proxied
 * service, run by every backend: extend it and implement {@link #newClient()} and {@link #advance}.
 */
public abstract class IdempotentProxyContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected IdempotentProxyContract() {}

  /**
   * A new, independent client of the backend under test.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected IdempotencyStore newClient() {
    return fixture().newClient().idempotencyStore();
  }

  /** An order request as a web layer would bind it. */
  public record OrderRequest(String userId, String submitToken, String item, int quantity) {}

  /** A declined payment: terminal, stored and replayed. */
  public static final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates it.
     *
     * @param message the reason
     */
    public PaymentDeclinedException(String message) {
      super(message);
    }
  }

  /** The service under test. */
  public interface OrderService {
    /**
     * Places an order once per user and submit token.
     *
     * @param request the order
     * @return the order id
     */
    @Idempotent(namespace = "orders", key = "{request.submitToken}", principal = "{request.userId}",
        terminalOn = PaymentDeclinedException.class)
    String place(OrderRequest request);

    /**
     * Waits for a duplicate's first call instead of rejecting it.
     *
     * @param request the order
     * @return the order id
     */
    @Idempotent(namespace = "orders-await", key = "{request.submitToken}", inProgress = InProgress.AWAIT, maxWait = "20s")
    String placeAwaiting(OrderRequest request);

    /**
     * Charges with a checked failure.
     *
     * @param key the idempotency key
     * @param amount the amount
     * @return the charge id
     * @throws IOException when the gateway fails
     */
    @Idempotent(namespace = "charges")
    String charge(@Key String key, long amount) throws IOException;

    /**
     * A void action.
     *
     * @param key the idempotency key
     */
    @Idempotent(namespace = "notify")
    void notifyOnce(@Key String key);

    /**
     * An optional result.
     *
     * @param key the idempotency key
     * @param present whether to return a value
     * @return the value
     */
    @Idempotent(namespace = "lookup", fingerprint = Idempotent.NO_FINGERPRINT)
    Optional<String> find(@Key String key, boolean present);

    /**
     * An asynchronous action.
     *
     * @param key the idempotency key
     * @return the result, later
     */
    @Idempotent(namespace = "async")
    CompletableFuture<Long> ship(@Key String key);

    /**
     * A reactive result: nothing runs until it is subscribed.
     *
     * @param key the idempotency key
     * @param fail whether the Mono fails
     * @return the quote, later
     */
    @Idempotent(namespace = "quotes")
    Mono<String> quote(@Key String key, boolean fail);

    /**
     * A reactive result that may be empty.
     *
     * @param key the idempotency key
     * @return nothing, later
     */
    @Idempotent(namespace = "quotes-empty")
    Mono<String> nothing(@Key String key);

    /**
     * Reactive elements, stored as the list they make.
     *
     * @param key the idempotency key
     * @param n how many
     * @return the elements, later
     */
    @Idempotent(namespace = "lines", codec = LinesCodec.class)
    Flux<String> lines(@Key String key, int n);

    /**
     * A reactive result that duplicates wait for.
     *
     * @param key the idempotency key
     * @return the quote, after 50 ms
     */
    @Idempotent(namespace = "quotes-await", inProgress = InProgress.AWAIT, maxWait = "20s")
    Mono<String> quoteAwaiting(@Key String key);

    /**
     * A short retention.
     *
     * @param key the idempotency key
     * @return the result
     */
    @Idempotent(namespace = "short", retention = "600ms")
    String shortLived(@Key String key);

    /**
     * Not idempotent: passes straight through.
     *
     * @return the count of calls
     */
    int plain();
  }

  /** The list a {@code Flux<String>} stores, without Jackson (a backend's tests may not have it). */
  public static final class LinesCodec implements dev.idempotency.codec.ResultCodec<List<String>> {
    /** For {@code @Idempotent(codec = ...)}. */
    public LinesCodec() {}

    @Override
    public byte[] encode(List<String> lines) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
        out.writeInt(lines.size());
        for (String line : lines) {
          out.writeUTF(line);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    @Override
    public List<String> decode(byte[] bytes) {
      try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
        int n = in.readInt();
        List<String> lines = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          lines.add(in.readUTF());
        }
        return lines;
      } catch (IOException e) {
        throw new dev.idempotency.ResultCodecException("not a list of lines", e);
      }
    }
  }

  /** The real service, counting what it does. */
  public static final class RealOrders implements OrderService {
    /** Creates the service. */
    public RealOrders() {}

    final AtomicInteger placed = new AtomicInteger();
    final AtomicInteger charges = new AtomicInteger();
    final AtomicInteger notified = new AtomicInteger();
    final AtomicInteger shipped = new AtomicInteger();
    final AtomicInteger plainCalls = new AtomicInteger();
    final AtomicInteger quotes = new AtomicInteger();
    final AtomicInteger lines = new AtomicInteger();
    volatile CountDownLatch gate;
    volatile RuntimeException failNext;

    @Override
    public String place(OrderRequest request) {
      int n = placed.incrementAndGet();
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException f = failNext;
      if (f != null) {
        failNext = null;
        throw f;
      }
      return "order-" + n + "-" + request.item() + "x" + request.quantity();
    }

    @Override
    public String placeAwaiting(OrderRequest request) {
      return place(request);
    }

    @Override
    public String charge(String key, long amount) throws IOException {
      if (charges.incrementAndGet() == 1 && amount < 0) {
        throw new IOException("gateway timeout");
      }
      return "charge-" + charges.get() + ":" + amount;
    }

    @Override
    public void notifyOnce(String key) {
      notified.incrementAndGet();
    }

    @Override
    public Optional<String> find(String key, boolean present) {
      return present ? Optional.of("found-" + key) : Optional.empty();
    }

    @Override
    public CompletableFuture<Long> ship(String key) {
      return CompletableFuture.supplyAsync(() -> (long) shipped.incrementAndGet() * 100);
    }

    @Override
    public Mono<String> quote(String key, boolean fail) {
      return Mono.fromCallable(() -> {
        int n = quotes.incrementAndGet();
        if (fail) {
          throw new IllegalStateException("quote " + n + " failed");
        }
        return "quote-" + n;
      });
    }

    @Override
    public Mono<String> nothing(String key) {
      return Mono.fromRunnable(quotes::incrementAndGet);
    }

    @Override
    public Flux<String> lines(String key, int n) {
      return Flux.defer(() -> {
        int run = lines.incrementAndGet();
        return Flux.range(1, n).map(i -> "line-" + i + "-of-run-" + run);
      });
    }

    @Override
    public Mono<String> quoteAwaiting(String key) {
      return Mono.fromCallable(() -> "awaited-" + quotes.incrementAndGet()).delayElement(Duration.ofMillis(50));
    }

    @Override
    public String shortLived(String key) {
      return "v" + placed.incrementAndGet();
    }

    @Override
    public int plain() {
      return plainCalls.incrementAndGet();
    }

    @Override
    public String toString() {
      return "RealOrders";
    }
  }

  private final RealOrders real = new RealOrders();

  private OrderService service() {
    IdempotencyEngine engine = IdempotencyEngine.builder(newClient())
        .defaults(CallOptions.builder().lease(LONG).retention(Duration.ofMinutes(10)).build()).build();
    return Idempotency.proxy(OrderService.class, real, engine);
  }

  private OrderRequest order(String token) {
    return new OrderRequest("user-" + ns, ns + "-" + token, "book", 1);
  }

  @Test
  void theFirstCallRunsAndDuplicatesReplayAnEqualResult() {
    OrderService orders = service();
    String first = orders.place(order("t1"));
    assertThat(Idempotency.lastCall()).get().extracting(CallInfo::replayed).isEqualTo(false);
    String again = service().place(order("t1"));
    assertThat(again).isEqualTo(first);
    assertThat(Idempotency.lastCall()).get().satisfies(info -> {
      assertThat(info.replayed()).isTrue();
      assertThat(info.key().value()).isEqualTo(ns + "-t1");
      assertThat(info.key().scope().principal()).isEqualTo("user-" + ns);
    });
    assertThat(real.placed).hasValue(1);
  }

  @Test
  void aKeyPartThatIsNullIsATypedErrorNamingTheSegmentAndRunsNothing() {
    OrderService orders = service();
    assertThatThrownBy(() -> orders.place(new OrderRequest("user-" + ns, null, "book", 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("{request.submitToken}")
        .hasMessageContaining("is null at \"submitToken\"");
    assertThatThrownBy(() -> orders.place(null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("is null at \"request\"");
    assertThat(real.placed).hasValue(0);
  }

  @Test
  void theSameKeyWithAnotherRequestIsRejectedAs422() {
    OrderService orders = service();
    orders.place(order("t2"));
    OrderRequest changed = new OrderRequest("user-" + ns, ns + "-t2", "car", 1);
    assertThatThrownBy(() -> orders.place(changed))
        .isInstanceOfSatisfying(KeyReusedException.class, e -> assertThat(e.suggestedHttpStatus()).isEqualTo(422));
    assertThat(real.placed).hasValue(1);
  }

  @Test
  void anotherUsersSameTokenIsAnotherKey() {
    OrderService orders = service();
    orders.place(order("t3"));
    orders.place(new OrderRequest("someone-else", ns + "-t3", "book", 1));
    assertThat(real.placed).hasValue(2);
  }

  @Test
  void aDuplicateWhileTheFirstRunsIsRejectedAs409() throws Exception {
    OrderService orders = service();
    real.gate = new CountDownLatch(1);
    Future<String> first = inBackground(() -> orders.place(order("t4")));
    awaitCondition("the first call to start", () -> real.placed.get() == 1);
    assertThatThrownBy(() -> service().place(order("t4")))
        .isInstanceOfSatisfying(RequestInProgressException.class, e -> assertThat(e.suggestedHttpStatus()).isEqualTo(409));
    real.gate.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).startsWith("order-1");
  }

  @Test
  void sixtyFourThreadsOnAnAwaitingMethodRunTheTargetOnceAndAllGetItsResult() throws Exception {
    OrderService orders = service();
    List<Race.Outcome<String>> outcomes = Race.run(64, i -> () -> orders.placeAwaiting(order("t5")));
    assertThat(real.placed).hasValue(1);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.value()).isEqualTo("order-1-bookx1"));
  }

  @Test
  void aFailureReleasesTheKeyAndATerminalFailureIsReplayed() {
    OrderService orders = service();
    real.failNext = new IllegalStateException("warehouse down");
    assertThatThrownBy(() -> orders.place(order("t6"))).isInstanceOf(IllegalStateException.class);
    assertThat(orders.place(order("t6"))).isEqualTo("order-2-bookx1");

    real.failNext = new PaymentDeclinedException("insufficient funds");
    assertThatThrownBy(() -> orders.place(order("t7"))).isInstanceOf(PaymentDeclinedException.class);
    assertThatThrownBy(() -> service().place(order("t7")))
        .isInstanceOf(PaymentDeclinedException.class).hasMessage("insufficient funds");
    assertThat(real.placed).hasValue(3);
  }

  @Test
  void checkedExceptionsPropagateUnchanged() throws Exception {
    OrderService orders = service();
    assertThatThrownBy(() -> orders.charge(ns + "-c1", -5)).isExactlyInstanceOf(IOException.class)
        .hasMessage("gateway timeout");
    assertThat(orders.charge(ns + "-c1", -5)).isEqualTo("charge-2:-5");
    assertThat(orders.charge(ns + "-c1", -5)).isEqualTo("charge-2:-5");
  }

  @Test
  void voidOptionalAndFutureResultsAreReplayed() throws Exception {
    OrderService orders = service();
    orders.notifyOnce(ns + "-n");
    orders.notifyOnce(ns + "-n");
    assertThat(real.notified).hasValue(1);
    assertThat(Idempotency.lastCall()).get().extracting(CallInfo::replayed).isEqualTo(true);

    assertThat(orders.find(ns + "-f1", true)).contains("found-" + ns + "-f1");
    assertThat(orders.find(ns + "-f1", false)).contains("found-" + ns + "-f1");
    assertThat(orders.find(ns + "-f2", false)).isEmpty();
    assertThat(orders.find(ns + "-f2", true)).isEmpty();

    assertThat(orders.ship(ns + "-s").get(10, TimeUnit.SECONDS)).isEqualTo(100L);
    assertThat(service().ship(ns + "-s").get(10, TimeUnit.SECONDS)).isEqualTo(100L);
    assertThat(Idempotency.lastCall()).get().extracting(CallInfo::replayed).isEqualTo(true);
    assertThat(real.shipped).hasValue(1);
  }

  @Test
  void monoAndFluxRunNothingBeforeSubscriptionAndReplayTheirValues() {
    OrderService orders = service();
    Mono<String> quote = orders.quote(ns + "-q", false);
    assertThat(real.quotes).as("nothing runs before subscription").hasValue(0);
    assertThat(quote.block(Duration.ofSeconds(10))).isEqualTo("quote-1");
    assertThat(orders.quote(ns + "-q", false).block(Duration.ofSeconds(10))).isEqualTo("quote-1");
    assertThat(service().quote(ns + "-q", false).block(Duration.ofSeconds(10))).isEqualTo("quote-1");
    assertThat(real.quotes).hasValue(1);

    assertThat(orders.nothing(ns + "-e").blockOptional(Duration.ofSeconds(10))).isEmpty();
    assertThat(orders.nothing(ns + "-e").blockOptional(Duration.ofSeconds(10))).isEmpty();
    assertThat(real.quotes).as("an empty Mono is replayed empty").hasValue(2);

    List<String> first = orders.lines(ns + "-l", 3).collectList().block(Duration.ofSeconds(10));
    assertThat(first).containsExactly("line-1-of-run-1", "line-2-of-run-1", "line-3-of-run-1");
    assertThat(orders.lines(ns + "-l", 3).collectList().block(Duration.ofSeconds(10))).isEqualTo(first);
    assertThat(real.lines).hasValue(1);
    assertThatThrownBy(() -> orders.lines(ns + "-l", 4).blockLast(Duration.ofSeconds(10)))
        .isInstanceOf(KeyReusedException.class);
  }

  @Test
  void aFailingMonoReleasesItsKeySoTheRetryRuns() {
    OrderService orders = service();
    assertThatThrownBy(() -> orders.quote(ns + "-qf", true).block(Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class).hasMessage("quote 1 failed");
    assertThat(orders.quote(ns + "-qf", true).onErrorResume(e -> Mono.just(e.getMessage()))
        .block(Duration.ofSeconds(10))).isEqualTo("quote 2 failed");
  }

  @Test
  void sixtyFourConcurrentSubscriptionsToAnAwaitingMonoRunTheTargetOnce() {
    OrderService orders = service();
    List<String> all = Flux.range(0, 64).flatMap(i -> orders.quoteAwaiting(ns + "-qa"), 64)
        .collectList().block(Duration.ofSeconds(30));
    assertThat(all).hasSize(64).containsOnly("awaited-1");
    assertThat(real.quotes).hasValue(1);
  }

  @Test
  void theRetentionDeclaredOnTheMethodIsHonoured() throws Exception {
    OrderService orders = service();
    assertThat(orders.shortLived(ns + "-r")).isEqualTo("v1");
    assertThat(orders.shortLived(ns + "-r")).isEqualTo("v1");
    advance(PAST_SHORT);
    assertThat(orders.shortLived(ns + "-r")).isEqualTo("v2");
  }

  @Test
  void unannotatedMethodsAndObjectMethodsPassThrough() {
    OrderService orders = service();
    assertThat(orders.plain()).isEqualTo(1);
    assertThat(orders.plain()).isEqualTo(2);
    assertThat(orders).isEqualTo(orders).isNotEqualTo(service());
    assertThat(orders.hashCode()).isEqualTo(System.identityHashCode(orders));
    assertThat(orders.toString()).isEqualTo("Idempotent(RealOrders)");
  }
}
