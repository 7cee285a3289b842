package dev.idempotency.examples.orders;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.jdbc.TransactionalDedup;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database of record: orders, payments, shipments, async requests, product stock and fences.
 * Every write that decides "is this a duplicate" runs in one transaction with the library's dedup row
 * ({@link TransactionalDedup}) on the same connection, and the unique keys of {@code orders-schema.sql} are
 * the last line: a duplicate insert finds the existing row instead (insert-or-find). Thread-safe.
 */
final class OrderStore {
  /** How an order submission ended in the database. */
  record Placed(Order order, boolean created) {}

  /** How a queued message ended. */
  enum Consumed { CREATED, ALREADY_PROCESSED, ALREADY_BOUGHT, SOLD_OUT }

  /** An async or flash-sale request and where it stands. */
  record Request(String requestId, String userId, String kind, String status, String orderId, String detail,
      int deliveries) {}

  private static final RowMapper<Order> ORDER = (rs, i) -> new Order(rs.getString("order_id"),
      rs.getString("user_id"), rs.getString("product_id"), rs.getInt("quantity"),
      OrderStatus.valueOf(rs.getString("status")), rs.getString("kind"));
  private static final RowMapper<Request> REQUEST = (rs, i) -> new Request(rs.getString("request_id"),
      rs.getString("user_id"), rs.getString("kind"), rs.getString("status"), rs.getString("order_id"),
      rs.getString("detail"), rs.getInt("deliveries"));

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final TransactionTemplate savepoint;
  private final TransactionalDedup dedup;
  private final Clock clock;
  private final Chaos chaos;
  private final Set<String> knownFences = ConcurrentHashMap.newKeySet();

  OrderStore(DataSource dataSource, PlatformTransactionManager transactions, TransactionalDedup dedup, Clock clock,
      Chaos chaos) {
    this.chaos = chaos;
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.tx = new TransactionTemplate(transactions);
    this.savepoint = new TransactionTemplate(transactions);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.dedup = dedup;
    this.clock = clock;
  }

  JdbcTemplate jdbc() {
    return jdbc;
  }

  /**
   * Places a submitted order once: in one transaction the fence is checked (if the lock layer held a
   * lock), the dedup row of (user, form token) is written, and the order inserted; a duplicate of
   * either returns the existing order.
   */
  Placed place(SubmitOrder s) {
    String fenceKey = "order:" + s.userId() + ":" + s.productId();
    if (s.fence() != null) {
      ensureFenceRow(fenceKey);
    }
    return tx.execute(status -> {
      if (s.fence() != null) {
        checkFence(fenceKey, s.fence().value());
      }
      IdempotencyKey key = IdempotencyKey.of("order-submissions", s.userId(), s.submitToken());
      if (dedup.markFirst(connection(), key) == DedupResult.DUPLICATE) {
        return new Placed(findBySubmitToken(s.userId(), s.submitToken()).orElseThrow(), false);
      }
      Order order = new Order(newId(), s.userId(), s.productId(), s.quantity(), OrderStatus.CREATED, "order");
      return insertOrFind(order, s.submitToken(), null, s.fence() == null ? null : s.fence().value());
    });
  }

  /** Processes one delivery of an async order message; a redelivery finds the dedup row and changes nothing. */
  Consumed consumeOrder(QueueMessage m, int delivery) {
    return tx.execute(status -> {
      jdbc.update("UPDATE shop_requests SET deliveries = ? WHERE request_id = ? AND deliveries < ?",
          delivery, m.requestId(), delivery);
      if (dedup.markFirst(connection(), IdempotencyKey.of("order-messages", m.requestId())) == DedupResult.DUPLICATE) {
        return Consumed.ALREADY_PROCESSED;
      }
      chaos.inTransaction();
      String token = m.submitToken() != null ? m.submitToken() : m.requestId();
      Order order = new Order(newId(), m.userId(), m.productId(), m.quantity(), OrderStatus.CREATED, "async");
      Placed placed = insertOrFind(order, token, null, null);
      jdbc.update("UPDATE shop_requests SET status = 'CREATED', order_id = ?, detail = ? WHERE request_id = ?",
          placed.order().orderId(), placed.created() ? "created" : "an order with this form token existed",
          m.requestId());
      return Consumed.CREATED;
    });
  }

