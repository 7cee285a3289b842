package dev.idempotency.spring;

import dev.idempotency.annotation.Idempotent;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** Beans the starter's tests call: with and without interfaces, with and without transactions. */
final class TestServices {
  private TestServices() {}

  record Payment(String id, long cents) { }

  record Receipt(String paymentId, long cents, int run) { }

  /** No interface: proxied by class. */
  static class Payments {
    final AtomicInteger runs = new AtomicInteger();

    /** Through a method: a class proxy's own fields are not the target's. */
    public int runs() {
      return runs.get();
    }

    @Idempotent(namespace = "payments", key = "{payment.id}")
    public Receipt pay(Payment payment) throws InterruptedException {
      int run = runs.incrementAndGet();
      Thread.sleep(50);
      return new Receipt(payment.id(), payment.cents(), run);
    }
  }

  /** Annotated on the interface. */
  interface Shipping {
    @Idempotent(namespace = "shipping", key = "{orderId}")
    String ship(String orderId);
  }

  static class DefaultShipping implements Shipping {
    final AtomicInteger runs = new AtomicInteger();

    /** Through a method: a class proxy's own fields are not the target's. */
    public int runs() {
      return runs.get();
    }

    @Override
    public String ship(String orderId) {
      return "shipment-" + orderId + "-" + runs.incrementAndGet();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Plain {
    @Bean
    Payments payments() {
      return new Payments();
    }

    @Bean
    DefaultShipping shipping() {
      return new DefaultShipping();
    }
  }

  /** Writes an order row; idempotent per key; called inside or outside a transaction. */
  static class Orders {
    final JdbcTemplate jdbc;
    final String table;
    final AtomicInteger runs = new AtomicInteger();

    /** Through a method: a class proxy's own fields are not the target's. */
    public int runs() {
      return runs.get();
    }

    Orders(JdbcTemplate jdbc, String table) {
      this.jdbc = jdbc;
      this.table = table;
    }

    @Idempotent(namespace = "orders", key = "{key}")
    public String place(String key) {
      runs.incrementAndGet();
      jdbc.update("INSERT INTO " + table + " (order_key) VALUES (?)", key);
      return "order-" + key;
    }

    int rows(String key) {
      Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE order_key = ?", Integer.class, key);
      return n == null ? 0 : n;
    }
  }

  /** Calls {@link Orders} inside its own transaction, and fails after it when told to. */
  static class Checkout {
    final Orders orders;
    final AtomicBoolean failAfter = new AtomicBoolean();

    public void failAfter(boolean fail) {
      failAfter.set(fail);
    }

    Checkout(Orders orders) {
      this.orders = orders;
    }

    @Transactional
    public String checkout(String key) {
      String order = orders.place(key);
      if (failAfter.get()) {
        throw new IllegalStateException("payment declined after the order was written");
      }
      return order;
    }
  }

  /** {@code @Transactional} and {@code @Idempotent} on the same method. */
  static class Both {
    final JdbcTemplate jdbc;
    final String table;
    final AtomicBoolean failAfter = new AtomicBoolean();

    public void failAfter(boolean fail) {
      failAfter.set(fail);
    }
    final AtomicInteger runs = new AtomicInteger();

    /** Through a method: a class proxy's own fields are not the target's. */
    public int runs() {
      return runs.get();
    }

    Both(JdbcTemplate jdbc, String table) {
      this.jdbc = jdbc;
      this.table = table;
    }

    @Transactional
    @Idempotent(namespace = "both", key = "{key}")
    public String place(String key) {
      runs.incrementAndGet();
      jdbc.update("INSERT INTO " + table + " (order_key) VALUES (?)", key);
      if (failAfter.get()) {
        throw new IllegalStateException("failed after the write");
      }
      return "order-" + key;
    }
  }
}
