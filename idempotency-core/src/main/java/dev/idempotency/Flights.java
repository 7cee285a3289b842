package dev.idempotency;

import dev.idempotency.spi.StoredRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The calls an engine owns right now, by storage key, so that a duplicate waiting in the same
 * process ({@link InProgressPolicy#await}) is woken when the call ends instead of polling the store,
 * and is handed the outcome the owner stored without another round trip.
 *
 * <p>A waiter only ever trusts a flight with the fencing token of the in-progress record it read
 * from the store: the outcome it is handed is the one the store accepted under that very claim, so
 * it is exactly what a read of the store would have replayed. Anything else (the owner failed and
 * released, lost its claim, could not store, or runs in the caller's transaction, where a stored
 * outcome is not visible until the caller commits) hands nothing, and the waiter claims again.
 * Thread-safe.
 */
final class Flights {
  private final ConcurrentHashMap<String, Flight> byKey = new ConcurrentHashMap<>();

  /** One owned call: its claim and, once it ends, the outcome stored under it (or null). */
  static final class Flight {
    private final String storageKey;
    private final String fingerprint;
    private final long token;
    private final CompletableFuture<StoredRecord> ended = new CompletableFuture<>();
    private volatile StoredRecord stored;

    private Flight(String storageKey, String fingerprint, long token) {
      this.storageKey = storageKey;
      this.fingerprint = fingerprint;
      this.token = token;
    }

    /** Notes that the store accepted this outcome under the flight's claim. */
    void stored(byte[] envelope) {
      stored = StoredRecord.completed(fingerprint, token, envelope);
    }

    /** The event a waiter waits for. */
    Future<?> ended() {
      return ended;
    }

    /** The outcome stored under the claim, once the flight has ended with one; otherwise null. */
    StoredRecord outcome() {
      return ended.isDone() ? ended.getNow(null) : null;
    }
  }

  /**
   * Registers a claim this engine now owns.
   *
   * @return the flight, to be {@linkplain #end ended} exactly once
   */
  Flight start(String storageKey, String fingerprint, long token) {
    Flight flight = new Flight(storageKey, fingerprint, token);
    byKey.put(storageKey, flight);
    return flight;
  }

  /** Ends a flight: wakes its waiters, handing them the stored outcome if there is one. */
  void end(Flight flight) {
    if (flight != null) {
      byKey.remove(flight.storageKey, flight);
      flight.ended.complete(flight.stored);
    }
  }

  /**
   * The flight of the claim a waiter read from the store, if this engine owns it.
   *
   * @param storageKey the key
   * @param token the fencing token of the in-progress record read
   * @return the flight, or null if the claim is not this engine's (or has already ended)
   */
  Flight find(String storageKey, long token) {
    Flight flight = byKey.get(storageKey);
    return flight != null && flight.token == token ? flight : null;
  }
}
