package dev.idempotency.spring.problems;

import dev.idempotency.annotation.Idempotent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A controller that calls an {@code @Idempotent} service: no Idempotency-Key filter involved. */
@SpringBootApplication
public class QuoteApp {
  /** For Spring. */
  public QuoteApp() {}

  /** A quote. */
  public record Quote(String id, int amount, int run) { }

  /** The idempotent service. */
  @Service
  public static class Quotes {
    final AtomicInteger runs = new AtomicInteger();
    volatile CountDownLatch entered = new CountDownLatch(0);
    volatile CountDownLatch release = new CountDownLatch(0);

    /** For Spring. */
    public Quotes() {}

    /**
     * Holds the next call inside the service until {@code release} counts down; through a method,
     * since a class proxy's own fields are not the target's.
     *
     * @param entered counted down when a call is inside
     * @param release awaited by the call
     */
    public void hold(CountDownLatch entered, CountDownLatch release) {
      this.entered = entered;
      this.release = release;
    }

    /**
     * Quotes once per id; waits while a test holds it.
     *
     * @param id the quote's id
     * @param amount the amount
     * @return the quote
     * @throws InterruptedException never in practice
     */
    @Idempotent(namespace = "quotes", key = "{id}")
    public Quote quote(String id, int amount) throws InterruptedException {
      entered.countDown();
      release.await(10, TimeUnit.SECONDS);
      return new Quote(id, amount, runs.incrementAndGet());
    }
  }

  /** The route. */
  @RestController
  public static class QuoteController {
    private final Quotes quotes;

    /**
     * For Spring.
     *
     * @param quotes the service
     */
    public QuoteController(Quotes quotes) {
      this.quotes = quotes;
    }

    /**
     * Quotes.
     *
     * @param id the id
     * @param amount the amount
     * @return the quote
     * @throws InterruptedException never in practice
     */
    @PostMapping("/quotes/{id}")
    public Quote quote(@PathVariable String id, @RequestParam int amount) throws InterruptedException {
      return quotes.quote(id, amount);
    }
  }
}
