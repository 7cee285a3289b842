package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.async.RequestStore;
import dev.idempotency.examples.orders.flashsale.FlashSales;
import dev.idempotency.examples.orders.order.OrderStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.BeanFactory;

/**
 * The demo's scenarios, run over HTTP against a running service; each returns a {@link Report} with its
 * figures and checks. The tests run the same methods and assert the same figures.
 */
public final class Scenarios {
  /** One check of a scenario: what was expected and what was seen. */
  public record Check(String name, Object expected, Object actual, boolean ok) {
    static Check equal(String name, Object expected, Object actual) {
      return new Check(name, expected, actual, String.valueOf(expected).equals(String.valueOf(actual)));
    }

    static Check atLeast(String name, long least, long actual) {
      return new Check(name, ">= " + least, actual, actual >= least);
    }
  }

  /**
   * A scenario's report.
   *
   * @param id the scenario's letter
   * @param title what it shows
   * @param requests HTTP requests (or queue deliveries) sent
   * @param ordersCreated orders in the database afterwards
   * @param stockLeft the database's stock afterwards, or null when no stock is involved
   * @param responses HTTP status to count
   * @param layers per layer, what it let through, stopped, replayed (the change of {@code /stats} during the scenario)
   * @param checks the expected figures
   */
  public record Report(String id, String title, int requests, int ordersCreated, Long stockLeft,
      Map<String, Integer> responses, Map<String, Map<String, Long>> layers, List<Check> checks) {
    /** @return whether every check holds */
    public boolean ok() {
      return checks.stream().allMatch(Check::ok);
    }
  }

  private final Http http;
  private final OrderStore store;
  private final RequestStore requests;
  private final FlashSales sales;
  private final NaiveProducts naive;
  private final LayerStats stats;
  private final Chaos chaos;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  private Scenarios(Http http, BeanFactory beans) {
    this.http = http;
    this.store = beans.getBean(OrderStore.class);
    this.requests = beans.getBean(RequestStore.class);
    this.sales = beans.getBean(FlashSales.class);
    this.naive = new NaiveProducts(store.jdbc());
    this.stats = beans.getBean(LayerStats.class);
    this.chaos = beans.getBean(Chaos.class);
  }

  /**
   * The scenarios against a running service.
   *
   * @param http a client of its port
   * @param beans its application context, for the counts the scenarios check in the database
   * @return the scenarios
   */
  public static Scenarios of(Http http, BeanFactory beans) {
    return new Scenarios(http, beans);
  }

