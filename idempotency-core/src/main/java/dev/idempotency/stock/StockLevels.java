package dev.idempotency.stock;

/**
 * The counts of one item as the backend holds them now. Every unit is in exactly one of the three,
 * so {@link #total()} stays what was declared (plus repairs) however reservations come and go: the
 * figure to compare with the database's when reconciling.
 *
 * @param available units that can still be reserved; never negative
 * @param reserved units held by reservations not yet confirmed or released
 * @param confirmed units whose reservations were confirmed (sold)
 */
public record StockLevels(long available, long reserved, long confirmed) {

  /**
   * Every unit the backend accounts for.
   *
   * @return available + reserved + confirmed
   */
  public long total() {
    return available + reserved + confirmed;
  }

  /**
   * Units taken out of the available stock: reserved or sold.
   *
   * @return reserved + confirmed
   */
  public long held() {
    return reserved + confirmed;
  }
}
