package dev.idempotency.examples.orders.async;

import dev.idempotency.examples.orders.OrdersProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The RabbitMQ queue, with {@code orders.queue=rabbitmq} (profile {@code rabbitmq}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "orders", name = "queue", havingValue = "rabbitmq")
class RabbitConfiguration {
  static final String QUEUE = "orders.requests";

  @Bean(destroyMethod = "close")
  RabbitQueue rabbitQueue(ConnectionFactory connections, RabbitTemplate template, JsonMapper json, OrdersProperties p,
      OrderConsumer consumer, ObjectProvider<DeliveryFaults> faults) {
    RabbitQueue queue = new RabbitQueue(connections, template, json, QUEUE, p.consumers(), consumer,
        faults.getIfAvailable(() -> DeliveryFaults.NONE));
    queue.start(p.maxDeliveries());
    return queue;
  }
}
