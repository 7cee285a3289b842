package dev.idempotency.examples.orders.async;

import com.rabbitmq.client.Channel;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue on RabbitMQ: a durable quorum queue whose broker counts deliveries
 * ({@code x-delivery-count}) and dead-letters a message after {@code orders.max-deliveries}
 * ({@code x-delivery-limit}) into {@code <name>.dlq}. The consumer acknowledges by hand after its
 * transaction committed and requeues on failure (nack), so the broker redelivers until the dedup row
 * says "done". Thread-safe.
 */
final class RabbitQueue implements OrderQueue, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitQueue.class);
  private static final long CONFIRM_TIMEOUT_MILLIS = 2_000;

  private final ConnectionFactory connections;
  private final RabbitTemplate template;
  private final JsonMapper json;
  private final String name;
  private final DeliveryFaults faults;
  private final SimpleMessageListenerContainer consumer;
  private final SimpleMessageListenerContainer deadLetters;
  private final java.util.concurrent.atomic.AtomicLong deadLettered = new java.util.concurrent.atomic.AtomicLong();

  static Queue queue(String name, int maxDeliveries) {
    return QueueBuilder.durable(name).quorum().deliveryLimit(maxDeliveries).deadLetterExchange("")
        .deadLetterRoutingKey(name + ".dlq").build();
  }

  static Queue deadLetterQueue(String name) {
    return QueueBuilder.durable(name + ".dlq").build();
  }

  RabbitQueue(ConnectionFactory connections, RabbitTemplate template, JsonMapper json, String name, int consumers,
      OrderConsumer handler, DeliveryFaults faults) {
    this.connections = connections;
    this.template = template;
    this.json = json;
    this.name = name;
    this.faults = faults;
    this.consumer = new SimpleMessageListenerContainer(connections);
    consumer.setQueueNames(name);
    consumer.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    consumer.setConcurrentConsumers(consumers);
    consumer.setPrefetchCount(10);
    consumer.setMessageListener((ChannelAwareMessageListener) (message, channel) -> onMessage(message, channel, handler));
    this.deadLetters = new SimpleMessageListenerContainer(connections);
    deadLetters.setQueueNames(name + ".dlq");
    deadLetters.setAcknowledgeMode(AcknowledgeMode.AUTO);
    deadLetters.setMessageListener(message -> {
      deadLettered.incrementAndGet();
      handler.deadLettered(read(message));
    });
  }

  /** Declares the queues (idempotent on the broker), then starts consuming. */
  void start(int maxDeliveries) {
    RabbitAdmin admin = new RabbitAdmin(connections);
    admin.declareQueue(deadLetterQueue(name));
    admin.declareQueue(queue(name, maxDeliveries));
    consumer.start();
    deadLetters.start();
  }

  @Override
  public void publish(QueueMessage message) {
    MessageProperties props = new MessageProperties();
    props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    props.setMessageId(message.requestId());
    byte[] body = json.writeValueAsBytes(message);
    // Publisher confirms (spring.rabbitmq.publisher-confirm-type=simple): the broker has the message,
    // or this throws within the timeout and the caller settles the request as failed.
    template.invoke(ops -> {
      for (int i = 0; i < faults.copies(); i++) {
        ops.send("", name, new Message(body, props));
      }
      ops.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
      return null;
    });
  }

  @Override
  public long deadLettered() {
    return deadLettered.get();
  }

  private void onMessage(Message message, Channel channel, OrderConsumer handler) throws java.io.IOException {
    long tag = message.getMessageProperties().getDeliveryTag();
    Map<String, Object> headers = message.getMessageProperties().getHeaders();
    Object count = headers.get("x-delivery-count");
    int delivery = 1 + (count instanceof Number n ? n.intValue() : 0);
    QueueMessage m = read(message);
    try {
      handler.handle(m, delivery);
      channel.basicAck(tag, false);
    } catch (ConsumerKilled killed) {
      // A real consumer process would die here and the broker would requeue on the lost channel;
      // the same redelivery, without taking the listener down.
      LOG.info("{}; requeued", killed.getMessage());
      channel.basicReject(tag, true);
    } catch (RuntimeException failed) {
      LOG.warn("delivery {} of {} failed, requeued: {}", delivery, m.requestId(), failed.toString());
      channel.basicNack(tag, false, true);
    }
  }

  private QueueMessage read(Message message) {
    return json.readValue(message.getBody(), QueueMessage.class);
  }

  @Override
  public void close() {
    consumer.stop();
    deadLetters.stop();
    consumer.destroy();
    deadLetters.destroy();
  }
}
