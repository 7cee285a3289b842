package dev.idempotency.examples.orders.web;

import dev.idempotency.examples.orders.flashsale.FlashBuy;
import dev.idempotency.examples.orders.flashsale.FlashSales;
import dev.idempotency.stock.StockLevels;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Flash sales: start one, buy, and the stock in the cache beside the database's ledger. */
@RestController
class FlashSaleController {
  private final FlashSales sales;

  FlashSaleController(FlashSales sales) {
    this.sales = sales;
  }

  @PostMapping("/flash-sales")
  ResponseEntity<Map<String, Object>> start(@RequestBody(required = false) Requests.FlashSale body) {
    if (body == null || body.units() == null || body.units() < 0 || body.units() > 1_000_000) {
      throw new Requests.BadRequestException("units must be 0 to 1000000");
    }
    String product = Requests.id(body.productId(), "productId");
    sales.start(product, body.units());
    return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/flash-sales/" + product)).body(stock(product));
  }

  /** 202 with the request id (a buyer's retry: the same id); 410 sold out (again on every retry), 404 not on sale, 429 rate limited. */
  @PostMapping("/flash-sales/{productId}/orders")
  ResponseEntity<Map<String, String>> buy(@PathVariable String productId,
      @RequestBody(required = false) Requests.FlashOrder body) {
    String user = Requests.id(body == null ? null : body.userId(), "userId");
    String requestId = sales.buy(new FlashBuy(Requests.id(productId, "productId"), user));
    return ResponseEntity.accepted().location(URI.create("/orders/requests/" + requestId))
        .body(Map.of("requestId", requestId, "status", "pending"));
  }

  /** The stock in the cache and in the database, and whether they agree. */
  @GetMapping("/flash-sales/{productId}")
  ResponseEntity<Map<String, Object>> get(@PathVariable String productId) {
    String product = Requests.id(productId, "productId");
    if (sales.databaseStock(product).isEmpty()) {
      throw new Requests.NotFoundException(product + " is not on sale");
    }
    return ResponseEntity.ok(stock(product));
  }

  private Map<String, Object> stock(String product) {
    long db = sales.databaseStock(product).orElseThrow();
    Optional<StockLevels> cache = sales.cacheStock(product);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("productId", product);
    Map<String, Object> c = new LinkedHashMap<>();
    cache.ifPresent(l -> {
      c.put("available", l.available());
      c.put("reserved", l.reserved());
      c.put("confirmed", l.confirmed());
    });
    body.put("cache", c);
    int sold = sales.ordersOf(product);
    body.put("database", Map.of("stock", db, "orders", sold));
    // Reserved units are on their way to the database (queued): available + reserved is what the
    // database still has, and confirmed is what it sold.
    body.put("agree", cache.isPresent() && cache.get().available() + cache.get().reserved() == db
        && cache.get().confirmed() == sold);
    return body;
  }
}
