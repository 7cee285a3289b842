package dev.idempotency.memory;

import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.TimeSource;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.PriorityQueue;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stock per item under the item's monitor: every operation reads and writes the counts and the
 * holders of one item while holding it, so it is one atomic step. Every operation first returns the
 * item's ended holds to stock, in deadline order. Items are business data and are never evicted.
 */
final class InMemoryStockStore implements StockStore {
  private final Map<String, Item> items = new ConcurrentHashMap<>();
  private final TimeSource time;

  InMemoryStockStore(TimeSource time) {
    this.time = time;
  }

  long liveCount() {
    long n = 0;
    for (Item item : items.values()) {
      synchronized (item) {
        n += 1 + item.holders.size();
      }
    }
    return n;
  }

  /** A holder's reservation and, while unconfirmed, the time source's nanos when its hold ends. */
  private record Held(Reservation reservation, long deadline) {}

  /** One item's counts and holders; guarded by its own monitor. */
  private static final class Item {
    long available;
    long reserved;
    long confirmed;
    final Map<String, Held> holders = new HashMap<>();
    /** Unconfirmed holds by deadline; an entry that is no longer its holder's current one is stale and skipped. */
    final PriorityQueue<Held> holds = new PriorityQueue<>(Comparator.comparingLong(Held::deadline));

    Item(long available) {
      this.available = available;
    }

    StockLevels levels() {
      return new StockLevels(available, reserved, confirmed);
    }

    /** Returns every hold that ended by {@code now} to stock. */
    void sweep(long now) {
      for (Held head = holds.peek(); head != null && head.deadline() - now <= 0; head = holds.peek()) {
        holds.poll();
        Reservation r = head.reservation();
        Held current = holders.get(r.holder());
        if (current == head) {
          holders.remove(r.holder());
          reserved -= r.quantity();
          available += r.quantity();
        }
      }
    }

    /** The holder's live reservation with this id, after a sweep. */
    Held held(String holder, String id) {
      Held h = holders.get(holder);
      return h != null && h.reservation().id().equals(id) ? h : null;
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
      existing.sweep(time.nanoTime());
      StockLevels before = existing.levels();
      existing.available = available;
      return Optional.of(before);
    }
  }

  @Override
  public ReservationResult reserve(String item, String holder, long quantity, String id, Duration hold) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.quantity(quantity);
    StoreArguments.reservationId(id);
    StoreArguments.hold(hold);
    Item i = items.get(item);
    if (i == null) {
      return new ReservationResult(ReservationResult.Outcome.NOT_STOCKED, null, 0);
    }
    synchronized (i) {
      long now = time.nanoTime();
      i.sweep(now);
      Held held = i.holders.get(holder);
      if (held != null) {
        return new ReservationResult(ReservationResult.Outcome.ALREADY_RESERVED, held.reservation(), i.available);
      }
      if (i.available < quantity) {
        return new ReservationResult(ReservationResult.Outcome.SOLD_OUT, null, i.available);
      }
      Reservation r = new Reservation(item, holder, id, quantity, false);
      Held h = new Held(r, now + hold.toMillis() * 1_000_000L);
      i.available -= quantity;
      i.reserved += quantity;
      i.holders.put(holder, h);
      i.holds.add(h);
      return new ReservationResult(ReservationResult.Outcome.RESERVED, r, i.available);
    }
  }

  @Override
  public ReleaseOutcome release(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    Item i = items.get(item);
    if (i == null) {
      return ReleaseOutcome.NOT_RESERVED;
    }
    synchronized (i) {
      i.sweep(time.nanoTime());
      Held held = i.held(holder, id);
      if (held == null) {
        return ReleaseOutcome.NOT_RESERVED;
      }
      if (held.reservation().confirmed()) {
        return ReleaseOutcome.ALREADY_CONFIRMED;
      }
      i.holders.remove(holder);
      i.reserved -= held.reservation().quantity();
      i.available += held.reservation().quantity();
      return ReleaseOutcome.RELEASED;
    }
  }

  @Override
  public ConfirmOutcome confirm(String item, String holder, String id) {
    StoreArguments.item(item);
    StoreArguments.holder(holder);
    StoreArguments.reservationId(id);
    Item i = items.get(item);
    if (i == null) {
      return ConfirmOutcome.NOT_RESERVED;
    }
    synchronized (i) {
      i.sweep(time.nanoTime());
      Held held = i.held(holder, id);
      if (held == null) {
        return ConfirmOutcome.NOT_RESERVED;
      }
      Reservation r = held.reservation();
      if (r.confirmed()) {
        return ConfirmOutcome.ALREADY_CONFIRMED;
      }
      i.holders.put(holder, new Held(new Reservation(item, holder, id, r.quantity(), true), 0));
      i.reserved -= r.quantity();
      i.confirmed += r.quantity();
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
      i.sweep(time.nanoTime());
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
      i.sweep(time.nanoTime());
      Held h = i.holders.get(holder);
      return h == null ? Optional.empty() : Optional.of(h.reservation());
    }
  }
}
