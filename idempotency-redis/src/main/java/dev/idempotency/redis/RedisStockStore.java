package dev.idempotency.redis;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.spi.StoreArguments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stock as one hash per item ({@link StockScripts}); every operation one round trip. */
final class RedisStockStore implements StockStore {
  private static final byte[][] LEVELS = {Bytes.utf8("a"), Bytes.utf8("r"), Bytes.utf8("c")};

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

  private byte[] key(String item) {
    return keys.bytes(RedisKeys.Type.STOCK, item);
  }

  private static byte[] field(String holder) {
    return Bytes.utf8("h:" + holder);
  }

  @Override
  public boolean declare(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    return Bytes.number(redis.run("stock-declare", StockScripts.DECLARE, key(item),
        List.of(Bytes.ascii(available), ttl))) == 1;
  }

  @Override
  public Optional<StockLevels> repair(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    List<?> r = (List<?>) redis.run("stock-repair", StockScripts.REPAIR, key(item), List.of(Bytes.ascii(available), ttl));
    return r.isEmpty() ? Optional.empty()
        : Optional.of(new StockLevels(Bytes.number(r.get(0)), Bytes.number(r.get(1)), Bytes.number(r.get(2))));
  }

  @Override
  public ReservationResult reserve(String item, String holder, long quantity) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    List<?> r = (List<?>) redis.run("stock-reserve", StockScripts.RESERVE, key(item),
        List.of(field(holder), Bytes.ascii(quantity), ttl));
    switch ((int) Bytes.number(r.get(0))) {
      case 0:
        return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
      case 1:
        return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, Bytes.number(r.get(1)));
      case 2:
        return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED,
            holding(holder, (byte[]) r.get(2)), Bytes.number(r.get(1)));
      default:
        return new ReservationResult(ReservationResult.Outcome.RESERVED, new Reservation(holder, quantity, false),
            Bytes.number(r.get(1)));
    }
  }

  @Override
  public ReleaseOutcome release(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    long r = Bytes.number(redis.run("stock-release", StockScripts.RELEASE, key(item), List.of(field(holder), ttl)));
    return r == 1 ? ReleaseOutcome.RELEASED : r == 2 ? ReleaseOutcome.ALREADY_CONFIRMED : ReleaseOutcome.NOT_RESERVED;
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    long r = Bytes.number(redis.run("stock-confirm", StockScripts.CONFIRM, key(item), List.of(field(holder), ttl)));
    return r == 1 ? ConfirmOutcome.CONFIRMED : r == 2 ? ConfirmOutcome.ALREADY_CONFIRMED : ConfirmOutcome.NOT_RESERVED;
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    List<byte[]> r = redis.call("stock-levels", j -> j.hmget(key(item), LEVELS));
    if (r.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(new StockLevels(Bytes.number(r.get(0)), Bytes.number(r.get(1)), Bytes.number(r.get(2))));
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    byte[] h = redis.call("stock-reservation", j -> j.hget(key(item), field(holder)));
    return h == null ? Optional.empty() : Optional.of(holding(holder, h));
  }

  /** Reads a holder field: {@code R<quantity>} or {@code C<quantity>}. */
  private static Reservation holding(String holder, byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    if (v.length() < 2 || (v.charAt(0) != 'R' && v.charAt(0) != 'C')) {
      throw new CorruptRecordException("a stock holder field holds " + v.length() + " unexpected bytes", null);
    }
    return new Reservation(holder, Bytes.number(Bytes.utf8(v.substring(1))), v.charAt(0) == 'C');
  }
}
