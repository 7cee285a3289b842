package dev.idempotency.redis;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stock as one hash per item and a sorted set of its holds ({@link StockScripts}); every operation one round trip. */
final class RedisStockStore implements StockStore {
  private final RedisExecutor redis;
  private final RedisKeys keys;
  private final byte[] ttl;

  RedisStockStore(RedisExecutor redis, RedisKeys keys, Duration ttl) {
    this.redis = redis;
    this.keys = keys;
    this.ttl = Bytes.millis(ttl, "stateTtl");
  }

  @Override
  public String name() {
    return redis.name();
  }

  private List<byte[]> keys(String item) {
    return List.of(keys.bytes(RedisKeys.Type.STOCK, item), keys.bytes(RedisKeys.Type.STOCK_HOLDS, item));
  }

  private static byte[] field(String holder) {
    return Bytes.utf8("h:" + holder);
  }

  @Override
  public boolean declare(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    return Bytes.number(redis.run("stock-declare", StockScripts.DECLARE, keys(item),
        List.of(Bytes.ascii(available), ttl))) == 1;
  }

  @Override
  public Optional<StockLevels> repair(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    List<?> r = (List<?>) redis.run("stock-repair", StockScripts.REPAIR, keys(item), List.of(Bytes.ascii(available), ttl));
    return r.isEmpty() ? Optional.empty() : Optional.of(levels(r));
  }

  @Override
  public ReservationResult reserve(String item, String holder, long quantity, String id, Duration hold) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    StoreArguments.reservationId(id);
    StoreArguments.hold(hold);
    List<?> r = (List<?>) redis.run("stock-reserve", StockScripts.RESERVE, keys(item),
        List.of(field(holder), Bytes.ascii(quantity), ttl, Bytes.utf8(id), Bytes.ascii(hold.toMillis())));
    switch ((int) Bytes.number(r.get(0))) {
      case 0:
        return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
      case 1:
        return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, Bytes.number(r.get(1)));
      case 2:
        return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED,
            holding(item, holder, (byte[]) r.get(2)), Bytes.number(r.get(1)));
      case 3:
        return new ReservationResult(ReservationResult.Outcome.RESERVED,
            new Reservation(item, holder, id, quantity, false), Bytes.number(r.get(1)));
      default:
        throw malformed((byte[]) r.get(1));
    }
  }

  @Override
  public ReleaseOutcome release(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    long r = Bytes.number(redis.run("stock-release", StockScripts.RELEASE, keys(item),
        List.of(field(holder), Bytes.utf8(id), ttl)));
    if (r < 0) {
      throw malformed(null);
    }
    return r == 1 ? ReleaseOutcome.RELEASED : r == 2 ? ReleaseOutcome.ALREADY_CONFIRMED : ReleaseOutcome.NOT_RESERVED;
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    long r = Bytes.number(redis.run("stock-confirm", StockScripts.CONFIRM, keys(item),
        List.of(field(holder), Bytes.utf8(id), ttl)));
    if (r < 0) {
      throw malformed(null);
    }
    return r == 1 ? ConfirmOutcome.CONFIRMED : r == 2 ? ConfirmOutcome.ALREADY_CONFIRMED : ConfirmOutcome.NOT_RESERVED;
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    List<?> r = (List<?>) redis.run("stock-levels", StockScripts.LEVELS, keys(item), List.of());
    return r.isEmpty() ? Optional.empty() : Optional.of(levels(r));
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    Object h = redis.run("stock-reservation", StockScripts.RESERVATION, keys(item), List.of(field(holder)));
    return h == null ? Optional.empty() : Optional.of(holding(item, holder, (byte[]) h));
  }

  private static StockLevels levels(List<?> r) {
    return new StockLevels(Bytes.number(r.get(0)), Bytes.number(r.get(1)), Bytes.number(r.get(2)));
  }

  /** Reads a holder value: {@code R<quantity>:<id>:<end>} or {@code C<quantity>:<id>}. */
  private static Reservation holding(String item, String holder, byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    String[] parts = v.length() < 2 ? new String[0] : v.substring(1).split(":", -1);
    char kind = v.isEmpty() ? ' ' : v.charAt(0);
    if ((kind != 'R' || parts.length != 3) && (kind != 'C' || parts.length != 2)) {
      throw malformed(value);
    }
    long quantity = Bytes.number(Bytes.utf8(parts[0]));
    if (quantity <= 0 || quantity > StockReservations.MAX_QUANTITY) {
      throw malformed(value);
    }
    try {
      return new Reservation(item, holder, StoreArguments.reservationId(parts[1]), quantity, kind == 'C');
    } catch (InvalidInputException e) {
      throw malformed(value);
    }
  }

  private static CorruptRecordException malformed(byte[] value) {
    return new CorruptRecordException("a stock holder field holds "
        + (value == null ? "a malformed value" : value.length + " unexpected bytes"), null);
  }
}