  /**
   * Processes one delivery of a flash-sale message: in one transaction the dedup row, the
   * conditional {@code stock >= 1} update (which also moves the version) and the order with the
   * unique (user, product) key. Returns what the caller must do to the reservation afterwards.
   */
  Consumed consumeFlash(QueueMessage m, int delivery) {
    try {
      return tx.execute(status -> {
        jdbc.update("UPDATE shop_requests SET deliveries = ? WHERE request_id = ? AND deliveries < ?",
            delivery, m.requestId(), delivery);
        if (dedup.markFirst(connection(), IdempotencyKey.of("flash-messages", m.requestId())) == DedupResult.DUPLICATE) {
          return Consumed.ALREADY_PROCESSED;
        }
        chaos.inTransaction();
        int taken = jdbc.update("UPDATE shop_products SET stock = stock - 1, version = version + 1"
            + " WHERE product_id = ? AND stock >= 1", m.productId());
        if (taken == 0) {
          throw new Refused(Consumed.SOLD_OUT, "sold out in the database");
        }
        Order order = new Order(newId(), m.userId(), m.productId(), 1, OrderStatus.CREATED, "flash-sale");
        Placed placed = insertOrFind(order, null, m.userId() + "/" + m.productId(), null);
        if (!placed.created()) {
          throw new Refused(Consumed.ALREADY_BOUGHT, "this user already bought this product");
        }
        jdbc.update("UPDATE shop_requests SET status = 'CREATED', order_id = ?, detail = 'created'"
            + " WHERE request_id = ?", placed.order().orderId(), m.requestId());
        return Consumed.CREATED;
      });
    } catch (Refused r) {
      // The stock update and the order rolled back; record the refusal once, with its dedup row.
      return tx.execute(status -> {
        if (dedup.markFirst(connection(), IdempotencyKey.of("flash-messages", m.requestId())) == DedupResult.DUPLICATE) {
          return Consumed.ALREADY_PROCESSED;
        }
        jdbc.update("UPDATE shop_requests SET status = 'FAILED', detail = ? WHERE request_id = ?", r.getMessage(),
            m.requestId());
        return r.outcome;
      });
    }
  }

  /** Marks a request failed if nothing processed it; true if this call did. */
  boolean failIfPending(String requestId, String detail) {
    return jdbc.update("UPDATE shop_requests SET status = 'FAILED', detail = ? WHERE request_id = ? AND status = 'PENDING'",
        detail, requestId) == 1;
  }

  void newRequest(String requestId, String userId, String kind) {
    jdbc.update("INSERT INTO shop_requests (request_id, user_id, kind, status, deliveries) VALUES (?, ?, ?, 'PENDING', 0)",
        requestId, userId, kind);
  }

  Optional<Request> request(String requestId) {
    return jdbc.query("SELECT * FROM shop_requests WHERE request_id = ?", REQUEST, requestId).stream().findFirst();
  }

  Optional<Order> order(String orderId) {
    return jdbc.query("SELECT * FROM shop_orders WHERE order_id = ?", ORDER, orderId).stream().findFirst();
  }

  Optional<Order> findBySubmitToken(String userId, String submitToken) {
    return jdbc.query("SELECT * FROM shop_orders WHERE user_id = ? AND submit_token = ?", ORDER, userId, submitToken)
        .stream().findFirst();
  }

  /**
   * Writes a status the state machine allowed, and its side effect once: a payment row for PAID, a
   * shipment row for SHIPPED (primary keys, so a repeat finds them). The update is conditional on
   * the states before the target, so a late repeat never moves an order back.
   */
  Order recordStatus(String orderId, OrderStatus target) {
    List<String> before = switch (target) {
      case CREATED -> List.of();
      case PAID -> List.of("CREATED");
      case SHIPPED -> List.of("CREATED", "PAID");
      case CANCELLED -> List.of("CREATED", "PAID");
    };
    return tx.execute(status -> {
      if (!before.isEmpty()) {
        jdbc.update("UPDATE shop_orders SET status = ? WHERE order_id = ? AND status IN ("
            + String.join(", ", before.stream().map(b -> "?").toList()) + ")",
            concat(target.name(), orderId, before));
      }
      if (target == OrderStatus.PAID) {
        insertIgnoringDuplicate("INSERT INTO shop_payments (order_id, paid_at) VALUES (?, ?)", orderId, clock.millis());
      } else if (target == OrderStatus.SHIPPED) {
        insertIgnoringDuplicate("INSERT INTO shop_shipments (order_id, shipped_at) VALUES (?, ?)", orderId, clock.millis());
      }
      return order(orderId).orElseThrow();
    });
  }

