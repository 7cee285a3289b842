package dev.idempotency.examples.orders.order;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The orders in the database of record, with their payments, shipments and fences. What decides "is
 * this a duplicate" here is the unique keys of {@code orders-schema.sql}, written in the order's own
 * transaction: a duplicate insert finds the existing row instead ({@link #insertOrFind}). A form
 * order needs no dedup row beside its unique (user, token) key, which is one; the message consumers,
 * whose duplicates are deliveries, write the library's ({@code async.Deliveries}). Thread-safe.
 */
public final class OrderStore {
  /**
   * How an order submission ended in the database.
   *
   * @param order the order, new or found
   * @param created whether this call wrote it
   */
  public record Placed(Order order, boolean created) {}

  private static final RowMapper<Order> ORDER = (rs, i) -> new Order(rs.getString("order_id"),
      rs.getString("user_id"), rs.getString("product_id"), rs.getInt("quantity"),
      OrderStatus.valueOf(rs.getString("status")), rs.getString("kind"));

  /** A form order's columns, the fence last (as {@link Fences#insert} takes them). */
  private static final String FORM_ORDER = "shop_orders (order_id, user_id, product_id, quantity, status, kind,"
      + " submit_token, created_at, fence)";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final TransactionTemplate ownTx;
  private final TransactionTemplate savepoint;
  private final Clock clock;
  private final Fences fences;

  /**
   * @param dataSource the database of record
   * @param transactions its transaction manager
   * @param clock the time orders, payments and shipments are stamped with
   */
  public OrderStore(DataSource dataSource, PlatformTransactionManager transactions, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.tx = new TransactionTemplate(transactions);
    this.ownTx = new TransactionTemplate(transactions);
    this.ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.savepoint = new TransactionTemplate(transactions);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.clock = clock;
    this.fences = new Fences(jdbc);
  }

  /** @return a template on the database of record */
  public JdbcTemplate jdbc() {
    return jdbc;
  }

  /**
   * Places a submitted order once, in a transaction of its own: the fence is moved up to the lock
   * layer's token (if it held a lock) and the order inserted under its unique (user, form token) key,
   * both or neither. A new order is one statement on PostgreSQL and H2 (the fence upsert feeding the
   * insert, see {@link Fences}); on MySQL/MariaDB the fence row is first created outside the
   * transaction, then moved up and the order inserted in one. A duplicate writes nothing, fence move
   * included, and returns the existing order. No savepoint: the unique key is the only conflict a
   * form order can meet.
   *
   * @param s the submission
   * @return the order, and whether this call wrote it
   * @throws FencedWriteException if a later holder of the lock already wrote; nothing is written
   */
  public Placed place(SubmitOrder s) {
    Long fence = s.fence() == null ? null : s.fence().value();
    String fenceKey = "order:" + s.userId() + ":" + s.productId();
    Order order = new Order(newId(), s.userId(), s.productId(), s.quantity(), OrderStatus.CREATED, "order");
    try {
      if (fence == null) {
        ownTx.executeWithoutResult(status -> insert(order, s.submitToken(), null, null));
      } else {
        fences.insert(fenceKey, fence, FORM_ORDER, new Object[] {order.orderId(), order.userId(),
            order.productId(), order.quantity(), order.status().name(), order.kind(), s.submitToken(),
            clock.millis()}, ownTx);
      }
      return new Placed(order, true);
    } catch (DuplicateKeyException e) {
      return new Placed(findBySubmitToken(s.userId(), s.submitToken()).orElseThrow(() -> e), false);
    }
  }

  /**
   * @param orderId an order's id
   * @return the order, if there is one
   */
  public Optional<Order> order(String orderId) {
    return jdbc.query("SELECT * FROM shop_orders WHERE order_id = ?", ORDER, orderId).stream().findFirst();
  }

  /**
   * @param userId the buyer
   * @param submitToken a form's token
   * @return the order that form made, if any
   */
  public Optional<Order> findBySubmitToken(String userId, String submitToken) {
    return jdbc.query("SELECT * FROM shop_orders WHERE user_id = ? AND submit_token = ?", ORDER, userId, submitToken)
        .stream().findFirst();
  }

  /**
   * Writes a status the state machine allowed, and its side effect once: a payment row for PAID, a
   * shipment row for SHIPPED (primary keys, so a repeat finds them). The update is conditional on
   * the states before the target, so a late repeat never moves an order back.
   *
   * @param orderId the order
   * @param target the state the state machine allowed
   * @return the order as written
   */
  public Order recordStatus(String orderId, OrderStatus target) {
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

  /**
   * @param orderId an order
   * @return its payments (one, once paid)
   */
  public int payments(String orderId) {
    return count("SELECT COUNT(*) FROM shop_payments WHERE order_id = ?", orderId);
  }

  /**
   * @param orderId an order
   * @return its shipments (one, once shipped)
   */
  public int shipments(String orderId) {
    return count("SELECT COUNT(*) FROM shop_shipments WHERE order_id = ?", orderId);
  }

  /**
   * @param productId a product
   * @return its orders
   */
  public int ordersOfProduct(String productId) {
    return count("SELECT COUNT(*) FROM shop_orders WHERE product_id = ?", productId);
  }

  /**
   * @param productId a product
   * @return the buyers with more than one of its orders (0 unless something let a duplicate in)
   */
  public int buyersWithMoreThanOneOrder(String productId) {
    return count("SELECT COUNT(*) FROM (SELECT user_id FROM shop_orders WHERE product_id = ?"
        + " GROUP BY user_id HAVING COUNT(*) > 1) d", productId);
  }

  /**
   * Writes an order in the caller's transaction, or finds the one that holds its unique key: the
   * (user, form token) key when {@code flashKey} is null, else the flash-sale key. The insert runs in
   * a savepoint, so a duplicate leaves the caller's transaction usable (PostgreSQL aborts a
   * transaction on a failed statement otherwise).
   *
   * @param o the order to write
   * @param submitToken its form token, or null
   * @param flashKey its flash-sale key (user and product), or null
   * @param fence the fencing token its write carries, or null
   * @return the order written, or the one found
   */
  public Placed insertOrFind(Order o, String submitToken, String flashKey, Long fence) {
    try {
      savepoint.executeWithoutResult(s -> insert(o, submitToken, flashKey, fence));
      return new Placed(o, true);
    } catch (DuplicateKeyException e) {
      Optional<Order> existing = flashKey != null
          ? jdbc.query("SELECT * FROM shop_orders WHERE flash_key = ?", ORDER, flashKey).stream().findFirst()
          : findBySubmitToken(o.userId(), submitToken);
      return new Placed(existing.orElseThrow(() -> e), false);
    }
  }

  private void insert(Order o, String submitToken, String flashKey, Long fence) {
    jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id, quantity, status, kind, submit_token,"
        + " flash_key, fence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", o.orderId(), o.userId(),
        o.productId(), o.quantity(), o.status().name(), o.kind(), submitToken, flashKey, fence, clock.millis());
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

  private static Object[] concat(String first, String second, List<String> rest) {
    Object[] all = new Object[2 + rest.size()];
    all[0] = first;
    all[1] = second;
    for (int i = 0; i < rest.size(); i++) {
      all[2 + i] = rest.get(i);
    }
    return all;
  }

  /** @return a new order id */
  public static String newId() {
    return UUID.randomUUID().toString();
  }
}
