package dev.idempotency.benchmarks;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.annotation.Idempotency;
import dev.idempotency.annotation.Idempotent;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.codec.Codecs;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spring.IdempotentAdvisor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.aop.framework.ProxyFactory;

/**
 * An {@code @Idempotent} call through the proxy beside the same call made directly on the engine
 * (key built by hand, fingerprint of a hand-written canonical text), on the in-memory backend: the
 * difference is the proxy's cost (reflection, key template, canonical fingerprint encoding).
 * {@link Report} prints the ratios ({@code baseline*} is the direct call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ProxyBenchmarks {
  /**
   * An order request.
   *
   * @param userId who orders
   * @param submitToken the client's idempotency key
   * @param item what
   * @param quantity how many
   */
  public record OrderRequest(String userId, String submitToken, String item, int quantity) {}

  /** The annotated service. */
  public interface OrderService {
    /**
     * Places an order.
     *
     * @param request the order
     * @return the order id
     */
    @Idempotent(namespace = "orders", key = "{request.submitToken}", principal = "{request.userId}")
    String place(OrderRequest request);

    /**
     * The same without a fingerprint, to tell the fingerprint's cost from the rest.
     *
     * @param request the order
     * @return the order id
     */
    @Idempotent(namespace = "orders-nofp", key = "{request.submitToken}", principal = "{request.userId}",
        fingerprint = Idempotent.NO_FINGERPRINT)
    String placeWithoutFingerprint(OrderRequest request);
  }

  /** The real service. */
  public static final class RealOrders implements OrderService {
    @Override
    public String place(OrderRequest request) {
      return "order-" + request.item();
    }

    @Override
    public String placeWithoutFingerprint(OrderRequest request) {
      return place(request);
    }
  }

  private final AtomicLong sequence = new AtomicLong();
  private final RealOrders real = new RealOrders();
  private IdempotencyEngine engine;
  private OrderService proxied;
  private OrderService advised;
  private final OrderRequest replayedAdvised = new OrderRequest("user-1", "replayed-advised", "book", 2);
  private final OrderRequest replayed = new OrderRequest("user-1", "replayed-token", "book", 2);
  private final OrderRequest replayedDirect = new OrderRequest("user-1", "replayed-direct", "book", 2);

  /** Builds the engine, the proxy, and one stored result to replay. */
  @Setup(Level.Trial)
  public void setUp() {
    engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore())
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    proxied = Idempotency.proxy(OrderService.class, real, engine);
    IdempotentMethods methods = IdempotentMethods.builder(engine).build();
    ProxyFactory factory = new ProxyFactory(real);
    factory.addInterface(OrderService.class);
    factory.addAdvisor(new IdempotentAdvisor(() -> methods));
    advised = (OrderService) factory.getProxy();
    advised.place(replayedAdvised);
    proxied.place(replayed);
    direct(replayedDirect);
    proxied.placeWithoutFingerprint(replayed);
    directWithoutFingerprint(replayedDirect);
  }

  private String directWithoutFingerprint(OrderRequest r) {
    IdempotencyKey key = IdempotencyKey.of("orders-nofp", r.userId(), r.submitToken());
    return engine.execute(key, Fingerprint.none(), Codecs.string(), c -> real.place(r)).value();
  }

  /**
   * Direct replay without a fingerprint.
   *
   * @return the result
   */
  @Benchmark
  public String baselineDirectReplayWithoutFingerprint() {
    return directWithoutFingerprint(replayedDirect);
  }

  /**
   * Annotated replay without a fingerprint.
   *
   * @return the result
   */
  @Benchmark
  public String proxiedReplayWithoutFingerprint() {
    return proxied.placeWithoutFingerprint(replayed);
  }

  private String direct(OrderRequest r) {
    IdempotencyKey key = IdempotencyKey.of("orders", r.userId(), r.submitToken());
    // What a careful user writes by hand: the request's fields in a fixed order.
    Fingerprint fp = Fingerprint.sha256("[{\"item\":\"" + r.item() + "\",\"quantity\":" + r.quantity()
        + ",\"submitToken\":\"" + r.submitToken() + "\",\"userId\":\"" + r.userId() + "\"}]");
    return engine.execute(key, fp, Codecs.string(), c -> real.place(r)).value();
  }

  private OrderRequest fresh() {
    return new OrderRequest("user-1", "t-" + sequence.incrementAndGet(), "book", 2);
  }

  /**
   * Direct first call.
   *
   * @return the result
   */
  @Benchmark
  public String baselineDirectFirstCall() {
    return direct(fresh());
  }

  /**
   * Direct replay.
   *
   * @return the result
   */
  @Benchmark
  public String baselineDirectReplay() {
    return direct(replayedDirect);
  }

  /**
   * Annotated first call.
   *
   * @return the result
   */
  @Benchmark
  public String proxiedFirstCall() {
    return proxied.place(fresh());
  }

  /**
   * Annotated replay.
   *
   * @return the result
   */
  @Benchmark
  public String proxiedReplay() {
    return proxied.place(replayed);
  }

  /**
   * First call through the Spring Boot starter's advisor, on a Spring AOP proxy (what a bean with
   * {@code @Idempotent} methods gets).
   *
   * @return the result
   */
  @Benchmark
  public String springAdvisedFirstCall() {
    return advised.place(fresh());
  }

  /**
   * Replay through the Spring Boot starter's advisor.
   *
   * @return the result
   */
  @Benchmark
  public String springAdvisedReplay() {
    return advised.place(replayedAdvised);
  }
}
