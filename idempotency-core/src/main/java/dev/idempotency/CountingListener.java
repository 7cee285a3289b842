package dev.idempotency;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link IdempotencyListener} that counts events across all namespaces. Thread-safe and cheap
 * (one {@link LongAdder} per event), suitable for exporting to any metrics system by polling.
 */
public final class CountingListener implements IdempotencyListener {
  private final Map<IdempotencyEvent, LongAdder> counts = new EnumMap<>(IdempotencyEvent.class);

  /** Creates a listener with every count at zero. */
  public CountingListener() {
    for (IdempotencyEvent e : IdempotencyEvent.values()) {
      counts.put(e, new LongAdder());
    }
  }

  @Override
  public void onEvent(IdempotencyEvent event, String namespace) {
    counts.get(event).increment();
  }

  /**
   * How many times an event was reported.
   *
   * @param event the event
   * @return its count so far
   */
  public long count(IdempotencyEvent event) {
    return counts.get(event).sum();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CountingListener{");
    counts.forEach((e, n) -> {
      long v = n.sum();
      if (v > 0) {
        sb.append(e).append('=').append(v).append(", ");
      }
    });
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }
}
