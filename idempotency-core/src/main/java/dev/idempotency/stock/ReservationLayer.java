package dev.idempotency.stock;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** A stock reservation as a layer; see {@link StockReservations#asLayer}. */
final class ReservationLayer<R, T> implements Layer<R, T> {
  private final StockReservations stock;
  private final Function<? super R, String> item;
  private final Function<? super R, String> holder;
  private final ToLongFunction<? super R> quantity;
  private final BiConsumer<? super R, ? super Reservation> onReserved;

  ReservationLayer(StockReservations stock, Function<? super R, String> item, Function<? super R, String> holder,
      ToLongFunction<? super R> quantity, BiConsumer<? super R, ? super Reservation> onReserved) {
    this.stock = stock;
    this.item = item;
    this.holder = holder;
    this.quantity = quantity;
    this.onReserved = onReserved;
  }

  @Override
  public String name() {
    return "stock";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    String i = item.apply(request);
    String h = holder.apply(request);
    ReservationResult r = stock.reserve(i, h, quantity.applyAsLong(request));
    switch (r.outcome()) {
      case RESERVED:
        break;
      case SOLD_OUT:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.SOLD_OUT,
            i + " has " + r.available() + " units left");
      case ALREADY_RESERVED:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.ALREADY_RESERVED,
            h + " already holds " + r.reservation().quantity() + " of " + i);
      default:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.NOT_STOCKED, i + " is not on sale");
    }
    Reservation taken = r.reservation();
    DefenceOutcome<T> inner;
    try {
      onReserved.accept(request, taken);
      inner = next.proceed();
    } catch (Exception | Error e) {
      try {
        stock.release(taken);
      } catch (RuntimeException releaseFailure) {
        e.addSuppressed(releaseFailure);
      }
      throw e;
    }
    if (inner instanceof DefenceOutcome.Stopped<T>) {
      stock.release(taken);
    }
    return inner;
  }
}
