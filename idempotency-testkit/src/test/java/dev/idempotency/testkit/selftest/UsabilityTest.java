package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.annotation.Idempotency;
import dev.idempotency.annotation.Idempotent;
import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.Jackson2Codecs;
import dev.idempotency.codec.Jackson3Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.codec.TypeRef;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.dedup.IdempotentConsumer;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.FailurePolicy;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.token.OneTimeTokens;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a new user met when trying the README, each once a defect. */
class UsabilityTest {
  private final InMemoryBackend memory = InMemoryBackend.create();
  private final IdempotencyEngine engine = IdempotencyEngine.builder(memory.idempotencyStore()).build();

  public interface Refunds {
    String refund(String orderId);
  }

  /** The annotation on the implementation's method, as Spring users write it. */
  public static final class AnnotatedImplementation implements Refunds {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    @Idempotent(key = "{orderId}")
    public String refund(String orderId) {
      return "refund " + runs.incrementAndGet() + " of " + orderId;
    }
  }

  @Test
  void idempotentOnTheImplementationsMethodIsHonouredNotSilentlyIgnored() {
    AnnotatedImplementation target = new AnnotatedImplementation();
    Refunds refunds = Idempotency.proxy(Refunds.class, target, engine);
    assertThat(refunds.refund("o-1")).isEqualTo("refund 1 of o-1");
    assertThat(refunds.refund("o-1")).isEqualTo("refund 1 of o-1");
    assertThat(target.runs).as("the target ran twice before the fix").hasValue(1);
  }

  public interface AnnotatedRefunds {
    @Idempotent(key = "{orderId}")
    String refund(String orderId);
  }

  public static final class AnnotatedOtherwise implements AnnotatedRefunds {
    @Override
    @Idempotent(key = "{orderId}", namespace = "elsewhere")
    public String refund(String orderId) {
      return orderId;
    }
  }

  @Test
  void twoDifferentAnnotationsOnInterfaceAndImplementationAreRefused() {
    assertThatThrownBy(() -> Idempotency.proxy(AnnotatedRefunds.class, new AnnotatedOtherwise(), engine))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("annotated differently");
  }

