package dev.idempotency.jdbc;

/**
 * The caller's own table a state machine runs on: its name and its id, status and version columns.
 * Each name is validated as an SQL identifier when the record is built (letters, digits and
 * underscores, starting with a letter; optionally schema-qualified for the table), so a name can
 * never carry an injection: anything else is an {@link dev.idempotency.InvalidInputException}. A
 * name that is a reserved word ({@code order}, {@code group}, {@code user}, ...) is refused here if
 * every supported database reserves it, and by {@link JdbcBackend#stateStore(StateTable)} if the backend's does.
 *
 * <p>With a fencing column (a nullable numeric column), fenced transitions
 * ({@link dev.idempotency.state.StateMachine#transition(String, Enum, dev.idempotency.FencingToken)}) are refused when
 * a newer fencing token has already written the row, and raise the column to their token.
 *
 * @param table the table, for example {@code "orders"} or {@code "shop.orders"}
 * @param idColumn the primary-key column (compared as text)
 * @param statusColumn the column holding the state's name
 * @param versionColumn a numeric column incremented by every applied transition
 * @param fencingColumn a nullable numeric column holding the highest fencing token that wrote the
 *     row, or null if the table has none (fenced transitions are then an error)
 */
public record StateTable(String table, String idColumn, String statusColumn, String versionColumn,
    String fencingColumn) {
  /**
   * Validates the identifiers.
   *
   * @param table the table
   * @param idColumn the id column
   * @param statusColumn the status column
   * @param versionColumn the version column
   * @param fencingColumn the fencing column, or null
   */
  public StateTable {
    Identifiers.requireNotReserved(Identifiers.require(table, "table"), "table", null);
    for (String[] column : new String[][] {{idColumn, "idColumn"}, {statusColumn, "statusColumn"},
        {versionColumn, "versionColumn"}, {fencingColumn, "fencingColumn"}}) {
      if (column[0] == null && column[1].equals("fencingColumn")) {
        continue;
      }
      Identifiers.requireNotReserved(Identifiers.require(column[0], column[1]), column[1], null);
      if (column[0].contains(".")) {
        throw new dev.idempotency.InvalidInputException(column[1], "must not be qualified");
      }
    }
  }

  /**
   * A table without a fencing column.
   *
   * @param table the table
   * @param idColumn the id column
   * @param statusColumn the status column
   * @param versionColumn the version column
   */
  public StateTable(String table, String idColumn, String statusColumn, String versionColumn) {
    this(table, idColumn, statusColumn, versionColumn, null);
  }

  /**
   * The same table with a fencing column.
   *
   * @param column the nullable numeric column holding the highest fencing token that wrote the row
   * @return the description
   */
  public StateTable withFencingColumn(String column) {
    return new StateTable(table, idColumn, statusColumn, versionColumn, Identifiers.require(column, "fencingColumn"));
  }

  /**
   * A table with columns {@code id}, {@code status} and {@code version}.
   *
   * @param table the table
   * @return the description
   */
  public static StateTable of(String table) {
    return new StateTable(table, "id", "status", "version");
  }
}