  int payments(String orderId) {
    return count("SELECT COUNT(*) FROM shop_payments WHERE order_id = ?", orderId);
  }

  int shipments(String orderId) {
    return count("SELECT COUNT(*) FROM shop_shipments WHERE order_id = ?", orderId);
  }

  int ordersOfProduct(String productId) {
    return count("SELECT COUNT(*) FROM shop_orders WHERE product_id = ?", productId);
  }

  int buyersWithMoreThanOneOrder(String productId) {
    return count("SELECT COUNT(*) FROM (SELECT user_id FROM shop_orders WHERE product_id = ?"
        + " GROUP BY user_id HAVING COUNT(*) > 1) d", productId);
  }

  /** Creates or resets a product with its stock in the database. */
  void putProduct(String productId, String name, long stock) {
    if (jdbc.update("UPDATE shop_products SET name = ?, stock = ?, version = version + 1 WHERE product_id = ?",
        name, stock, productId) == 0) {
      jdbc.update("INSERT INTO shop_products (product_id, name, stock, version) VALUES (?, ?, ?, 0)",
          productId, name, stock);
    }
  }

  Optional<Long> stock(String productId) {
    return jdbc.queryForList("SELECT stock FROM shop_products WHERE product_id = ?", Long.class, productId)
        .stream().findFirst();
  }

  List<Map<String, Object>> products() {
    return jdbc.queryForList("SELECT product_id, stock FROM shop_products");
  }

  private Placed insertOrFind(Order o, String submitToken, String flashKey, Long fence) {
    try {
      savepoint.executeWithoutResult(s -> jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id,"
          + " quantity, status, kind, submit_token, flash_key, fence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          o.orderId(), o.userId(), o.productId(), o.quantity(), o.status().name(), o.kind(), submitToken, flashKey,
          fence, clock.millis()));
      return new Placed(o, true);
    } catch (DuplicateKeyException e) {
      Optional<Order> existing = flashKey != null
          ? jdbc.query("SELECT * FROM shop_orders WHERE flash_key = ?", ORDER, flashKey).stream().findFirst()
          : findBySubmitToken(o.userId(), submitToken);
      return new Placed(existing.orElseThrow(() -> e), false);
    }
  }

  /**
   * Fences are rows that only move up. The row is created outside the order's transaction, by an
   * insert that ignores a duplicate: on InnoDB a locking read of a missing row locks the gap, and
   * two such transactions that then insert deadlock.
   */
  private void ensureFenceRow(String key) {
    if (knownFences.contains(key)) {
      return;
    }
    try {
      jdbc.update("INSERT INTO shop_fences (fence_key, token) VALUES (?, 0)", key);
    } catch (DuplicateKeyException e) {
      // Another writer created it.
    }
    knownFences.add(key);
  }

  private void checkFence(String key, long token) {
    if (jdbc.update("UPDATE shop_fences SET token = ? WHERE fence_key = ? AND token <= ?", token, key, token) == 0) {
      throw new FencedWriteException("a later holder of the lock on " + key + " already wrote (this token: "
          + token + "); the lock was lost while this request was paused");
    }
  }

  private void insertIgnoringDuplicate(String sql, Object... args) {
    try {
      savepoint.executeWithoutResult(s -> jdbc.update(sql, args));
    } catch (DuplicateKeyException e) {
      // Recorded before: once is what we want.
    }
  }

  private int count(String sql, Object... args) {
    Integer n = jdbc.queryForObject(sql, Integer.class, args);
    return n == null ? 0 : n;
  }

  private Connection connection() {
    return DataSourceUtils.getConnection(dataSource);
  }

  private static Object[] concat(String first, String second, List<String> rest) {
    Object[] all = new Object[2 + rest.size()];
    all[0] = first;
    all[1] = second;
    for (int i = 0; i < rest.size(); i++) {
      all[2 + i] = rest.get(i);
    }
    return all;
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  /** A flash-sale message refused by the database: rolls its transaction back. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Consumed outcome;

    Refused(Consumed outcome, String message) {
      super(message, null, false, false);
      this.outcome = outcome;
    }
  }
}