  /** A terminal exception the engine cannot re-create: its constructor is not public. */
  public static final class CardDeclined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CardDeclined(String message) {
      super(message);
    }
  }

  /** Not public at all. */
  static final class Hidden extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Hidden(String message) {
      super(message);
    }
  }

  @Test
  void aTerminalExceptionThatCannotBeRecreatedIsRefusedWhenTheOptionsAreBuilt() {
    assertThatThrownBy(() -> CallOptions.builder().terminalOn(CardDeclined.class))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(CardDeclined.class.getName())
        .hasMessageContaining("public (String) or no-argument constructor");
    assertThatThrownBy(() -> CallOptions.builder().terminalOn(Hidden.class)).isInstanceOf(InvalidInputException.class);
    assertThat(CallOptions.builder().terminalOn(IllegalStateException.class, RuntimeException.class).build().terminal())
        .hasSize(2);
  }

  record Shipment(String orderId) {}

  @Test
  void anIdempotentConsumerDeclaresItsHandlersCheckedException() {
    Deduplicator dedup = Deduplicator.builder(memory.dedupStore()).build();
    IdempotentConsumer<Shipment, IOException> consumer = IdempotentConsumer.of(dedup, Scope.of("shipments"),
        Shipment::orderId, s -> {
          throw new IOException("carrier down");
        });
    // This catch did not compile before: accept declared no checked exception.
    try {
      consumer.accept(new Shipment("o-1"));
      throw new AssertionError("expected the handler's IOException");
    } catch (IOException expected) {
      assertThat(expected).hasMessage("carrier down");
    }
  }

  /** A generic result with a value type Jackson must rebuild, and a java.time field. */
  public record Refund(String id, BigDecimal amount, Instant at) {}

  public record Money(BigDecimal amount, String currency) {}

  public interface RefundQueries {
    @Idempotent(key = "{orderId}")
    List<Refund> refundsOf(String orderId);
  }

  @Test
  void genericResultTypesRoundTripThroughTheProxyAndEveryJackson() {
    AtomicInteger runs = new AtomicInteger();
    List<Refund> refunds = List.of(new Refund("r-1", new BigDecimal("9.90"), Instant.parse("2026-01-02T03:04:05Z")));
    RefundQueries queries = Idempotency.proxy(RefundQueries.class, orderId -> {
      runs.incrementAndGet();
      return refunds;
    }, engine);
    assertThat(queries.refundsOf("o-1")).isEqualTo(refunds);
    List<Refund> replayed = queries.refundsOf("o-1");
    assertThat(replayed).isEqualTo(refunds);
    assertThat(replayed.get(0)).as("elements decoded as Refund, not as maps").isInstanceOf(Refund.class);
    assertThat(runs).hasValue(1);

    TypeRef<List<Refund>> type = new TypeRef<>() {};
    for (ResultCodec<List<Refund>> codec : List.of(Codecs.json(type), Jackson3Codecs.json(type))) {
      assertThat(codec.decode(codec.encode(refunds))).isEqualTo(refunds);
    }
    // Jackson 2 without its JSR-310 module on the class path: no java.time, but generics work.
    List<Money> amounts = List.of(new Money(new BigDecimal("1.50"), "EUR"));
    ResultCodec<List<Money>> jackson2 = Jackson2Codecs.json(new com.fasterxml.jackson.databind.ObjectMapper(),
        new TypeRef<List<Money>>() {});
    assertThat(jackson2.decode(jackson2.encode(amounts))).isEqualTo(amounts);
  }

  record Order(String userId, String key, String token) {}

  @Test
  void withTheTokenStoreDownOnSkipTheLaterLayersDecideForRequestsWithAndWithoutAToken() {
    OneTimeTokens down = OneTimeTokens.builder(new UnreachableBackend("redis 127.0.0.1:1").tokenStore()).build();
    LayeredDefence<Order, String> defence = LayeredDefence.<Order, String>builder("orders")
        .layer(down.asLayer(o -> Scope.of("checkout", o.userId()), Order::token), FailurePolicy.SKIP)
        .layer(engine.asLayer(o -> IdempotencyKey.of("orders", o.userId(), o.key()),
            o -> Fingerprint.none(), Codecs.string()))
        .build();
    AtomicInteger orders = new AtomicInteger();
    // The client could not get a token (the store was down when it asked), so it sends none.
    DefenceOutcome<String> first = defence.execute(new Order("u1", "k1", null), o -> "order " + orders.incrementAndGet());
    assertThat(first).isInstanceOf(DefenceOutcome.Executed.class);
    DefenceOutcome<String> again = defence.execute(new Order("u1", "k1", null), o -> "order " + orders.incrementAndGet());
    assertThat(again).isInstanceOf(DefenceOutcome.Replayed.class);
    DefenceOutcome<String> withToken = defence.execute(new Order("u1", "k1", "A".repeat(OneTimeTokens.TOKEN_LENGTH)),
        o -> "order " + orders.incrementAndGet());
    assertThat(withToken).isInstanceOf(DefenceOutcome.Replayed.class);
    assertThat(orders).hasValue(1);

    // With the store up, a request without a token is still stopped by the token layer.
    OneTimeTokens up = OneTimeTokens.builder(memory.tokenStore()).build();
    LayeredDefence<Order, String> strict = LayeredDefence.<Order, String>builder("orders")
        .layer(up.asLayer(o -> Scope.of("checkout", o.userId()), Order::token), FailurePolicy.SKIP)
        .build();
    assertThat(strict.execute(new Order("u1", "k2", null), o -> "never"))
        .isInstanceOfSatisfying(DefenceOutcome.Stopped.class, s -> assertThat(s.layer()).isEqualTo("token"));
  }
}
