package dev.idempotency.jdbc;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.internal.Hashing;
import dev.idempotency.internal.Require;
import dev.idempotency.spi.DedupStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.TokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * ({@link #ddl}). Thread-safe.
 */
public final class JdbcBackend {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcBackend.class);

  private final DataSource dataSource;
  private final Sql sql;
  private final String name;
  private final String prefix;
  private final int maxPayloadBytes;

  private JdbcBackend(DataSource dataSource, Dialect dialect, String name, String prefix, int maxPayloadBytes) {
    this.dataSource = dataSource;
    this.sql = new Sql(dialect, prefix);
    this.name = name;
    this.prefix = prefix;
    this.maxPayloadBytes = maxPayloadBytes;
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
    String resource = "schema-" + dialect.name().toLowerCase(Locale.ROOT) + ".sql";
    try (InputStream in = JdbcBackend.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{prefix}", tablePrefix);
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : text.split("\n")) {
        int comment = line.indexOf("--");
        String code = comment >= 0 ? line.substring(0, comment) : line;
        current.append(code).append('\n');
        if (code.trim().endsWith(";")) {
          String s = current.toString().trim();
          statements.add(s.substring(0, s.length() - 1));
          current.setLength(0);
        }
      }
      return statements;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The idempotency-record store.
   *
   * @return the store
   */
  public IdempotencyStore idempotencyStore() {
    return new JdbcIdempotencyStore(this, Connections.pool(this));
  }

  /**
   * Idempotent calls in the caller's own transaction and connection: the claim, the action's writes
   * and the result commit or roll back together. Exactly once, with no window in which a result can
   * be lost: prefer it whenever the action's effects are rows in this same database.
   *
   * @return the in-transaction calls, with the default options and a 10 s row wait
   */
  public TransactionalCalls transactionalCalls() {
    return new TransactionalCalls(this, dev.idempotency.CallOptions.DEFAULTS,
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
    return maxPayloadBytes;
  }

  /**
   * The one-time-token store.
   *
   * @return the store
   */
  public TokenStore tokenStore() {
    return new JdbcTokenStore(this);
  }

  /**
   * The lock store.
   *
   * @return the store
   */
  public LockStore lockStore() {
    return new JdbcLockStore(this);
  }

  /**
   * The dedup store, each mark in its own short transaction. For marks in the caller's transaction
   * use {@link #transactionalDedup}.
   *
   * @return the store
   */
  public DedupStore dedupStore() {
    return new JdbcDedupStore(this);
  }

  /**
   * The dedup table in the caller's own transaction.
   *
   * @param retention how long marks are kept
   * @return the transactional dedup
   */
  public TransactionalDedup transactionalDedup(Duration retention) {
    return new TransactionalDedup(this, Require.storedDuration(retention, "retention"));
  }

  /**
   * A state store on the caller's own table.
   *
   * @param table the table and its id, status and version columns
   * @return the store
   */
  public StateStore stateStore(StateTable table) {
    Require.nonNull(table, "table");
    Identifiers.requireNotReserved(table.table(), "table", sql.dialect);
    for (String column : new String[] {table.idColumn(), table.statusColumn(), table.versionColumn(), table.fencingColumn()}) {
      if (column != null) {
        Identifiers.requireNotReserved(column, "column", sql.dialect);
      }
    }
    return new JdbcStateStore(this, table);
  }

  /**
   * The database, as messages name it (no credentials).
   *
   * @return for example {@code "postgresql 127.0.0.1:5432/test"}
   */
  public String name() {
    return name;
  }

  /**
   * The dialect in use.
   *
   * @return the dialect
   */
  public Dialect dialect() {
    return sql.dialect;
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
   * Deletes expired records, tokens, locks and dedup marks, in batches of at most
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
    for (String table : sql.tables()) {
      String statement = sql.purge(table);
      while (true) {
        int deleted = run("purge", c -> {
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
    LOG.debug("purged {} expired rows from {}", total, name);
    return total;
  }

  Sql sql() {
    return sql;
  }

  /** The primary key of a storage key: its SHA-256 in hex. */
  static String hash(String storageKey) {
    return Hashing.sha256Hex(storageKey);
  }

  /**
   * Runs work on a pooled connection as its own transaction, committing if the pool's connections
   * are not auto-commit. A statement that lost a race on a unique key (H2's MERGE reports a
   * concurrent insert as a duplicate) or was chosen as a deadlock victim wrote nothing, so it is
   * run again (up to 5 times): the retry sees the winner's row.
   */
  <T> T run(String operation, SqlCall<T> work) {
    // Only ever on a connection this backend took from its own pool: the builder unwrapped any
    // transaction-aware proxy, so committing here never commits a caller's transaction.
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        try {
          T result = work.run(c);
          if (!c.getAutoCommit()) {
            c.commit();
          }
          return result;
        } catch (SQLException e) {
          try {
            if (!c.getAutoCommit()) {
              c.rollback();
            }
          } catch (SQLException rollbackFailure) {
            e.addSuppressed(rollbackFailure);
          }
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < 5 && (UniqueViolations.isUniqueViolation(e) || UniqueViolations.isTransactionConflict(e))) {
          LOG.debug("{} on {} lost a race ({}); retrying", operation, name, e.getSQLState());
          continue;
        }
        throw unavailable(operation, e);
      }
    }
  }

  StoreUnavailableException unavailable(String operation, SQLException e) {
    return new StoreUnavailableException(name, operation, e);
  }

  /**
   * Runs a statement that hands back one number: from its result set where the dialect has
   * RETURNING or FINAL TABLE, from the generated key (LAST_INSERT_ID) on MySQL and MariaDB.
   *
   * @return the number, or -1 if the statement's losing path ran
   */
  long returningLong(Connection c, String statement, ParameterSetter parameters) throws SQLException {
    return returningLong(c, statement, 0, parameters);
  }

  /** As {@link #returningLong(Connection, String, ParameterSetter)}, with a statement timeout in seconds (0: none). */
  long returningLong(Connection c, String statement, int timeoutSeconds, ParameterSetter parameters)
      throws SQLException {
    if (sql.returnsRows()) {
      try (PreparedStatement ps = c.prepareStatement(statement)) {
        ps.setQueryTimeout(timeoutSeconds);
        parameters.set(ps);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : -1;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(statement, Statement.RETURN_GENERATED_KEYS)) {
      ps.setQueryTimeout(timeoutSeconds);
      parameters.set(ps);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        long n = keys.next() ? keys.getLong(1) : 0;
        return n > 0 ? n : -1;
      }
    }
  }

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface ParameterSetter {
    void set(PreparedStatement ps) throws SQLException;
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
        }
        return new JdbcBackend(own, d, where, tablePrefix, Schema.maxPayloadBytes(c, d));
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
