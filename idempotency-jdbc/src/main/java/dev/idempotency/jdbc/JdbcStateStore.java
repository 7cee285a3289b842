package dev.idempotency.jdbc;

import dev.idempotency.FencingToken;
import dev.idempotency.spi.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A state machine on the caller's table: every transition is one conditional {@code UPDATE ... SET
 * status = ?, version = version + 1 WHERE id = ? AND status IN (...) [AND version = ?] [AND (fence IS
 * NULL OR fence <= ?)]} that also
 * hands back the new version ({@code RETURNING}, {@code FINAL TABLE}, or {@code LAST_INSERT_ID} on
 * MySQL); one that is not applied reads the current state with a second statement.
 */
final class JdbcStateStore implements StateStore {
  private final Database db;
  private final StateTable t;
  private final UnaryOperator<String> rowId;
  private final String create;
  private final String find;

  /**
   * A store on a table.
   *
   * @param rowId maps an entity id to the id column's value: itself on the caller's table, a hash
   *     of entity type and id on the backend's own {@code states} table
   */
  JdbcStateStore(Database db, StateTable table, UnaryOperator<String> rowId) {
    this.db = db;
    this.t = table;
    this.rowId = rowId;
    String columns = "(" + t.idColumn() + ", " + t.statusColumn() + ", " + t.versionColumn() + ")";
    switch (db.dialect()) {
      case POSTGRESQL:
        create = "INSERT INTO " + t.table() + " " + columns + " VALUES (?, ?, 0) ON CONFLICT (" + t.idColumn() + ") DO NOTHING";
        break;
      case MYSQL:
        create = "INSERT IGNORE INTO " + t.table() + " " + columns + " VALUES (?, ?, 0)";
        break;
      default:
        create = "MERGE INTO " + t.table() + " t USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR))) s(i, st)"
            + " ON t." + t.idColumn() + " = s.i WHEN NOT MATCHED THEN INSERT " + columns + " VALUES (s.i, s.st, 0)";
        break;
    }
    find = "SELECT " + t.statusColumn() + ", " + t.versionColumn()
        + (t.fencingColumn() == null ? "" : ", " + t.fencingColumn())
        + " FROM " + t.table() + " WHERE " + t.idColumn() + " = ?";
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public boolean create(String entityId, String state) {
    return db.run("create", c -> {
      try (PreparedStatement ps = c.prepareStatement(create)) {
        ps.setString(1, rowId.apply(entityId));
        ps.setString(2, state);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition) {
    boolean fenced = condition.isFenced();
    long fencingToken = condition.fence().map(FencingToken::value).orElse(-1L);
    long expectedVersion = condition.expectedVersion().orElse(-1);
    String id = rowId.apply(entityId);
    if (fenced && t.fencingColumn() == null) {
      throw new dev.idempotency.InvalidInputException("fencingToken", "table " + t.table()
          + " has no fencing column: configure StateTable.withFencingColumn(..)");
    }
    String update = update(from.size(), expectedVersion >= 0, fenced);
    return db.run("transition", c -> {
      long version = db.returningLong(c, update, ps -> {
        int i = 1;
        ps.setString(i++, to);
        if (fenced) {
          ps.setLong(i++, fencingToken);
        }
        ps.setString(i++, id);
        for (String s : from) {
          ps.setString(i++, s);
        }
        if (expectedVersion >= 0) {
          ps.setLong(i++, expectedVersion);
        }
        if (fenced) {
          ps.setLong(i, fencingToken);
        }
      });
      if (version > 0) {
        return new TransitionAttempt(true, new VersionedState(to, version, fencingToken));
      }
      return new TransitionAttempt(false, find(c, id).orElse(null));
    });
  }

  @Override
  public Optional<VersionedState> find(String entityId) {
    return db.run("find", c -> find(c, rowId.apply(entityId)));
  }

  private Optional<VersionedState> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(find)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long fence = -1;
        if (t.fencingColumn() != null) {
          fence = rs.getLong(3);
          if (rs.wasNull()) {
            fence = -1;
          }
        }
        return Optional.of(new VersionedState(rs.getString(1), rs.getLong(2), fence));
      }
    }
  }

  private String update(int fromCount, boolean checkVersion, boolean fenced) {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < fromCount; i++) {
      in.append(i == 0 ? "?" : ", ?");
    }
    String version = t.versionColumn();
    String set = db.dialect() == Dialect.MYSQL
        ? version + " = LAST_INSERT_ID(" + version + " + 1)"
        : version + " = " + version + " + 1";
    String fence = t.fencingColumn();
    String sql = "UPDATE " + t.table() + " SET " + t.statusColumn() + " = ?, "
        + (fenced ? fence + " = ?, " : "") + set
        + " WHERE " + t.idColumn() + " = ? AND " + t.statusColumn() + " IN (" + in + ")"
        + (checkVersion ? " AND " + version + " = ?" : "")
        + (fenced ? " AND (" + fence + " IS NULL OR " + fence + " <= ?)" : "");
    switch (db.dialect()) {
      case POSTGRESQL:
        return sql + " RETURNING " + version;
      case H2:
        return "SELECT " + version + " FROM FINAL TABLE (" + sql + ")";
      default:
        return sql;
    }
  }
}
