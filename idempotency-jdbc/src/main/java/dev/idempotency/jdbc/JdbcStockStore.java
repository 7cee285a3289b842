package dev.idempotency.jdbc;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.spi.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

// Size: each stock step is a few statements under the item's row lock, written out with their
// parameters, once for its own transaction and once for the caller's; the SQL is in StockSql.
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
        if (levels(c, sql.lockItem, item).isEmpty()) {
          return Optional.empty();
        }
        sweep(c, Database.hash(item));
        Optional<StockLevels> before = levels(c, sql.findItem, item);
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
  public ReservationResult reserve(String item, String holder, long quantity, String id, Duration hold) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    StoreArguments.reservationId(id);
    StoreArguments.hold(hold);
    return db.transaction("stock-reserve", c -> reserve(c, item, holder, quantity, id, hold));
  }

  @Override
  public ReleaseOutcome release(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    return db.transaction("stock-release", c -> release(c, item, holder, id));
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    return db.transaction("stock-confirm", c -> confirm(c, item, holder, id));
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    String itemKey = Database.hash(item);
    // One unlocked read (null when the item has ended holds); only then is the item locked and its
    // ended holds returned before the levels are read.
    Optional<StockLevels> read = db.run("stock-levels", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findItemAndEnded)) {
        ps.setString(1, itemKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return rs.getInt(4) == 1 ? null : Optional.of(new StockLevels(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
        }
      }
    });
    if (read != null) {
      return read;
    }
    return db.transaction("stock-levels", c -> {
      levels(c, sql.lockItem, item);
      sweep(c, itemKey);
      return levels(c, sql.findItem, item);
    });
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    return db.run("stock-reservation", c -> holder(c, sql.findHolder, item, holder)
        .filter(h -> !h.ended()).map(Held::reservation));
  }

  ReservationResult reserve(Connection c, String item, String holder, long quantity, String id, Duration hold)
      throws SQLException {
    String itemKey = Database.hash(item);
    for (int attempt = 0; ; attempt++) {
      long left = db.returningLong(c, sql.reserve, ps -> {
        ps.setLong(1, quantity);
        ps.setLong(2, quantity);
        ps.setString(3, itemKey);
        ps.setLong(4, quantity);
      }) - 1;
      if (left >= 0) {
        return place(c, item, holder, quantity, id, hold, left);
      }
      // Not enough available, or no such item: tell which in one read, holders first (a retry of a
      // request that took the last unit is ALREADY_RESERVED, not SOLD_OUT). Ended holds count as
      // available: if there are any, return them to stock and try again.
      try (PreparedStatement ps = c.prepareStatement(sql.findItemAndHolder)) {
        ps.setString(1, Database.hash(holder));
        ps.setString(2, itemKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
          }
          long available = rs.getLong(1);
          boolean sweepFirst = attempt == 0 && rs.getInt(6) == 1;
          if (!sweepFirst) {
            long held = rs.getLong(2);
            if (rs.wasNull() || rs.getInt(5) == 1) {
              return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, available);
            }
            return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED,
                held(item, holder, held, rs.getInt(3), rs.getString(4), false).reservation(), available);
          }
        }
      }
      levels(c, sql.lockItem, item);
      sweep(c, itemKey);
    }
  }

  /** Records the holder's reservation after its units were taken, or finds the one it holds. */
  private ReservationResult place(Connection c, String item, String holder, long quantity, String id, Duration hold,
      long left) throws SQLException {
    String itemKey = Database.hash(item);
    int inserted;
    try (PreparedStatement ps = c.prepareStatement(sql.insertHolderIfAbsent)) {
      ps.setString(1, itemKey);
      ps.setString(2, Database.hash(holder));
      ps.setString(3, holder);
      ps.setLong(4, quantity);
      ps.setString(5, id);
      ps.setLong(6, hold.toMillis());
      inserted = ps.executeUpdate();
    }
    Reservation made = new Reservation(item, holder, id, quantity, false);
    if (inserted == 1) {
      return new ReservationResult(ReservationResult.Outcome.RESERVED, made, left);
    }
    Held held = holder(c, sql.lockHolder, item, holder).orElseThrow(
        () -> new SQLException("a reservation of " + holder + " was skipped as a duplicate but is not there"));
    if (held.ended()) {
      // The holder's last hold ended without a sweep: its units go back and this one takes its row.
      try (PreparedStatement ps = c.prepareStatement(sql.replaceHolder)) {
        ps.setLong(1, quantity);
        ps.setString(2, id);
        ps.setLong(3, hold.toMillis());
        ps.setString(4, itemKey);
        ps.setString(5, Database.hash(holder));
        ps.executeUpdate();
      }
      move(c, sql.unreserve, itemKey, held.reservation().quantity());
      return new ReservationResult(ReservationResult.Outcome.RESERVED, made, left + held.reservation().quantity());
    }
    // The holder already has a reservation of this item: give the units back, report it.
    move(c, sql.unreserve, itemKey, quantity);
    return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED, held.reservation(), left + quantity);
  }

  ReleaseOutcome release(Connection c, String item, String holder, String id) throws SQLException {
    Optional<Held> found = settling(c, item, holder, id);
    if (found.isEmpty()) {
      return ReleaseOutcome.NOT_RESERVED;
    }
    if (found.get().reservation().confirmed()) {
      return ReleaseOutcome.ALREADY_CONFIRMED;
    }
    giveBack(c, Database.hash(item), holder, found.get().reservation().quantity());
    return ReleaseOutcome.RELEASED;
  }

  ConfirmOutcome confirm(Connection c, String item, String holder, String id) throws SQLException {
    Optional<Held> found = settling(c, item, holder, id);
    if (found.isEmpty()) {
      return ConfirmOutcome.NOT_RESERVED;
    }
    if (found.get().reservation().confirmed()) {
      return ConfirmOutcome.ALREADY_CONFIRMED;
    }
    String itemKey = Database.hash(item);
    holderUpdate(c, sql.confirmHolder, itemKey, holder);
    move(c, sql.confirm, itemKey, found.get().reservation().quantity());
    return ConfirmOutcome.CONFIRMED;
  }

  /**
   * Locks the item and the holder's row; answers the holder's live reservation with this id. A hold
   * of this id that ended is returned to stock here, and answers as if it had gone back by itself.
   */
  private Optional<Held> settling(Connection c, String item, String holder, String id) throws SQLException {
    if (levels(c, sql.lockItem, item).isEmpty()) {
      return Optional.empty();
    }
    Optional<Held> held = holder(c, sql.lockHolder, item, holder);
    if (held.isEmpty() || !held.get().reservation().id().equals(id)) {
      return Optional.empty();
    }
    if (held.get().ended()) {
      giveBack(c, Database.hash(item), holder, held.get().reservation().quantity());
      return Optional.empty();
    }
    return held;
  }

  /** Returns every ended hold of an item (its row locked by the caller) to stock. */
  private void sweep(Connection c, String itemKey) throws SQLException {
    List<String> holders = new ArrayList<>();
    long units = 0;
    try (PreparedStatement ps = c.prepareStatement(sql.endedHolds)) {
      ps.setString(1, itemKey);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          holders.add(rs.getString(1));
          units += rs.getLong(2);
        }
      }
    }
    if (holders.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteHolder)) {
      for (String h : holders) {
        ps.setString(1, itemKey);
        ps.setString(2, h);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    move(c, sql.unreserve, itemKey, units);
  }

  private void giveBack(Connection c, String itemKey, String holder, long quantity) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.deleteHolder)) {
      ps.setString(1, itemKey);
      ps.setString(2, Database.hash(holder));
      ps.executeUpdate();
    }
    move(c, sql.unreserve, itemKey, quantity);
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

  /** A holder's row: its reservation, and whether its hold ended. */
  private record Held(Reservation reservation, boolean ended) {}

  private static Optional<Held> holder(Connection c, String statement, String item, String holder)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, Database.hash(item));
      ps.setString(2, Database.hash(holder));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(held(item, holder, rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4) == 1))
            : Optional.empty();
      }
    }
  }

  /** A holder's row as read; a field out of range is a {@link CorruptRecordException}. */
  private static Held held(String item, String holder, long quantity, int status, String id, boolean ended) {
    if (quantity <= 0 || quantity > StockReservations.MAX_QUANTITY || (status != 0 && status != 1)) {
      throw new CorruptRecordException("the reservation of " + holder + " holds quantity " + quantity
          + " and status " + status, null);
    }
    try {
      StoreArguments.reservationId(id);
    } catch (InvalidInputException e) {
      throw new CorruptRecordException("the reservation of " + holder + " has a malformed id", null);
    }
    return new Held(new Reservation(item, holder, id, quantity, status == 1), ended && status == 0);
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
