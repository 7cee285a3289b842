package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.annotation.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Results go through the application's own Jackson mapper (its modules, naming, dates), whatever
 * the order Spring Boot evaluates auto-configurations in: a type only the application's module can
 * write and read is replayed as it was returned.
 */
class ApplicationJsonMapperTest {

  /** No properties Jackson can see: only the application's module writes and reads it. */
  static final class Money {
    private final long cents;

    Money(long cents) {
      this.cents = cents;
    }

    long cents() {
      return cents;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Money m && m.cents == cents;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(cents);
    }
  }

  static class Prices {
    final AtomicInteger runs = new AtomicInteger();

    public int runs() {
      return runs.get();
    }

    @Idempotent(namespace = "prices", key = "{sku}")
    public Money price(String sku) {
      return new Money(1000L + runs.incrementAndGet());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    Prices prices() {
      return new Prices();
    }

    /** Picked up by Spring Boot's JsonMapper like any JacksonModule bean. */
    @Bean
    SimpleModule moneyModule() {
      SimpleModule m = new SimpleModule("money");
      m.addSerializer(Money.class, new ValueSerializer<Money>() {
        @Override
        public void serialize(Money value, JsonGenerator g, SerializationContext ctxt) {
          g.writeNumber(value.cents());
        }
      });
      m.addDeserializer(Money.class, new ValueDeserializer<Money>() {
        @Override
        public Money deserialize(JsonParser p, DeserializationContext ctxt) {
          return new Money(p.getLongValue());
        }
      });
      return m;
    }
  }

  @Test
  void theApplicationsMapperWritesAndReadsResultsSoARetryIsReplayed() {
    // The starter is listed first on purpose: its ordering, not the list's, must put it after Jackson's.
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, JacksonAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues("idempotency.backend=memory")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(IdempotencyJson.class);
          Prices prices = ctx.getBean(Prices.class);
          Money first = prices.price("sku-1");
          assertThat(prices.price("sku-1")).isEqualTo(first);
          assertThat(prices.price("sku-1")).isEqualTo(first);
          assertThat(prices.runs()).isEqualTo(1);
        });
  }
}
