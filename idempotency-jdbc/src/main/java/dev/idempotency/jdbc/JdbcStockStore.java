package dev.idempotency.jdbc;

import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.spi.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Stock in two tables ({@link StockSql}). Each operation is one transaction of its own here; the
 * same steps run in the caller's transaction through {@link TransactionalStock}.
 *
 * <p>A reservation is the conditional update the flash-sale articles recommend,
 * {@code UPDATE stock SET available = available - q WHERE item = ? AND available >= q}, followed,
 * under the row lock it took, by the holder's row: a holder found there undoes the update (same
 * transaction, so nobody saw it) and answers ALREADY_RESERVED. Three statements on the happy path,
 * two when sold out (the update, then one read of the item and the holder together).
 */
final class JdbcStockStore implements StockStore {
  private final Database db;
  private final StockSql sql;

  JdbcStockStore(Database db, StockSql sql) {
    this.db = db;
    this.sql = sql;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public boolean declare(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    return db.run("stock-declare", c -> insertItemIfAbsent(c, item, available));
  }

  @Override
  public Optional<StockLevels> repair(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    // Items are never deleted, so this ends: an insert that finds the row makes the next lock find
    // it. The locking read of a missing item ends its transaction before anything is inserted.
    for (;;) {
      Optional<Optional<StockLevels>> repaired = db.transaction("stock-repair", c -> {
        Optional<StockLevels> before = levels(c, sql.lockItem, item);
        if (before.isEmpty()) {
          return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.setAvailable)) {
          ps.setLong(1, available);
          ps.setString(2, Database.hash(item));
          ps.executeUpdate();
        }
        return Optional.of(before);
      });
      if (repaired.isPresent()) {
        return repaired.get();
      }
      if (declare(item, available)) {
        return Optional.empty();
      }
    }
  }

  @Override
  public ReservationResult reserve(String item, String holder, long quantity) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    return db.transaction("stock-reserve", c -> reserve(c, item, holder, quantity));
  }

  @Override
  public ReleaseOutcome release(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    return db.transaction("stock-release", c -> release(c, item, holder));
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    return db.transaction("stock-confirm", c -> confirm(c, item, holder));
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    return db.run("stock-levels", c -> levels(c, sql.findItem, item));
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    return db.run("stock-reservation", c -> holder(c, sql.findHolder, item, holder));
  }

  ReservationResult reserve(Connection c, String item, String holder, long quantity) throws SQLException {
    String itemKey = Database.hash(item);
    long left = db.returningLong(c, sql.reserve, ps -> {
      ps.setLong(1, quantity);
      ps.setLong(2, quantity);
      ps.setString(3, itemKey);
      ps.setLong(4, quantity);
    }) - 1;
    if (left < 0) {
      // Not enough available, or no such item: tell which in one read, holders first (a retry of a
      // request that took the last unit is ALREADY_RESERVED, not SOLD_OUT).
      try (PreparedStatement ps = c.prepareStatement(sql.findItemAndHolder)) {
        ps.setString(1, Database.hash(holder));
        ps.setString(2, itemKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
          }
          long available = rs.getLong(1);
          long held = rs.getLong(2);
          if (rs.wasNull()) {
            return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, available);
          }
          return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED,
              new Reservation(holder, held, rs.getInt(3) == 1), available);
        }
      }
    }
    int inserted;
    try (PreparedStatement ps = c.prepareStatement(sql.insertHolderIfAbsent)) {
      ps.setString(1, itemKey);
      ps.setString(2, Database.hash(holder));
      ps.setString(3, holder);
      ps.setLong(4, quantity);
      inserted = ps.executeUpdate();
    }
    if (inserted == 1) {
      return new ReservationResult(ReservationResult.Outcome.RESERVED, new Reservation(holder, quantity, false), left);
    }
    // The holder already has a reservation of this item: give the units back, report it.
    Reservation held = holder(c, sql.lockHolder, item, holder).orElseThrow(
        () -> new SQLException("a reservation of " + holder + " was skipped as a duplicate but is not there"));
    move(c, sql.unreserve, itemKey, quantity);
    return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED, held, left + quantity);
  }

  ReleaseOutcome release(Connection c, String item, String holder) throws SQLException {
    if (levels(c, sql.lockItem, item).isEmpty()) {
      return ReleaseOutcome.NOT_RESERVED;
    }
    Optional<Reservation> held = holder(c, sql.lockHolder, item, holder);
    if (held.isEmpty()) {
      return ReleaseOutcome.NOT_RESERVED;
    }
    if (held.get().confirmed()) {
      return ReleaseOutcome.ALREADY_CONFIRMED;
    }
    String itemKey = Database.hash(item);
    holderUpdate(c, sql.deleteHolder, itemKey, holder);
    move(c, sql.unreserve, itemKey, held.get().quantity());
    return ReleaseOutcome.RELEASED;
  }

  ConfirmOutcome confirm(Connection c, String item, String holder) throws SQLException {
    if (levels(c, sql.lockItem, item).isEmpty()) {
      return ConfirmOutcome.NOT_RESERVED;
    }
    Optional<Reservation> held = holder(c, sql.lockHolder, item, holder);
    if (held.isEmpty()) {
      return ConfirmOutcome.NOT_RESERVED;
    }
    if (held.get().confirmed()) {
      return ConfirmOutcome.ALREADY_CONFIRMED;
    }
    String itemKey = Database.hash(item);
    holderUpdate(c, sql.confirmHolder, itemKey, holder);
    move(c, sql.confirm, itemKey, held.get().quantity());
    return ConfirmOutcome.CONFIRMED;
  }

  private boolean insertItemIfAbsent(Connection c, String item, long available) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.insertItemIfAbsent)) {
      ps.setString(1, Database.hash(item));
      ps.setString(2, item);
      ps.setLong(3, available);
      return ps.executeUpdate() == 1;
    }
  }

  private static Optional<StockLevels> levels(Connection c, String statement, String item) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, Database.hash(item));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new StockLevels(rs.getLong(1), rs.getLong(2), rs.getLong(3))) : Optional.empty();
      }
    }
  }

  private static Optional<Reservation> holder(Connection c, String statement, String item, String holder)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, Database.hash(item));
      ps.setString(2, Database.hash(holder));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Reservation(holder, rs.getLong(1), rs.getInt(2) == 1)) : Optional.empty();
      }
    }
  }

  private static void holderUpdate(Connection c, String statement, String itemKey, String holder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, itemKey);
      ps.setString(2, Database.hash(holder));
      ps.executeUpdate();
    }
  }

  private static void move(Connection c, String statement, String itemKey, long quantity) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setLong(1, quantity);
      ps.setLong(2, quantity);
      ps.setString(3, itemKey);
      ps.executeUpdate();
    }
  }
}
