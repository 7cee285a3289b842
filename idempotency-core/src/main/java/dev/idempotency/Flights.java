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
  private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();

  /**
   * The watch duplicates of this engine keep on a call in progress in another process: one of them,
   * the keeper, polls the store, and hands the others the completed record it reads; they make no
   * round trip meanwhile. Each still checks the record against its own fingerprint.
   */
  static final class Watch {
    private final String storageKey;
    private final Thread keeper = Thread.currentThread();
    private final CompletableFuture<StoredRecord> ended = new CompletableFuture<>();

    private Watch(String storageKey) {
      this.storageKey = storageKey;
    }

    /** The thread that polls for the others. */
    Thread keeper() {
      return keeper;
    }

    /** The event the others wait for. */
    Future<?> ended() {
      return ended;
    }

    /** The completed record the keeper read, once it has ended with one; otherwise null. */
    StoredRecord outcome() {
      return ended.isDone() ? ended.getNow(null) : null;
    }
  }

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
   * Joins the watch on a key, or starts it with the calling thread as its keeper.
   *
   * @param storageKey the key
   * @return the watch; the caller keeps it if {@link Watch#keeper()} is the calling thread
   */
  Watch watch(String storageKey) {
    return watches.computeIfAbsent(storageKey, Watch::new);
  }

  /**
   * Ends a keeper's watch, handing the others a completed record it read, or nothing (it took the
   * key itself, gave up or failed), after which they claim again.
   *
   * @param watch the kept watch, or null
   * @param completed the completed record read, or null
   */
  void unwatch(Watch watch, StoredRecord completed) {
    if (watch != null) {
      watches.remove(watch.storageKey, watch);
      watch.ended.complete(completed != null && completed.status() == StoredRecord.Status.COMPLETED ? completed : null);
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
