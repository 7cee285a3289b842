package dev.idempotency.jdbc;

/**
 * The statements of stock reservation, per dialect: {@code <prefix>stock}
 * (one row per item) and {@code <prefix>stock_holds} (one row per item and holder). Every operation
 * takes the item's row lock first (the conditional update of a reservation, or
 * {@code SELECT ... FOR UPDATE}), so all operations on one item are serialised and never deadlock
 * with each other; holder rows are read with {@code FOR UPDATE} so that they are current reads in
 * any isolation level. Rows are created by inserts that skip an existing row, never by an insert
 * after a locking read that found nothing (on InnoDB that read locks a gap, and two such
 * transactions, of one key or of two keys in one gap, deadlock).
 */
final class StockSql {
  final String stock;
  final String holds;

  /** Moves {@code ?} units from available to reserved if there are enough; returns available + 1. */
  final String reserve;
  /** Moves units back from reserved to available (a release, or undoing a reservation). */
  final String unreserve;
  final String lockItem;
  final String findItem;
  /** Inserts an item unless it exists: one statement, 1 row if it was new. */
  final String insertItemIfAbsent;
  final String setAvailable;
  /** A holder's quantity, status, reservation id and whether its hold ended (1), by item and holder. */
  final String lockHolder;
  final String findHolder;
  /**
   * The item's available units, the holder's reservation if any (as {@link #findHolder}), and
   * whether any hold of the item ended (1), in one read.
   */
  final String findItemAndHolder;
  /** The item's levels and whether any of its holds ended (1), unlocked. */
  final String findItemAndEnded;
  /** The ended holds of an item (holder key, quantity), locked. */
  final String endedHolds;
  /** Gives a holder's row a new reservation (id, quantity, hold) in place of its ended one. */
  final String replaceHolder;
  /** Inserts a holder's reservation unless the holder has one: 1 row if it was new. */
  final String insertHolderIfAbsent;
  final String deleteHolder;
  final String confirmHolder;
  final String confirm;

