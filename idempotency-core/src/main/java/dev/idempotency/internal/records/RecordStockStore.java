package dev.idempotency.internal.records;

import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stock over a record store: one record per item, kept until deleted, holding its counts and every
 * holder's reservation with the end of its hold on the store's clock. Each operation reads the
 * record, moves the units of holds that have ended back to available, decides, and writes it with
 * a compare-and-set; reads report the same view without writing. An item's record grows with its
 * holders (about 40 bytes each plus the names), and concurrent reservations of one item retry
 * their compare-and-set, so a backend for items with very many concurrent holders gives itself a
 * native {@link StockStore}.
 */
public final class RecordStockStore extends DerivedStore implements StockStore {
  private static final int FORMAT = 5;
  private static final String WHAT = "stock";


  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordStockStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  private record Hold(String id, long quantity, boolean confirmed, long endsAtMicros) {}

  private static final class Item {
    long available;
    long reserved;
    long confirmed;
    final Map<String, Hold> holders = new LinkedHashMap<>();

    Item(long available) {
      this.available = available;
    }

    StockLevels levels() {
      return new StockLevels(available, reserved, confirmed);
    }

    /** Gives back the units of holds that have ended. */
    void sweep(long now) {
      for (Iterator<Hold> it = holders.values().iterator(); it.hasNext(); ) {
        Hold h = it.next();
        if (!h.confirmed() && h.endsAtMicros() - now <= 0) {
          it.remove();
          reserved -= h.quantity();
          available += h.quantity();
        }
      }
    }

    byte[] encode() {
      Bytes.Out out = new Bytes.Out(FORMAT, 40 + 48 * holders.size()).i64(available).i64(reserved).i64(confirmed)
          .i64(holders.size());
      for (Map.Entry<String, Hold> e : holders.entrySet()) {
        Hold h = e.getValue();
        out.text(e.getKey()).text(h.id()).i64(h.quantity()).bool(h.confirmed()).i64(h.endsAtMicros());
      }
      return out.done();
    }

    static Item decode(RecordStore.Entry e, long now) {
      Bytes.In in = new Bytes.In(e.value(), FORMAT, WHAT);
      Item i = new Item(in.nonNegative());
      i.reserved = in.nonNegative();
      i.confirmed = in.nonNegative();
      long n = in.nonNegative();
      for (long k = 0; k < n; k++) {
        String holder = in.text();
        i.holders.put(holder, new Hold(in.text(), in.nonNegative(), in.bool(), in.i64()));
      }
      in.end();
      i.sweep(now);
      return i;
    }
  }

  @Override
  public boolean declare(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    return records.create(prefix + item, new Item(available).encode(), null).created();
  }

  @Override
  public Optional<StockLevels> repair(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    String k = prefix + item;
    while (true) {
      RecordStore.Snapshot s = records.read(k);
      if (s.entry() == null) {
        if (records.create(k, new Item(available).encode(), null).created()) {
          return Optional.empty();
        }
        continue;
      }
      Item i = Item.decode(s.entry(), s.nowMicros());
      StockLevels before = i.levels();
      i.available = available;
      if (records.replace(k, s.entry().version(), i.encode(), null) > 0) {
        return Optional.of(before);
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
    String k = prefix + item;
    while (true) {
      RecordStore.Snapshot s = records.read(k);
      if (s.entry() == null) {
        return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
      }
      Item i = Item.decode(s.entry(), s.nowMicros());
      Hold held = i.holders.get(holder);
      if (held != null) {
        return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED,
            reservation(item, holder, held), i.available);
      }
      if (i.available < quantity) {
        return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, i.available);
      }
      Hold h = new Hold(id, quantity, false, s.nowMicros() + hold.toNanos() / 1_000L);
      i.available -= quantity;
      i.reserved += quantity;
      i.holders.put(holder, h);
      if (records.replace(k, s.entry().version(), i.encode(), null) > 0) {
        return new ReservationResult(ReservationResult.Outcome.RESERVED, reservation(item, holder, h), i.available);
      }
    }
  }

  @Override
  public ReleaseOutcome release(String item, String holder, String id) {
    return switch (settle(item, holder, id, false)) {
      case SETTLED -> ReleaseOutcome.RELEASED;
      case ALREADY_CONFIRMED -> ReleaseOutcome.ALREADY_CONFIRMED;
      case NOT_RESERVED -> ReleaseOutcome.NOT_RESERVED;
    };
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder, String id) {
    return switch (settle(item, holder, id, true)) {
      case SETTLED -> ConfirmOutcome.CONFIRMED;
      case ALREADY_CONFIRMED -> ConfirmOutcome.ALREADY_CONFIRMED;
      case NOT_RESERVED -> ConfirmOutcome.NOT_RESERVED;
    };
  }

  /** What {@link #settle} found. */
  private enum Settled { SETTLED, ALREADY_CONFIRMED, NOT_RESERVED }

  /** Releases (units back to available) or confirms (units to confirmed) a holder's live reservation. */
  private Settled settle(String item, String holder, String id, boolean confirm) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    String k = prefix + item;
    while (true) {
      RecordStore.Snapshot s = records.read(k);
      if (s.entry() == null) {
        return Settled.NOT_RESERVED;
      }
      Item i = Item.decode(s.entry(), s.nowMicros());
      Hold held = i.holders.get(holder);
      if (held == null || !held.id().equals(id)) {
        return Settled.NOT_RESERVED;
      }
      if (held.confirmed()) {
        return Settled.ALREADY_CONFIRMED;
      }
      i.reserved -= held.quantity();
      if (confirm) {
        i.holders.put(holder, new Hold(id, held.quantity(), true, 0));
        i.confirmed += held.quantity();
      } else {
        i.holders.remove(holder);
        i.available += held.quantity();
      }
      if (records.replace(k, s.entry().version(), i.encode(), null) > 0) {
        return Settled.SETTLED;
      }
    }
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    RecordStore.Snapshot s = records.read(prefix + item);
    return s.entry() == null ? Optional.empty() : Optional.of(Item.decode(s.entry(), s.nowMicros()).levels());
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    RecordStore.Snapshot s = records.read(prefix + item);
    if (s.entry() == null) {
      return Optional.empty();
    }
    Hold h = Item.decode(s.entry(), s.nowMicros()).holders.get(holder);
    return h == null ? Optional.empty() : Optional.of(reservation(item, holder, h));
  }

  private static Reservation reservation(String item, String holder, Hold h) {
    return new Reservation(item, holder, h.id(), h.quantity(), h.confirmed());
  }
}
