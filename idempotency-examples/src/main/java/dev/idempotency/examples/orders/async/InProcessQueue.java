package dev.idempotency.examples.orders.async;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process queue with the delivery semantics of a real broker: a delivered message is invisible
 * until acknowledged; a handler that throws puts it back at once (a nack with requeue); a consumer
 * that dies without either gets it redelivered after the visibility timeout; every delivery carries
 * its count, and after {@code maxDeliveries} the message goes to the dead-letter handler. Consumers are
 * a fixed pool of threads. Thread-safe.
 */
final class InProcessQueue implements OrderQueue, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessQueue.class);

  private record Envelope(long id, QueueMessage message, int deliveries) {}

  private final LinkedBlockingQueue<Envelope> ready = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<Long, ScheduledFuture<?>> unacked = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "queue-timer"));
  private final ExecutorService consumers;
  private final OrderConsumer handler;
  private final Duration visibility;
  private final int maxDeliveries;
  private final DeliveryFaults faults;
  private volatile boolean running = true;

  InProcessQueue(OrderConsumer handler, int consumerThreads, Duration visibility, int maxDeliveries, DeliveryFaults faults) {
    this.handler = handler;
    this.visibility = visibility;
    this.maxDeliveries = maxDeliveries;
    this.faults = faults;
    this.consumers = Executors.newFixedThreadPool(consumerThreads, r -> thread(r, "queue-consumer"));
    for (int i = 0; i < consumerThreads; i++) {
      consumers.execute(this::consume);
    }
  }

  @Override
  public void publish(QueueMessage message) {
    for (int i = 0; i < faults.copies(); i++) {
      ready.add(new Envelope(ids.incrementAndGet(), message, 0));
    }
  }

  @Override
  public long deadLettered() {
    return deadLettered.get();
  }

  private void consume() {
    while (running) {
      Envelope e;
      try {
        e = ready.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (e == null) {
        continue;
      }
      Envelope delivery = new Envelope(e.id(), e.message(), e.deliveries() + 1);
      if (delivery.deliveries() > maxDeliveries) {
        deadLettered.incrementAndGet();
        handler.deadLettered(delivery.message());
        continue;
      }
      // Invisible until acknowledged: comes back after the visibility timeout unless acked or nacked.
      unacked.put(delivery.id(), timer.schedule(() -> redeliver(delivery), visibility.toMillis(), TimeUnit.MILLISECONDS));
      try {
        handler.handle(delivery.message(), delivery.deliveries());
        ack(delivery);
      } catch (ConsumerKilled killed) {
        LOG.info("{}; the message comes back after {} ms", killed.getMessage(), visibility.toMillis());
      } catch (RuntimeException failed) {
        LOG.warn("delivery {} of {} failed, requeued: {}", delivery.deliveries(), delivery.message().requestId(),
            failed.toString());
        if (ack(delivery)) {
          ready.add(delivery);
        }
      }
    }
  }

  private boolean ack(Envelope e) {
    ScheduledFuture<?> timeout = unacked.remove(e.id());
    if (timeout != null) {
      timeout.cancel(false);
      return true;
    }
    return false;
  }

  private void redeliver(Envelope e) {
    if (unacked.remove(e.id()) != null) {
      ready.add(e);
    }
  }

  @Override
  public void close() {
    running = false;
    consumers.shutdownNow();
    timer.shutdownNow();
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