  StockSql(Sql sql) {
    this.stock = sql.prefix + "stock";
    this.holds = sql.prefix + "stock_holds";
    String where = " WHERE item_key = ? AND available >= ?";
    switch (sql.dialect) {
      case POSTGRESQL:
        reserve = "UPDATE " + stock + " SET available = available - ?, reserved = reserved + ?" + where
            + " RETURNING available + 1";
        break;
      case MYSQL:
        // LAST_INSERT_ID(expr) hands the new count back as the generated key; + 1 keeps it positive.
        reserve = "UPDATE " + stock + " SET available = LAST_INSERT_ID(available - ? + 1) - 1, reserved = reserved + ?"
            + where;
        break;
      default:
        reserve = "SELECT available + 1 FROM FINAL TABLE (UPDATE " + stock
            + " SET available = available - ?, reserved = reserved + ?" + where + ")";
        break;
    }
    unreserve = "UPDATE " + stock + " SET available = available + ?, reserved = reserved - ? WHERE item_key = ?";
    lockItem = "SELECT available, reserved, confirmed FROM " + stock + " WHERE item_key = ? FOR UPDATE";
    findItem = "SELECT available, reserved, confirmed FROM " + stock + " WHERE item_key = ?";
    setAvailable = "UPDATE " + stock + " SET available = ? WHERE item_key = ?";
    // A hold's end is compared with a time that is stable within the statement (PostgreSQL's
    // transaction time: clock_timestamp() is volatile and would keep the index from bounding the
    // range), so a hold may outlive its end by the age of the transaction that looks at it.
    String cutOff = sql.dialect == Dialect.POSTGRESQL ? "CURRENT_TIMESTAMP" : sql.now();
    String ended = "CASE WHEN h.expires_at <= " + cutOff + " THEN 1 ELSE 0 END";
    String anyEnded = "CASE WHEN EXISTS (SELECT 1 FROM " + holds + " e WHERE e.item_key = s.item_key AND e.expires_at <= "
        + cutOff + ") THEN 1 ELSE 0 END";
    findHolder = "SELECT h.quantity, h.status, h.reservation_id, " + ended + " FROM " + holds
        + " h WHERE h.item_key = ? AND h.holder_key = ?";
    lockHolder = findHolder + " FOR UPDATE";
    findItemAndHolder = "SELECT s.available, h.quantity, h.status, h.reservation_id, " + ended + ", " + anyEnded
        + " FROM " + stock + " s LEFT JOIN " + holds + " h ON h.item_key = s.item_key AND h.holder_key = ?"
        + " WHERE s.item_key = ?";
    findItemAndEnded = "SELECT s.available, s.reserved, s.confirmed, " + anyEnded + " FROM " + stock
        + " s WHERE s.item_key = ?";
    endedHolds = "SELECT holder_key, quantity FROM " + holds + " WHERE item_key = ? AND expires_at <= " + cutOff
        + " FOR UPDATE";
    replaceHolder = "UPDATE " + holds + " SET quantity = ?, status = 0, reservation_id = ?, expires_at = "
        + sql.plusMillis() + " WHERE item_key = ? AND holder_key = ?";
    deleteHolder = "DELETE FROM " + holds + " WHERE item_key = ? AND holder_key = ? AND status = 0";
    confirmHolder = "UPDATE " + holds + " SET status = 1, expires_at = NULL WHERE item_key = ? AND holder_key = ?"
        + " AND status = 0";
    confirm = "UPDATE " + stock + " SET reserved = reserved - ?, confirmed = confirmed + ? WHERE item_key = ?";
    // Never a locking read of a missing row followed by an insert in one transaction: on InnoDB the
    // read locks the gap, and two such transactions deadlock on each other's gap (or on another
    // item's, whose key falls in the same gap). An insert that skips an existing row has no such
    // cycle.
    String itemColumns = " (item_key, item, available, reserved, confirmed)";
    String holderColumns = " (item_key, holder_key, holder, quantity, status, reservation_id, expires_at)";
    switch (sql.dialect) {
      case POSTGRESQL:
        insertItemIfAbsent = "INSERT INTO " + stock + itemColumns + " VALUES (?, ?, ?, 0, 0) ON CONFLICT (item_key) DO NOTHING";
        insertHolderIfAbsent = "INSERT INTO " + holds + holderColumns
            + " VALUES (?, ?, ?, ?, 0, ?, " + sql.plusMillis() + ") ON CONFLICT (item_key, holder_key) DO NOTHING";
        break;
      case MYSQL:
        // IGNORE skips the duplicate; every value is validated before, so it hides nothing else.
        insertItemIfAbsent = "INSERT IGNORE INTO " + stock + itemColumns + " VALUES (?, ?, ?, 0, 0)";
        insertHolderIfAbsent = "INSERT IGNORE INTO " + holds + holderColumns + " VALUES (?, ?, ?, ?, 0, ?, "
            + sql.plusMillis() + ")";
        break;
      default:
        insertItemIfAbsent = "MERGE INTO " + stock + " s USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS VARCHAR(256)),"
            + " CAST(? AS BIGINT))) v(k, i, a) ON s.item_key = v.k WHEN NOT MATCHED THEN INSERT" + itemColumns
            + " VALUES (v.k, v.i, v.a, 0, 0)";
        insertHolderIfAbsent = "MERGE INTO " + holds + " h USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS CHAR(64)),"
            + " CAST(? AS VARCHAR(256)), CAST(? AS BIGINT), CAST(? AS VARCHAR(64)), " + sql.plusMillis()
            + ")) v(i, k, t, q, r, e) ON h.item_key = v.i AND h.holder_key = v.k"
            + " WHEN NOT MATCHED THEN INSERT" + holderColumns + " VALUES (v.i, v.k, v.t, v.q, 0, v.r, v.e)";
        break;
    }
  }
}
