package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.spi.Backend;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * With a backend that does not join the application's transaction (memory, Redis, JDBC on another
 * database), an {@code @Idempotent} call inside a Spring transaction stores its result only after
 * the commit: a rollback releases the key, so the retry runs (and writes its row) instead of
 * replaying a result whose row does not exist; a duplicate before the commit sees the call in
 * progress; after the commit it is replayed.
 */
class CompletionAfterCommitTest {
  private static final String ORDERS = "ac_orders_" + UUID.randomUUID().toString().substring(0, 8);

  /** The application's rows, in H2, under Spring's transaction manager. */
  @Configuration(proxyBeanMethods = false)
  static class Services {
    @Bean
    JdbcTemplate jdbcTemplate(javax.sql.DataSource dataSource) {
      return new JdbcTemplate(dataSource);
    }

    @Bean
    TestServices.Orders orders(JdbcTemplate jdbc) {
      jdbc.execute("CREATE TABLE IF NOT EXISTS " + ORDERS + " (order_key VARCHAR(100) NOT NULL)");
      return new TestServices.Orders(jdbc, ORDERS);
    }

    @Bean
    TestServices.Checkout checkout(TestServices.Orders orders) {
      return new TestServices.Checkout(orders);
    }

    @Bean
    SlowCheckout slowCheckout(TestServices.Orders orders) {
      return new SlowCheckout(orders);
    }
  }

  /** Places an order in its transaction, then waits before committing; or places it twice. */
  static class SlowCheckout {
    final TestServices.Orders orders;

    SlowCheckout(TestServices.Orders orders) {
      this.orders = orders;
    }

    @Transactional
    public String placeAndHold(String key, CountDownLatch placed, CountDownLatch commit) throws InterruptedException {
      String order = orders.place(key);
      placed.countDown();
      commit.await(10, TimeUnit.SECONDS);
      return order;
    }

    @Transactional
    public List<String> placeTwice(String key) {
      return List.of(orders.place(key), orders.place(key));
    }
  }

  /** The JDBC backend on PostgreSQL while the application's transaction is on H2. */
  @Configuration(proxyBeanMethods = false)
  static class OtherDatabase {
    @Bean(destroyMethod = "close")
    Backend backend() {
      String[] pg = Servers.postgres();
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(pg[0]);
      if (pg[1] != null) {
        ds.setUser(pg[1]);
        ds.setPassword(pg[2]);
      }
      return JdbcBackend.builder(ds).tablePrefix("ac_").createTablesIfMissing(true).build();
    }
  }

  static Stream<Arguments> backends() {
    return Stream.of(
        Arguments.of("memory", List.of("idempotency.backend=memory"), Object.class),
        Arguments.of("redis", List.of("idempotency.redis.url=" + Servers.redisUri(),
            "idempotency.redis.key-prefix=ac-" + UUID.randomUUID().toString().substring(0, 8)), Object.class),
        Arguments.of("jdbc on another database", List.of(), OtherDatabase.class));
  }

  private static ApplicationContextRunner app(List<String> properties, Class<?> extra) {
    ApplicationContextRunner r = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
        .withUserConfiguration(Services.class)
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:ac-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .withPropertyValues(properties.toArray(String[]::new));
    return extra == Object.class ? r : r.withUserConfiguration(extra);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aRolledBackTransactionReleasesTheKeyAndTheRetryRunsAndWritesItsRow(String name, List<String> properties,
      Class<?> extra) {
    app(properties, extra).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      TestServices.Checkout checkout = ctx.getBean(TestServices.Checkout.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      IdempotencyEngine engine = ctx.getBean(IdempotencyEngine.class);
      String key = "rb-" + UUID.randomUUID();

      checkout.failAfter(true);
      assertThatThrownBy(() -> checkout.checkout(key)).isInstanceOf(IllegalStateException.class);
      assertThat(orders.rows(key)).isZero();
      assertThat(engine.lookup(IdempotencyKey.of("orders", key))).as("released at the rollback").isEmpty();

      checkout.failAfter(false);
      assertThat(checkout.checkout(key)).isEqualTo("order-" + key);
      assertThat(checkout.checkout(key)).isEqualTo("order-" + key);
      assertThat(orders.rows(key)).as("the retry ran and its row committed, once").isEqualTo(1);
      assertThat(orders.runs()).isEqualTo(2);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aDuplicateBeforeTheCommitSeesItInProgressAndAfterItIsReplayed(String name, List<String> properties,
      Class<?> extra) {
    app(properties, extra).run(ctx -> {
      SlowCheckout slow = ctx.getBean(SlowCheckout.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      String key = "hold-" + UUID.randomUUID();
      CountDownLatch placed = new CountDownLatch(1);
      CountDownLatch commit = new CountDownLatch(1);
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
        try {
          return slow.placeAndHold(key, placed, commit);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertThat(placed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> orders.place(key)).isInstanceOf(RequestInProgressException.class);
      } finally {
        commit.countDown();
      }
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("order-" + key);
      assertThat(orders.place(key)).isEqualTo("order-" + key);
      assertThat(dev.idempotency.annotation.Idempotency.lastCall()).hasValueSatisfying(c -> assertThat(c.replayed()).isTrue());
      assertThat(orders.rows(key)).isEqualTo(1);
      assertThat(orders.runs()).isEqualTo(1);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void theSameKeyTwiceInOneTransactionRunsOnce(String name, List<String> properties, Class<?> extra) {
    app(properties, extra).run(ctx -> {
      SlowCheckout slow = ctx.getBean(SlowCheckout.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      String key = "twice-" + UUID.randomUUID();
      assertThat(slow.placeTwice(key)).containsExactly("order-" + key, "order-" + key);
      assertThat(orders.rows(key)).isEqualTo(1);
      assertThat(orders.runs()).isEqualTo(1);
    });
  }
}
