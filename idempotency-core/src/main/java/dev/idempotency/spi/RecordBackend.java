package dev.idempotency.spi;

import dev.idempotency.internal.records.RecordIdempotencyStore;
import dev.idempotency.internal.records.RecordLockStore;
import dev.idempotency.internal.records.RecordMarkStore;
import dev.idempotency.internal.records.RecordRateLimitStore;
import dev.idempotency.internal.records.RecordStateStore;
import dev.idempotency.internal.records.RecordStockStore;
import dev.idempotency.spi.support.Require;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A whole backend from one {@link RecordStore}: every strategy's store is derived in the core, so
 * a new backend implements the primitive and nothing else ({@code docs/writing-a-backend.md}).
 *
 * <p>Each strategy keeps its records under its own key prefix ({@code c:} idempotent calls,
 * {@code t:} tokens, {@code d:} dedup, {@code l:} locks, {@code s:<type>:} states, {@code k:}
 * stock, {@code r:} rate limits), so one record store holds them all without mixing. Every derived
 * operation reads the record and writes it back with a compare-and-set on its version, retrying
 * when another writer got there first: one round trip for a first claim, a mark or a lock on a free
 * key, two for most others. Fencing tokens are the record store's versions, so they grow across
 * deletes and expiry as its contract requires.
 *
 * <p>Thread-safe. {@link #close()} closes the record store.
 */
public final class RecordBackend implements Backend {
  private final RecordStore records;
  private final IdempotencyStore calls;
  private final MarkStore tokens;
  private final MarkStore dedup;
  private final LockStore locks;
  private final StockStore stock;
  private final RateLimitStore rates;
  private final Map<String, StateStore> states = new ConcurrentHashMap<>();

  private RecordBackend(RecordStore records) {
    this.records = records;
    this.calls = new RecordIdempotencyStore(records, "c:");
    this.tokens = new RecordMarkStore(records, "t:");
    this.dedup = new RecordMarkStore(records, "d:");
    this.locks = new RecordLockStore(records, "l:");
    this.stock = new RecordStockStore(records, "k:");
    this.rates = new RecordRateLimitStore(records, "r:");
  }

  /**
   * A backend whose every store is derived from the record store.
   *
   * @param records the record store
   * @return the backend
   * @throws dev.idempotency.InvalidInputException if it is null
   */
  public static RecordBackend of(RecordStore records) {
    return new RecordBackend(Require.nonNull(records, "records"));
  }

  /**
   * The record store every store of this backend writes to.
   *
   * @return the record store
   */
  public RecordStore records() {
    return records;
  }

  @Override
  public String name() {
    return records.name();
  }

  @Override
  public IdempotencyStore idempotencyStore() {
    return calls;
  }

  @Override
  public MarkStore tokenStore() {
    return tokens;
  }

  @Override
  public MarkStore dedupStore() {
    return dedup;
  }

  @Override
  public LockStore lockStore() {
    return locks;
  }

  @Override
  public StateStore stateStore(String entityType) {
    Require.identifier(entityType, "entityType", 64);
    return states.computeIfAbsent(entityType, t -> new RecordStateStore(records, "s:" + t + ":"));
  }

  @Override
  public StockStore stockStore() {
    return stock;
  }

  @Override
  public RateLimitStore rateLimitStore() {
    return rates;
  }

  @Override
  public void close() {
    records.close();
  }
}
