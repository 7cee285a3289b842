package dev.idempotency.examples.orders;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
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
      OrderConsumer consumer, Chaos chaos) {
    RabbitQueue queue = new RabbitQueue(connections, template, json, QUEUE, p.consumers(), consumer, chaos);
    queue.start(p.maxDeliveries());
    return queue;
  }
}
