package dev.idempotency.spi;

/**
 * A backend: the stores of every strategy on one kind of server (or in memory), under one name.
 * {@code InMemoryBackend}, {@code RedisBackend} and {@code JdbcBackend} implement it, so
 * applications and the test kit can treat them alike.
 *
 * <p>Fencing tokens of all stores of one backend are comparable (see
 * {@link dev.idempotency.FencingToken}). Stores returned by one backend share its connections;
 * stores of two backends on the same server see the same data, as two service instances would.
 * Implementations are thread-safe.
 */
public interface Backend extends AutoCloseable {
  /**
   * A short name for messages and logs, naming the backend and endpoint but never credentials.
   *
   * @return for example {@code "in-memory"} or {@code "redis 127.0.0.1:6379"}
   */
  String name();

  /**
   * The store of idempotent calls.
   *
   * @return the store
   */
  IdempotencyStore idempotencyStore();

  /**
   * The store of one-time tokens.
   *
   * @return the store
   */
  MarkStore tokenStore();

  /**
   * The store of the dedup table; its keys never mix with the tokens'.
   *
   * @return the store
   */
  MarkStore dedupStore();

  /**
   * The store of fenced locks.
   *
   * @return the store
   */
  LockStore lockStore();

  /**
   * The state store of one entity type, kept by the backend (JDBC can also work on the
   * application's own table: {@code JdbcBackend.stateStore(StateTable)}).
   *
   * @param entityType an identifier such as {@code "orders"} ({@code [A-Za-z0-9][A-Za-z0-9_.-]*}, at most
   *     64 characters)
   * @return the store
   * @throws dev.idempotency.InvalidInputException if the entity type is malformed
   */
  StateStore stateStore(String entityType);

  /**
   * The store of stock reservations: per item, its counts and one reservation per holder.
   *
   * @return the store
   */
  StockStore stockStore();

  /**
   * The store of rate limits: GCRA arrival times per limited key.
   *
   * @return the store
   */
  RateLimitStore rateLimitStore();

  /**
   * Releases what the backend opened itself (connection pools); what the application passed in
   * (a {@code DataSource}, a {@code UnifiedJedis}) is left to the application. Idempotent.
   */
  @Override
  void close();
}
