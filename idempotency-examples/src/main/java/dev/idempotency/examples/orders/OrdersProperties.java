package dev.idempotency.examples.orders;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The order service's own settings ({@code orders.*}); the library's are {@code idempotency.*}.
 *
 * @param queue {@code memory} (an in-process queue with redelivery) or {@code rabbitmq}
 * @param userPerSecond order submissions per user per second (the seed's 5/s)
 * @param globalPerSecond order submissions per second over all users
 * @param flashUserPerSecond flash-sale attempts per user per second
 * @param flashGlobalPerSecond flash-sale attempts per second over all users (the seed's 100/s)
 * @param cacheLayers what the cache-side layers (rate limits, tokens, lock, stock) do when their
 *     store is down: {@code skip} (the database layers alone decide) or {@code fail_closed}
 * @param lockLease how long the per-user-and-product lock is held at most
 * @param visibilityTimeout the in-process queue: when an unacknowledged message comes back
 * @param maxDeliveries deliveries of one message before it goes to the dead-letter queue
 * @param consumers the in-process queue's consumer threads
 * @param antiPattern whether the deliberately naive flash-sale path is served (the demo's lesson)
 * @param tokenSecret the key that signs the form tokens issued while the token store is down (give
 *     every instance the same one); empty: a random key of this process
 */
@ConfigurationProperties("orders")
public record OrdersProperties(
    @DefaultValue("memory") QueueType queue,
    @DefaultValue("5") long userPerSecond,
    @DefaultValue("1000") long globalPerSecond,
    @DefaultValue("5") long flashUserPerSecond,
    @DefaultValue("100") long flashGlobalPerSecond,
    @DefaultValue("skip") dev.idempotency.defence.FailurePolicy cacheLayers,
    @DefaultValue("10s") Duration lockLease,
    @DefaultValue("2s") Duration visibilityTimeout,
    @DefaultValue("5") int maxDeliveries,
    @DefaultValue("4") int consumers,
    @DefaultValue("false") boolean antiPattern,
    @DefaultValue("") String tokenSecret) {

  /** The queue between the async endpoints and the consumer. */
  public enum QueueType {
    /** In this JVM, with redelivery after a visibility timeout. */
    MEMORY,
    /** RabbitMQ through Spring AMQP. */
    RABBITMQ
  }
}
