package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.testkit.Race;
import java.util.List;
import java.util.UUID;
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

/**
 * {@code @Idempotent} beans under concurrency on every backend, and inside Spring transactions with
 * the JDBC backend on the application's DataSource (H2 and PostgreSQL): a rollback leaves no record
 * and the retry runs; a commit is replayed.
 */
class BeansAndTransactionsTest {
  private static final String ORDERS = "st_orders_" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");

  @Configuration(proxyBeanMethods = false)
  static class JdbcServices {
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
    TestServices.Both both(JdbcTemplate jdbc) {
      return new TestServices.Both(jdbc, ORDERS);
    }

    @Bean
    Consumer consumer(SpringJdbcTransactions transactions, JdbcTemplate jdbc) {
      return new Consumer(transactions, jdbc);
    }

    @Bean
    JdbcTemplate jdbcTemplate(javax.sql.DataSource dataSource) {
      return new JdbcTemplate(dataSource);
    }
  }

  /** A message consumer: the dedup mark and the order row in one Spring transaction. */
  static class Consumer {
    final SpringJdbcTransactions transactions;
    final JdbcTemplate jdbc;

    Consumer(SpringJdbcTransactions transactions, JdbcTemplate jdbc) {
      this.transactions = transactions;
      this.jdbc = jdbc;
    }

    @org.springframework.transaction.annotation.Transactional
    public dev.idempotency.dedup.DedupResult consume(String messageId, boolean failAfter) {
      dev.idempotency.dedup.DedupResult r = transactions.markFirst(IdempotencyKey.of("messages", messageId));
      if (r == dev.idempotency.dedup.DedupResult.FIRST) {
        jdbc.update("INSERT INTO " + ORDERS + " (order_key) VALUES (?)", messageId);
      }
      if (failAfter) {
        throw new IllegalStateException("the consumer failed after its writes");
      }
      return r;
    }
  }

  private static ApplicationContextRunner base() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
        .withUserConfiguration(TestServices.Plain.class);
  }

  static Stream<Arguments> backends() {
    String[] pg = Servers.postgres();
    return Stream.of(
        Arguments.of("memory", List.of("idempotency.backend=memory")),
        Arguments.of("redis", List.of("idempotency.redis.url=" + Servers.redisUri(),
            "idempotency.redis.key-prefix=st-" + UUID.randomUUID().toString().substring(0, 8))),
        Arguments.of("postgresql", postgres(pg)));
  }

  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("h2", List.of("spring.datasource.url=jdbc:h2:mem:tx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")),
        Arguments.of("postgresql", postgres(Servers.postgres())));
  }

  private static List<String> postgres(String[] pg) {
    return pg[1] == null ? List.of("spring.datasource.url=" + pg[0], "idempotency.jdbc.table-prefix=st_")
        : List.of("spring.datasource.url=" + pg[0], "spring.datasource.username=" + pg[1],
            "spring.datasource.password=" + pg[2], "idempotency.jdbc.table-prefix=st_");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void sixtyFourConcurrentCallsOfABeanWithoutInterfaceRunItsBodyOnce(String name, List<String> properties)
      throws Exception {
    base().withPropertyValues(properties.toArray(String[]::new))
        .withPropertyValues("idempotency.in-progress=await", "idempotency.max-wait=10s").run(ctx -> {
          TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
          TestServices.Payment p = new TestServices.Payment("race-" + UUID.randomUUID(), 4200);
          List<Race.Outcome<TestServices.Receipt>> outcomes = Race.run(64, i -> () -> payments.pay(p));
          assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
          assertThat(outcomes).extracting(Race.Outcome::value).containsOnly(new TestServices.Receipt(p.id(), 4200, 1));
          assertThat(payments.runs()).isEqualTo(1);
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aCallerTransactionThatRollsBackLeavesNoRecordAndTheRetryRuns(String name, List<String> properties) {
    base().withUserConfiguration(JdbcServices.class).withPropertyValues(properties.toArray(String[]::new)).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      TestServices.Checkout checkout = ctx.getBean(TestServices.Checkout.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      IdempotencyEngine engine = ctx.getBean(IdempotencyEngine.class);
      String key = "rb-" + UUID.randomUUID();

      checkout.failAfter(true);
      assertThatThrownBy(() -> checkout.checkout(key)).isInstanceOf(IllegalStateException.class);
      assertThat(orders.rows(key)).isZero();
      assertThat(engine.lookup(IdempotencyKey.of("orders", key))).isEmpty();

      checkout.failAfter(false);
      assertThat(checkout.checkout(key)).isEqualTo("order-" + key);
      assertThat(checkout.checkout(key)).isEqualTo("order-" + key);
      assertThat(orders.rows(key)).isEqualTo(1);
      assertThat(orders.runs()).isEqualTo(2);
      assertThat(engine.lookup(IdempotencyKey.of("orders", key))).isPresent();
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void transactionalAndIdempotentOnOneMethodRunTheCallInsideTheTransaction(String name, List<String> properties) {
    base().withUserConfiguration(JdbcServices.class).withPropertyValues(properties.toArray(String[]::new)).run(ctx -> {
      TestServices.Both both = ctx.getBean(TestServices.Both.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      IdempotencyEngine engine = ctx.getBean(IdempotencyEngine.class);
      String key = "both-" + UUID.randomUUID();
      both.failAfter(true);
      assertThatThrownBy(() -> both.place(key)).isInstanceOf(IllegalStateException.class);
      // In the transaction: the rollback took the claim with it, so the retry is not "in progress".
      assertThat(engine.lookup(IdempotencyKey.of("both", key))).isEmpty();
      assertThat(orders.rows(key)).isZero();
      both.failAfter(false);
      assertThat(both.place(key)).isEqualTo("order-" + key);
      assertThat(both.place(key)).isEqualTo("order-" + key);
      assertThat(orders.rows(key)).isEqualTo(1);
      assertThat(both.runs()).isEqualTo(2);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void outsideATransactionTheCallRunsInTheNormalMode(String name, List<String> properties) {
    base().withUserConfiguration(JdbcServices.class).withPropertyValues(properties.toArray(String[]::new)).run(ctx -> {
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      String key = "plain-" + UUID.randomUUID();
      assertThat(orders.place(key)).isEqualTo(orders.place(key));
      assertThat(orders.rows(key)).isEqualTo(1);
      assertThat(orders.runs()).isEqualTo(1);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aDedupMarkInTheSpringTransactionRollsBackWithIt(String name, List<String> properties) {
    base().withUserConfiguration(JdbcServices.class).withPropertyValues(properties.toArray(String[]::new)).run(ctx -> {
      Consumer consumer = ctx.getBean(Consumer.class);
      TestServices.Orders orders = ctx.getBean(TestServices.Orders.class);
      String id = "msg-" + UUID.randomUUID();
      assertThatThrownBy(() -> consumer.consume(id, true)).isInstanceOf(IllegalStateException.class);
      assertThat(orders.rows(id)).isZero();
      assertThat(consumer.consume(id, false)).isEqualTo(dev.idempotency.dedup.DedupResult.FIRST);
      assertThat(consumer.consume(id, false)).isEqualTo(dev.idempotency.dedup.DedupResult.DUPLICATE);
      assertThat(orders.rows(id)).isEqualTo(1);
      assertThatThrownBy(() -> ctx.getBean(SpringJdbcTransactions.class).markFirst(IdempotencyKey.of("messages", "x")))
          .isInstanceOf(dev.idempotency.InvalidInputException.class).hasMessageContaining("@Transactional");
    });
  }
}
