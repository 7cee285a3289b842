package dev.idempotency.jdbc;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.support.Require;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Size: one factory per store, the transactional variants, and the Builder with its documented
// options; the statements live in Sql, StockSql and RateSql.
/**
 * Every store of the contract on a relational database through any {@link DataSource}
 * (HikariCP recommended): PostgreSQL, MySQL/MariaDB and H2, detected from the connection metadata.
 *
 * <pre>{@code
 * JdbcBackend db = JdbcBackend.builder(hikariDataSource).createTablesIfMissing(true).build();
 * IdempotencyEngine engine = IdempotencyEngine.builder(db.idempotencyStore()).build();
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>One statement per operation: claim, complete, release, token issue and consume, lock
 *       acquire, release and extend, dedup mark, state transition. Each is conflict-free
 *       ({@code ON CONFLICT}, {@code ON DUPLICATE KEY UPDATE}, {@code MERGE}): a duplicate never raises
 *       an error, so it never aborts a PostgreSQL transaction. A claim that finds a live record reads
 *       it with a second statement; a state transition that is not applied reads the current state.</li>
 *   <li>Expiry is decided by the database's clock; the JVM sends no time values, so application
 *       clock skew cannot let two owners in. Fencing tokens are the database clock in microseconds,
 *       raised to the last token + 1 on takeover.</li>
 *   <li>{@link #transactionalDedup} marks keys in the caller's own connection and transaction, so
 *       the mark and the business write commit or roll back together.</li>
 *   <li>Database failures (a lost connection, a pool timeout) become
 *       {@link StoreUnavailableException} naming the database, never a raw {@link SQLException}.</li>
 * </ul>
 *
 * <p>The stores take a connection per operation and commit it if the pool hands out connections
 * with auto-commit off. Tables: {@code <prefix>records}, {@code tokens}, {@code locks},
 * {@code dedup}; the DDL per dialect is in {@code dev/idempotency/jdbc/schema-<dialect>.sql}
 * ({@link #ddl}), plus {@code states}, {@code stock}, {@code stock_holds} and {@code rates}.
 * Thread-safe.
 *
 * <p>Every store is a native fast path (one statement, or one short transaction, per operation) in
 * place of the stores {@link dev.idempotency.spi.RecordBackend} derives from the record-store
 * primitive; each passes the same contract suites.
 */
