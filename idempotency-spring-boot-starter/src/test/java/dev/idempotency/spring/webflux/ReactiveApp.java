package dev.idempotency.spring.webflux;

import dev.idempotency.annotation.Idempotent;
import dev.idempotency.spring.web.IdempotentRequest;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A small WebFlux order API: an Idempotency-Key route, and a controller calling an @Idempotent Mono service. */
@SpringBootApplication
public class ReactiveApp {
  /** For Spring. */
  public ReactiveApp() {}

  /** The order request. */
  public record OrderRequest(String product, int quantity) { }

  /** The created order. */
  public record Order(int id, String product, int quantity) { }

  /** A quote. */
  public record Quote(String id, int amount, int run) { }

  /** The idempotent reactive service. */
  @Service
  public static class Quotes {
    final AtomicInteger runs = new AtomicInteger();

    /** For Spring. */
    public Quotes() {}

    /**
     * How often the body ran.
     *
     * @return the count
     */
    public int runs() {
      return runs.get();
    }

    /**
     * Quotes once per id.
     *
     * @param id the id
     * @param amount the amount
     * @return the quote, later
     */
    @Idempotent(namespace = "rquotes", key = "{id}")
    public Mono<Quote> quote(String id, int amount) {
      return Mono.fromCallable(() -> new Quote(id, amount, runs.incrementAndGet()));
    }
  }

  /** The routes. */
  @RestController
  public static class Routes {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger flakyCalls = new AtomicInteger();
    private final Quotes quotes;
    private volatile Sinks.One<Boolean> gate;
    private volatile Sinks.One<Boolean> entered;

    /**
     * For Spring.
     *
     * @param quotes the service
     */
    public Routes(Quotes quotes) {
      this.quotes = quotes;
    }

    /**
     * Holds the next orders until {@code release} emits; {@code entered} emits when one is held.
     *
     * @param entered emits when a request is inside the route
     * @param release the gate
     */
    public void hold(Sinks.One<Boolean> entered, Sinks.One<Boolean> release) {
      this.entered = entered;
      this.gate = release;
    }

    /**
     * Orders created so far.
     *
     * @return the count
     */
    public int created() {
      return created.get();
    }

    /**
     * Creates an order.
     *
     * @param request the order
     * @return 201 with the order
     */
    @PostMapping("/orders")
    @IdempotentRequest(namespace = "rorders")
    public Mono<ResponseEntity<Order>> create(@RequestBody OrderRequest request) {
      Sinks.One<Boolean> in = entered;
      Sinks.One<Boolean> g = gate;
      Mono<Boolean> wait = Mono.just(true);
      if (in != null && g != null) {
        in.tryEmitValue(true);
        wait = g.asMono();
      }
      return wait.map(ignored -> {
        Order o = new Order(created.incrementAndGet(), request.product(), request.quantity());
        return ResponseEntity.created(URI.create("/orders/" + o.id())).body(o);
      });
    }

    /**
     * Fails with 503 the first time, then succeeds.
     *
     * @param id any id
     * @return 503, then 200
     */
    @PostMapping("/flaky/{id}")
    @IdempotentRequest(namespace = "rflaky")
    public Mono<ResponseEntity<String>> flaky(@PathVariable String id) {
      return Mono.fromCallable(() -> flakyCalls.getAndIncrement() == 0
          ? ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("try again")
          : ResponseEntity.ok("done " + id + " after " + flakyCalls.get()));
    }

    /**
     * Quotes through the idempotent service.
     *
     * @param id the id
     * @param amount the amount
     * @return the quote
     */
    @PostMapping("/quotes/{id}")
    public Mono<Quote> quote(@PathVariable String id, @RequestParam int amount) {
      return quotes.quote(id, amount);
    }
  }
}
