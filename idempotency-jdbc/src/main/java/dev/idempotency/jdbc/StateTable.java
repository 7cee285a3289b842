package dev.idempotency.jdbc;

/**
 * The caller's own table a state machine runs on: its name and its id, status and version columns.
 * Each name is validated as an SQL identifier when the record is built (letters, digits and
 * underscores, starting with a letter; optionally schema-qualified for the table), so a name can
 * never carry an injection: anything else is an {@link dev.idempotency.InvalidInputException}.
 *
 * @param table the table, for example {@code "orders"} or {@code "shop.orders"}
 * @param idColumn the primary-key column (compared as text)
 * @param statusColumn the column holding the state's name
 * @param versionColumn a numeric column incremented by every applied transition
 */
public record StateTable(String table, String idColumn, String statusColumn, String versionColumn) {
  /**
   * Validates the identifiers.
   *
   * @param table the table
   * @param idColumn the id column
   * @param statusColumn the status column
   * @param versionColumn the version column
   */
  public StateTable {
    Identifiers.require(table, "table");
    for (String[] column : new String[][] {{idColumn, "idColumn"}, {statusColumn, "statusColumn"},
        {versionColumn, "versionColumn"}}) {
      Identifiers.require(column[0], column[1]);
      if (column[0].contains(".")) {
        throw new dev.idempotency.InvalidInputException(column[1], "must not be qualified");
      }
    }
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