public final class JdbcBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcBackend.class);

  private final Database db;
  private final StockSql stockSql;
  private final RateSql rateSql;
  private final String prefix;

  private JdbcBackend(DataSource dataSource, Dialect dialect, String name, String prefix, int maxPayloadBytes,
      boolean insertReturning) {
    this.db = new Database(dataSource, new Sql(dialect, prefix, insertReturning), name, maxPayloadBytes);
    this.stockSql = new StockSql(db.sql());
    this.rateSql = new RateSql(db.sql());
    this.prefix = prefix;
  }

  /**
   * Starts configuring a backend on a data source.
   *
   * <p>Pass the pool itself (a {@code HikariDataSource}): the backend takes a connection of its own
   * for each operation and commits it, so it must never be handed the caller's transactional
   * connection. A transaction-aware proxy (Spring's {@code TransactionAwareDataSourceProxy}) is
   * unwrapped to the pool it proxies when the backend is built. For calls that should be part of the
   * caller's transaction, use {@link #transactionalCalls()} or {@link #transactionalDedup}, which
   * take the caller's connection explicitly.
   *
   * @param dataSource the pool
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Require.nonNull(dataSource, "dataSource"));
  }

  /**
   * The DDL for a dialect and table prefix, as shipped in the resources.
   *
   * @param dialect the dialect
   * @param tablePrefix the table prefix
   * @return the statements, in order
   */
  public static List<String> ddl(Dialect dialect, String tablePrefix) {
    Require.nonNull(dialect, "dialect");
    Identifiers.require(tablePrefix + "x", "tablePrefix");
    return Schema.ddl(dialect, tablePrefix);
  }

  @Override
  public IdempotencyStore idempotencyStore() {
    return new JdbcIdempotencyStore(db, Connections.pool(db));
  }

  /**
   * Idempotent calls in the caller's own transaction and connection: the claim, the action's writes
   * and the result commit or roll back together. Exactly once, with no window in which a result can
   * be lost: prefer it whenever the action's effects are rows in this same database.
   *
   * @return the in-transaction calls, with the default options and a 10 s row wait
   */
  public TransactionalCalls transactionalCalls() {
    return new TransactionalCalls(db, dev.idempotency.CallOptions.DEFAULTS,
        dev.idempotency.IdempotencyListener.NOOP, TransactionalCalls.DEFAULT_ROW_WAIT);
  }

  /**
   * The largest result payload this database takes in one statement: on MySQL and MariaDB half of
   * {@code max_allowed_packet} less 64 KiB (the driver may escape every byte of a client-side
   * prepared statement), read when the backend was built; 256 MiB on PostgreSQL and H2.
   *
   * @return bytes
   */
  public int maxPayloadBytes() {
    return db.maxPayloadBytes();
  }

  @Override
  public MarkStore tokenStore() {
    return new JdbcMarkStore(db, db.sql().tokenMarks);
  }

  @Override
  public LockStore lockStore() {
    return new JdbcLockStore(db);
  }

  /**
   * {@inheritDoc} Each mark is its own short transaction; for marks in the caller's transaction use
   * {@link #transactionalDedup}.
   */
  @Override
  public MarkStore dedupStore() {
    return new JdbcMarkStore(db, db.sql().dedupMarks);
  }

  /**
   * The dedup table in the caller's own transaction.
   *
   * @param retention how long marks are kept
   * @return the transactional dedup
   */
  public TransactionalDedup transactionalDedup(Duration retention) {
    return new TransactionalDedup(db, Require.storedDuration(retention, "retention"));
  }

  /**
   * A state store on the caller's own table.
   *
   * @param table the table and its id, status and version columns
   * @return the store
   */
  public StateStore stateStore(StateTable table) {
    Require.nonNull(table, "table");
    Identifiers.requireNotReserved(table.table(), "table", db.dialect());
    for (String column : new String[] {table.idColumn(), table.statusColumn(), table.versionColumn(), table.fencingColumn()}) {
      if (column != null) {
        Identifiers.requireNotReserved(column, "column", db.dialect());
      }
    }
    return new JdbcStateStore(db, table, UnaryOperator.identity());
  }

  /**
   * {@inheritDoc} Kept in the backend's own {@code <prefix>states} table, one row per entity keyed by
   * a hash of entity type and id, never expiring. To keep the state in a business table (the
   * {@code status} column of {@code orders}), use {@link #stateStore(StateTable)}.
   */
  @Override
  public StateStore stateStore(String entityType) {
    String type = Require.identifier(entityType, "entityType", 64);
    StateTable table = new StateTable(db.sql().states, "entity_key", "status", "version").withFencingColumn("fence");
    return new JdbcStateStore(db, table, id -> Database.hash(type + ':' + id));
  }

  /**
   * {@inheritDoc} Two tables, {@code <prefix>stock} and {@code <prefix>stock_holds}; each operation
   * is its own short transaction that takes the item's row lock first. A reservation is the
   * conditional {@code UPDATE ... SET available = available - q WHERE ... AND available >= q} plus
   * the holder's row. For reservations in the caller's transaction use {@link #transactionalStock()}.
   */
  @Override
  public StockStore stockStore() {
    return new JdbcStockStore(db, stockSql);
  }

  /**
   * Stock reservation in the caller's own transaction: the reservation and the order row commit or
   * roll back together.
   *
   * @return the transactional reservations
   */
  public TransactionalStock transactionalStock() {
    return new TransactionalStock(db, new JdbcStockStore(db, stockSql));
  }

  /**
   * Pessimistic row locks on the application's own tables, in its transaction.
   *
   * @return the row locks
   */
  public RowLocks rowLocks() {
    return new RowLocks(db);
  }

  /**
   * {@inheritDoc} One row per key in {@code <prefix>rates}, decided in one short transaction on the
   * database's clock (two statements, three for a new key); Redis or memory suit request-rate hot
   * paths better.
   */
  @Override
  public RateLimitStore rateLimitStore() {
    return new JdbcRateLimitStore(db, rateSql);
  }

  /** The pool this backend was given is the application's: closing the backend leaves it open. */
  @Override
  public void close() {}

  /**
   * {@inheritDoc}
   *
   * @return for example {@code "postgresql 127.0.0.1:5432/test"}
   */
  @Override
  public String name() {
    return db.name();
  }

  /**
   * The dialect in use.
   *
   * @return the dialect
   */
  public Dialect dialect() {
    return db.dialect();
  }

  /**
   * The table prefix.
   *
   * @return the prefix
   */
  public String tablePrefix() {
    return prefix;
  }

  /**
   * Deletes expired records, tokens, locks, dedup marks and rate-limit rows, in batches of at most
   * {@code batchSize} rows per statement (each batch its own short transaction), until none are
   * left. Run it periodically (every few minutes): expired rows are ignored by every operation, so
   * purging is housekeeping, not correctness.
   *
   * @param batchSize rows per statement, positive
   * @return how many rows were deleted
   * @throws StoreUnavailableException if the database cannot be reached
   */
  public long purgeExpired(int batchSize) {
    Require.argument(batchSize > 0, "batchSize", "must be positive, was " + batchSize);
    long total = 0;
    for (String table : db.sql().expiringTables()) {
      String statement = db.sql().purge(table);
      while (true) {
        int deleted = db.run("purge", c -> {
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setInt(1, batchSize);
            return ps.executeUpdate();
          }
        });
        total += deleted;
        if (deleted < batchSize) {
          break;
        }
      }
    }
    LOG.debug("purged {} expired rows from {}", total, db.name());
    return total;
  }

  /** Configures a {@link JdbcBackend}; not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private Dialect dialect;
    private String tablePrefix = "idem_";
    private boolean createTables;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Overrides the dialect detected from the connection metadata.
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Require.nonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets the prefix of the backend's table names (default {@code idem_}).
     *
     * @param prefix letters, digits and underscores, starting with a letter; may name a schema
     *     ({@code "billing.idem_"})
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      Require.nonNull(prefix, "tablePrefix");
      Identifiers.require(prefix + "x", "tablePrefix");
      this.tablePrefix = prefix;
      return this;
    }

    /**
     * Creates the tables at build time if they do not exist (off by default: production schemas are
     * usually migrated by Flyway or Liquibase with {@link JdbcBackend#ddl}). Safe for many instances
     * starting at once: the DDL runs under a database-wide lock (a PostgreSQL advisory lock, a
     * MySQL/MariaDB {@code GET_LOCK}).
     *
     * @param create whether to create missing tables
     * @return this builder
     */
    public Builder createTablesIfMissing(boolean create) {
      this.createTables = create;
      return this;
    }

    /**
     * Connects once to detect the dialect (unless set) and, if asked, create the tables.
     *
     * @return the backend
     * @throws StoreUnavailableException if the database cannot be reached
     */
    public JdbcBackend build() {
      DataSource own = OwnConnections.unwrap(dataSource);
      String where = "jdbc";
      try (Connection c = own.getConnection()) {
        Dialect d = dialect != null ? dialect : Dialect.detect(c.getMetaData());
        where = describe(d, c.getMetaData().getURL());
        if (createTables) {
          Schema.create(c, d, ddl(d, tablePrefix), tablePrefix);
        } else {
          Schema.warnIfOutdated(c, d, tablePrefix);
        }
        return new JdbcBackend(own, d, where, tablePrefix, Schema.maxPayloadBytes(c, d),
            d == Dialect.MYSQL && Schema.takesInsertReturning(c));
      } catch (SQLException e) {
        throw new StoreUnavailableException(where, "connect", e);
      } catch (IllegalArgumentException e) {
        throw new dev.idempotency.InvalidInputException("dataSource", e.getMessage());
      }
    }

    /** Names the database from its JDBC URL without user, password or query parameters. */
    static String describe(Dialect dialect, String url) {
      String u = url == null ? "" : url;
      int query = u.indexOf('?');
      if (query >= 0) {
        u = u.substring(0, query);
      }
      int semicolon = u.indexOf(';');
      if (semicolon >= 0) {
        u = u.substring(0, semicolon);
      }
      int at = u.lastIndexOf('@');
      int slashes = u.indexOf("//");
      if (at >= 0 && slashes >= 0 && at > slashes) {
        u = u.substring(0, slashes + 2) + u.substring(at + 1);
      }
      int scheme = u.indexOf("//");
      String rest = scheme >= 0 ? u.substring(scheme + 2) : u.replaceFirst("^jdbc:", "");
      return dialect.name().toLowerCase(Locale.ROOT) + " " + rest;
    }
  }
}