  /**
   * (a) 500 concurrent submissions of one order with one token and one key: one order.
   *
   * @param n the submissions
   * @return the report
   * @throws IOException if a request cannot be sent
   */
  public Report duplicateSubmissions(int n) throws IOException {
    var before = stats.snapshot();
    String user = "buyer-a-" + run;
    String token = http.post("/tokens", Map.of("userId", user), null).text("token");
    String key = UUID.randomUUID().toString();
    Map<String, Object> form = Map.of("userId", user, "productId", "book-1", "quantity", 1, "submitToken", token);
    List<Http.Response> rs = all(n, i -> http.sendAsync("POST", "/orders", form, key));
    Set<String> orderIds = new HashSet<>();
    rs.stream().filter(r -> r.status() / 100 == 2).forEach(r -> orderIds.add(r.text("orderId")));
    int orders = store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user);
    long replayed = rs.stream().filter(Http.Response::replayed).count();
    return new Report("a", n + " concurrent submissions of one order (one token, one Idempotency-Key)", n, orders, null,
        statuses(rs), delta(before), List.of(
            Check.equal("orders in the database", 1, orders),
            Check.equal("distinct order ids answered", 1, orderIds.size()),
            Check.equal("answers with the order (201, the first and its replays)", n,
                rs.stream().filter(r -> r.status() == 201).count()),
            Check.equal("replayed answers", n - 1, replayed)));
  }

  /**
   * (b) A flash sale, 500 buyers for 10 units, through the library: 10 orders, stock 0.
   *
   * @param buyers the buyers
   * @param units the units on sale
   * @return the report
   * @throws IOException if a request cannot be sent
   */
  public Report flashSale(int buyers, int units) throws IOException {
    var before = stats.snapshot();
    String product = "flash-" + run;
    http.post("/flash-sales", Map.of("productId", product, "units", units), null);
    List<Http.Response> rs = all(buyers, i -> http.sendAsync("POST", "/flash-sales/" + product + "/orders",
        Map.of("userId", "fan-" + i + "-" + run), null));
    List<String> accepted = rs.stream().filter(r -> r.status() == 202).map(r -> r.text("requestId")).toList();
    awaitResolved(accepted);
    await(() -> agree(product));
    long stock = sales.databaseStock(product).orElseThrow();
    int orders = store.ordersOfProduct(product);
    Http.Response view = http.get("/flash-sales/" + product);
    return new Report("b", buyers + " buyers for " + units + " units, through the rate limits, the reservation, the"
        + " queue and the database", buyers, orders, stock, statuses(rs), delta(before), List.of(
            Check.equal("orders in the database", units, orders),
            Check.equal("stock left in the database", 0, stock),
            Check.equal("buyers with two orders", 0, store.buyersWithMoreThanOneOrder(product)),
            Check.equal("cache and database agree", true, view.body().get("agree").asBoolean()),
            Check.equal("purchases accepted (202)", units, accepted.size())));
  }

  /**
   * (c) The anti-pattern: the same storm through a naive read-check-write path oversells.
   *
   * @param buyers the buyers
   * @param units the units on sale
   * @return the report
   * @throws IOException if a request cannot be sent
   */
  public Report naiveFlashSale(int buyers, int units) throws IOException {
    String product = "naive-" + run;
    naive.put(product, units);
    List<Http.Response> rs = all(buyers, i -> http.sendAsync("POST", "/anti-pattern/flash-sales/" + product + "/orders",
        Map.of("userId", "fan-" + i + "-" + run), null));
    long stock = naive.stock(product).orElseThrow();
    int orders = store.ordersOfProduct(product);
    return new Report("c", "ANTI-PATTERN: the same " + buyers + "-for-" + units + " storm through a naive"
        + " read-check-write path without the library (SeckillEvolution's first version)", buyers, orders, stock,
        statuses(rs), Map.of(), List.of(
            new Check("it oversells (more orders than units)", "> " + units, orders, orders > units),
            new Check("its stock goes negative", "< 0", stock, stock < 0)));
  }

  /**
   * (d) 100 async submissions, each message delivered 3 times and one consumer killed mid-message: 100 orders.
   *
   * @param submissions the submissions
   * @param copies the times each message is delivered
   * @return the report
   * @throws IOException if a request cannot be sent
   */
  public Report asyncRedelivery(int submissions, int copies) throws IOException {
    var before = stats.snapshot();
    String product = "async-" + run;
    chaos.copies(copies);
    chaos.killConsumers(1);
    List<Http.Response> rs;
    try {
      rs = all(submissions, i -> http.sendAsync("POST", "/orders/async",
          Map.of("userId", "async-" + i + "-" + run, "productId", product, "quantity", 1), UUID.randomUUID().toString()));
    } finally {
      chaos.copies(1);
    }
    List<String> accepted = rs.stream().filter(r -> r.status() == 202).map(r -> r.text("requestId")).toList();
    awaitResolved(accepted);
    // The killed consumer's message comes back after the visibility timeout and is seen as done.
    await(() -> count(delta(before), "queue-dedup", "stopped:DUPLICATE") >= (long) submissions * (copies - 1) + 1);
    chaos.reset();
    int orders = store.ordersOfProduct(product);
    var layers = delta(before);
    return new Report("d", submissions + " async submissions, each message delivered " + copies + " times, one"
        + " consumer killed after its commit and before its ack", submissions, orders, null, statuses(rs), layers,
        List.of(
            Check.equal("orders in the database", submissions, orders),
            Check.equal("requests accepted (202)", submissions, accepted.size()),
            // At least: each extra copy and the killed consumer's redelivery; a busy machine may
            // redeliver more (a visibility timeout that ran out), which the dedup row turns away too.
            Check.atLeast("deliveries the dedup row turned away", (long) submissions * (copies - 1) + 1,
                count(layers, "queue-dedup", "stopped:DUPLICATE"))));
  }

  /**
   * (e) Pay an order twice at once, ship it twice: one payment, one shipment.
   *
   * @return the report
   * @throws IOException if a request cannot be sent
   */
  public Report payAndShipTwice() throws IOException {
    var before = stats.snapshot();
    String user = "payer-" + run;
    String token = http.post("/tokens", Map.of("userId", user), null).text("token");
    String orderId = http.post("/orders", Map.of("userId", user, "productId", "lamp-1", "quantity", 1,
        "submitToken", token), UUID.randomUUID().toString()).text("orderId");
    List<Http.Response> pays = all(2, i -> http.sendAsync("POST", "/orders/" + orderId + "/pay", null, null));
    List<Http.Response> ships = all(2, i -> http.sendAsync("POST", "/orders/" + orderId + "/ship", null, null));
    Http.Response cancel = http.post("/orders/" + orderId + "/cancel", null, null);
    List<Http.Response> rs = new ArrayList<>(pays);
    rs.addAll(ships);
    rs.add(cancel);
    return new Report("e", "pay one order twice at once, ship it twice, then try to cancel it", rs.size() + 2, 1, null,
        statuses(rs), delta(before), List.of(
            Check.equal("both payments answered 200 PAID", "[200 PAID, 200 PAID]", describe(pays)),
            Check.equal("payments recorded", 1, store.payments(orderId)),
            Check.equal("both shipments answered 200 SHIPPED", "[200 SHIPPED, 200 SHIPPED]", describe(ships)),
            Check.equal("shipments recorded", 1, store.shipments(orderId)),
            Check.equal("cancel after shipping", "409 SHIPPED", cancel.status() + " " + cancel.text("currentState"))));
  }

  private static String describe(List<Http.Response> rs) {
    return rs.stream().map(r -> r.status() + " " + r.text("status")).toList().toString();
  }

  private boolean agree(String product) {
    try {
      return http.get("/flash-sales/" + product).body().get("agree").asBoolean();
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitResolved(List<String> requestIds) {
    await(() -> requestIds.stream().allMatch(id -> requests.find(id).map(r -> !"PENDING".equals(r.status()))
        .orElse(false)));
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return;   // the checks then show what is missing
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private interface Send {
    CompletableFuture<Http.Response> send(int i) throws IOException;
  }

  private static List<Http.Response> all(int n, Send send) throws IOException {
    List<CompletableFuture<Http.Response>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(send.send(i));
    }
    List<Http.Response> out = new ArrayList<>();
    for (CompletableFuture<Http.Response> f : futures) {
      try {
        out.add(f.join());
      } catch (java.util.concurrent.CompletionException e) {
        throw new IOException("a request failed: " + e.getCause(), e.getCause());
      }
    }
    return out;
  }

  private static Map<String, Integer> statuses(List<Http.Response> rs) {
    Map<String, Integer> m = new TreeMap<>();
    rs.forEach(r -> m.merge(Integer.toString(r.status()), 1, Integer::sum));
    return m;
  }

  private Map<String, Map<String, Long>> delta(Map<String, Map<String, Long>> before) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    stats.snapshot().forEach((layer, now) -> {
      Map<String, Long> was = before.getOrDefault(layer, Map.of());
      Map<String, Long> d = new TreeMap<>();
      now.forEach((outcome, n) -> {
        long diff = n - was.getOrDefault(outcome, 0L);
        if (diff != 0) {
          d.put(outcome, diff);
        }
      });
      if (!d.isEmpty()) {
        out.put(layer, d);
      }
    });
    return out;
  }

  private static long count(Map<String, Map<String, Long>> layers, String layer, String outcome) {
    return layers.getOrDefault(layer, Map.of()).getOrDefault(outcome, 0L);
  }
}
