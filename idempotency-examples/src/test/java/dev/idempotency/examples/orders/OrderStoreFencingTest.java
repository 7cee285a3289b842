package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.FencingToken;
import dev.idempotency.examples.orders.order.FencedWriteException;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.examples.orders.order.SubmitOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The order store's last line of defence on every database it runs on: a write fenced by a lock
 * token that a later holder already used is refused and writes nothing, equal and later tokens
 * pass, racing first writers of one fence leave exactly the winners' orders, and a duplicate form
 * submission finds the order its first submission wrote.
 */
class OrderStoreFencingTest {
  private static final Map<String, HikariDataSource> POOLS = new java.util.concurrent.ConcurrentHashMap<>();

  @AfterAll
  static void close() {
    POOLS.values().forEach(HikariDataSource::close);
  }

  private static OrderStore store(String database) {
    HikariDataSource ds = POOLS.computeIfAbsent(database, d -> {
      Map<String, String> props = switch (d) {
        case "h2" -> Map.of("spring.datasource.url", "jdbc:h2:mem:fencing;DB_CLOSE_DELAY=-1",
            "spring.datasource.username", "sa", "spring.datasource.password", "");
        case "postgres" -> ExampleServers.postgres();
        case "mariadb" -> ExampleServers.mariadb();
        default -> throw new IllegalArgumentException(d);
      };
      HikariDataSource pool = new HikariDataSource();
      pool.setJdbcUrl(props.get("spring.datasource.url"));
      pool.setUsername(props.get("spring.datasource.username"));
      pool.setPassword(props.get("spring.datasource.password"));
      pool.setMaximumPoolSize(12);
      new ResourceDatabasePopulator(new ClassPathResource("orders-schema.sql")).execute(pool);
      return pool;
    });
    return new OrderStore(ds, new DataSourceTransactionManager(ds), Clock.systemUTC());
  }

  private static SubmitOrder submission(String user, String product, long fence) {
    SubmitOrder s = new SubmitOrder(user, product, 1, UUID.randomUUID().toString());
    s.fence(FencingToken.of(fence));
    return s;
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void aStaleTokenIsRefusedAndWritesNothingWhileEqualAndLaterTokensPass(String database) {
    OrderStore store = store(database);
    String user = "u-" + UUID.randomUUID();
    String product = "p-" + UUID.randomUUID();

    assertThat(store.place(submission(user, product, 5)).created()).isTrue();
    assertThat(store.place(submission(user, product, 5)).created()).isTrue();
    assertThatThrownBy(() -> store.place(submission(user, product, 4)))
        .isInstanceOf(FencedWriteException.class).hasMessageContaining("later holder");
    assertThat(store.place(submission(user, product, 9)).created()).isTrue();
    assertThatThrownBy(() -> store.place(submission(user, product, 8))).isInstanceOf(FencedWriteException.class);

    assertThat(store.ordersOfProduct(product)).isEqualTo(3);
    assertThat(store.jdbc().queryForObject("SELECT MAX(fence) FROM shop_orders WHERE product_id = ?", Long.class,
        product)).isEqualTo(9L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void aStaleTokenIsRefusedOnAFenceAStoreOfAnotherInstanceCreated(String database) {
    String user = "u-" + UUID.randomUUID();
    String product = "p-" + UUID.randomUUID();
    assertThat(store(database).place(submission(user, product, 7)).created()).isTrue();

    OrderStore other = store(database);
    assertThatThrownBy(() -> other.place(submission(user, product, 6))).isInstanceOf(FencedWriteException.class);
    assertThat(other.place(submission(user, product, 7)).created()).isTrue();
    assertThat(other.ordersOfProduct(product)).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void aDuplicateSubmissionFindsTheFirstOrderAndLeavesTheFenceUsable(String database) {
    OrderStore store = store(database);
    String user = "u-" + UUID.randomUUID();
    String product = "p-" + UUID.randomUUID();
    SubmitOrder first = submission(user, product, 3);
    OrderStore.Placed placed = store.place(first);

    SubmitOrder again = new SubmitOrder(user, product, 1, first.submitToken());
    again.fence(FencingToken.of(9));
    OrderStore.Placed replayed = store.place(again);

    assertThat(replayed.created()).isFalse();
    assertThat(replayed.order().orderId()).isEqualTo(placed.order().orderId());
    assertThat(fence(store, user, product)).as("the duplicate's fence move is undone with it").isEqualTo(3L);
    assertThat(store.place(submission(user, product, 4)).created()).isTrue();
    assertThat(store.ordersOfProduct(product)).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void anOrderPlacedInsideACallersTransactionIsCommittedOnItsOwn(String database) {
    OrderStore store = store(database);
    String user = "u-" + UUID.randomUUID();
    String product = "p-" + UUID.randomUUID();
    TransactionTemplate caller = new TransactionTemplate(new DataSourceTransactionManager(POOLS.get(database)));

    caller.executeWithoutResult(status -> {
      assertThat(store.place(submission(user, product, 2)).created()).isTrue();
      assertThatThrownBy(() -> store.place(submission(user, product, 1))).isInstanceOf(FencedWriteException.class);
      status.setRollbackOnly();
    });

    assertThat(store.ordersOfProduct(product)).isEqualTo(1);
    assertThat(fence(store, user, product)).isEqualTo(2L);
  }

  private static long fence(OrderStore store, String user, String product) {
    return store.jdbc().queryForObject("SELECT token FROM shop_fences WHERE fence_key = ?", Long.class,
        "order:" + user + ":" + product);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres", "mariadb"})
  void firstWritersRacingOnANewFenceLeaveNoStaleWriteAfterALaterOne(String database) throws Exception {
    OrderStore store = store(database);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 10; round++) {
        String user = "u-" + UUID.randomUUID();
        String product = "p-" + UUID.randomUUID();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> writes = new ArrayList<>();
        for (int token = 1; token <= 8; token++) {
          long t = token;
          writes.add(pool.submit(() -> {
            start.await();
            return placed(() -> store.place(submission(user, product, t)));
          }));
        }
        start.countDown();
        long highestWritten = 0;
        int written = 0;
        for (int token = 1; token <= 8; token++) {
          if (writes.get(token - 1).get(30, TimeUnit.SECONDS)) {
            highestWritten = token;
            written++;
          }
        }
        assertThat(highestWritten).as("the highest token always writes").isEqualTo(8);
        assertThat(store.ordersOfProduct(product)).isEqualTo(written);
        // Each written order carried a token at least as high as every order committed before it:
        // in commit order (created_at can tie, so the check is on the fence row's final value).
        assertThat(store.jdbc().queryForObject("SELECT token FROM shop_fences WHERE fence_key = ?", Long.class,
            "order:" + user + ":" + product)).isEqualTo(8L);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean placed(Supplier<OrderStore.Placed> write) {
    try {
      return write.get().created();
    } catch (FencedWriteException e) {
      return false;
    }
  }
}
