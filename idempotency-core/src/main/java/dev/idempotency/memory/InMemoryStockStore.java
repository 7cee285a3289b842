package dev.idempotency.memory;

import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.spi.StoreArguments;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stock per item under the item's monitor: every operation reads and writes the counts and the
 * holders of one item while holding it, so it is one atomic step. Items are business data and are
 * never evicted.
 */
final class InMemoryStockStore implements StockStore {
  private final Map<String, Item> items = new ConcurrentHashMap<>();

  long liveCount() {
    long n = 0;
    for (Item item : items.values()) {
      synchronized (item) {
        n += 1 + item.holders.size();
      }
    }
    return n;
  }

  /** One item's counts and holders; guarded by its own monitor. */
  private static final class Item {
    long available;
    long reserved;
    long confirmed;
    final Map<String, Reservation> holders = new HashMap<>();

    Item(long available) {
      this.available = available;
    }

    StockLevels levels() {
      return new StockLevels(available, reserved, confirmed);
    }
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public boolean declare(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    return items.putIfAbsent(item, new Item(available)) == null;
  }

  @Override
  public Optional<StockLevels> repair(String item, long available) {
    StoreArguments.item(item);
    StoreArguments.units(available, "available");
    Item fresh = new Item(available);
    Item existing = items.putIfAbsent(item, fresh);
    if (existing == null) {
      return Optional.empty();
    }
    synchronized (existing) {
      StockLevels before = existing.levels();
      existing.available = available;
      return Optional.of(before);
    }
  }

  @Override
  public ReservationResult reserve(String item, String holder, long quantity) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    Item i = items.get(item);
    if (i == null) {
      return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
    }
    synchronized (i) {
      Reservation held = i.holders.get(holder);
      if (held != null) {
        return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED, held, i.available);
      }
      if (i.available < quantity) {
        return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, i.available);
      }
      Reservation r = new Reservation(holder, quantity, false);
      i.available -= quantity;
      i.reserved += quantity;
      i.holders.put(holder, r);
      return new ReservationResult(ReservationResult.Outcome.RESERVED, r, i.available);
    }
  }

  @Override
  public ReleaseOutcome release(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    Item i = items.get(item);
    if (i == null) {
      return ReleaseOutcome.NOT_RESERVED;
    }
    synchronized (i) {
      Reservation held = i.holders.get(holder);
      if (held == null) {
        return ReleaseOutcome.NOT_RESERVED;
      }
      if (held.confirmed()) {
        return ReleaseOutcome.ALREADY_CONFIRMED;
      }
      i.holders.remove(holder);
      i.reserved -= held.quantity();
      i.available += held.quantity();
      return ReleaseOutcome.RELEASED;
    }
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    Item i = items.get(item);
    if (i == null) {
      return ConfirmOutcome.NOT_RESERVED;
    }
    synchronized (i) {
      Reservation held = i.holders.get(holder);
      if (held == null) {
        return ConfirmOutcome.NOT_RESERVED;
      }
      if (held.confirmed()) {
        return ConfirmOutcome.ALREADY_CONFIRMED;
      }
      i.holders.put(holder, new Reservation(holder, held.quantity(), true));
      i.reserved -= held.quantity();
      i.confirmed += held.quantity();
      return ConfirmOutcome.CONFIRMED;
    }
  }

  @Override
  public Optional<StockLevels> levels(String item) {
    StoreArguments.item(item);
    Item i = items.get(item);
    if (i == null) {
      return Optional.empty();
    }
    synchronized (i) {
      return Optional.of(i.levels());
    }
  }

  @Override
  public Optional<Reservation> reservation(String item, String holder) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    Item i = items.get(item);
    if (i == null) {
      return Optional.empty();
    }
    synchronized (i) {
      return Optional.ofNullable(i.holders.get(holder));
    }
  }
}
