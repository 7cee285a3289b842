package dev.idempotency.spring;

import dev.idempotency.CallOptions;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The library in a Spring Boot application: a {@link Backend} chosen from what the application has
 * ({@code idempotency.backend}), an {@link IdempotencyEngine} with the {@code idempotency.*}
 * defaults, and {@code @Idempotent} on beans through {@link IdempotentAdvisor}. With the JDBC
 * backend on the application's {@code DataSource}, a call inside a Spring transaction joins it.
 * Every bean backs off when the application defines its own of the same type.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration",
    "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
    "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration"})
@EnableConfigurationProperties(IdempotencyProperties.class)
@Import(IdempotencyAutoConfiguration.AutoProxy.class)
public class IdempotencyAutoConfiguration {

  /** For Spring. */
  public IdempotencyAutoConfiguration() {}

  /**
   * The backend.
   *
   * @param properties the properties
   * @param environment the environment, for {@code spring.data.redis.*}
   * @param dataSources the application's DataSource, if it has one
   * @param sslBundles the application's SSL bundles, for {@code spring.data.redis.ssl.bundle}
   * @param beans the application's beans, for its {@code HazelcastInstance} when the backend is hazelcast
   * @return the backend, closed with the context
   * @throws StoreUnreachableAtStartupException if {@code idempotency.startup-check} is on (the
   *     default) and the store does not answer
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Backend.class)
  public Backend idempotencyBackend(IdempotencyProperties properties, Environment environment,
      ObjectProvider<DataSource> dataSources, ObjectProvider<SslBundles> sslBundles, BeanFactory beans) {
    Backends.Built built = Backends.create(properties, environment, dataSources.getIfUnique(),
        sslBundles.getIfAvailable(), beans);
    if (properties.startupCheck()) {
      Backends.check(built.backend(), properties, environment);
    }
    BackendDataSource.remember(built.backend(), built.dataSource());
    return built.backend();
  }

  /**
   * The engine of idempotent calls.
   *
   * @param backend the backend
   * @param properties the defaults of every call
   * @param listeners every {@link IdempotencyListener} bean (metrics among them)
   * @param customizers every {@link IdempotencyStoreCustomizer} bean, in order
   * @return the engine
   */
  @Bean
  @ConditionalOnMissingBean
  public IdempotencyEngine idempotencyEngine(Backend backend, IdempotencyProperties properties,
      ObjectProvider<IdempotencyListener> listeners, ObjectProvider<IdempotencyStoreCustomizer> customizers) {
    IdempotencyStore store = backend.idempotencyStore();
    for (IdempotencyStoreCustomizer c : customizers.orderedStream().toList()) {
      store = c.customize(store);
    }
    return IdempotencyEngine.builder(store).defaults(defaults(properties)).listener(listener(listeners)).build();
  }

  static CallOptions defaults(IdempotencyProperties p) {
    return CallOptions.builder().lease(p.lease()).retention(p.retention())
        .inProgress(p.inProgress() == IdempotencyProperties.InProgressMode.AWAIT
            ? InProgressPolicy.await(p.maxWait()) : InProgressPolicy.reject())
        .build();
  }

  static IdempotencyListener listener(ObjectProvider<IdempotencyListener> listeners) {
    List<IdempotencyListener> all = listeners.orderedStream().toList();
    if (all.isEmpty()) {
      return IdempotencyListener.NOOP;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    return (event, namespace) -> {
      for (IdempotencyListener l : all) {
        l.onEvent(event, namespace);
      }
    };
  }

  /**
   * The compiled {@code @Idempotent} methods.
   *
   * @param engine the engine
   * @param runner how synchronous calls run (in the Spring transaction, with JDBC), if set
   * @param json the JSON codecs from the application's mapper, if set
   * @return the methods
   */
  @Bean
  @ConditionalOnMissingBean
  public IdempotentMethods idempotentMethods(IdempotencyEngine engine,
      ObjectProvider<IdempotentMethods.CallRunner> runner, ObjectProvider<IdempotencyJson> json) {
    IdempotentMethods.Builder b = IdempotentMethods.builder(engine);
    runner.ifAvailable(b::runner);
    json.ifAvailable(j -> b.json(j::codec));
    return b.build();
  }

  /**
   * The advisor of {@code @Idempotent} beans; infrastructure, so Spring's auto-proxy creator applies
   * it like {@code @Transactional}'s.
   *
   * @param methods the methods, resolved on first use
   * @return the advisor
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean
  public static IdempotentAdvisor idempotentAdvisor(ObjectProvider<IdempotentMethods> methods) {
    return new IdempotentAdvisor(methods::getObject);
  }

  /** Registers Spring's infrastructure auto-proxy creator unless the application has one already. */
  static final class AutoProxy implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
    }
  }

  /**
   * Calls inside Spring transactions: joined with the JDBC backend on the transaction's DataSource,
   * completed after the commit with any other backend ({@link TransactionRunner}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.transaction.support.TransactionSynchronizationManager")
  static class TransactionConfiguration {
    @Bean
    @ConditionalOnMissingBean(IdempotentMethods.CallRunner.class)
    IdempotentMethods.CallRunner idempotencyTransactionRunner(Backend backend, IdempotencyEngine engine,
        IdempotencyProperties properties, ObjectProvider<IdempotencyListener> listeners) {
      ClassLoader cl = IdempotencyAutoConfiguration.class.getClassLoader();
      if (properties.jdbc().joinTransactions() && ClassUtils.isPresent(Backends.JDBC_BACKEND, cl)
          && ClassUtils.isPresent("org.springframework.jdbc.datasource.DataSourceUtils", cl)) {
        SpringTransactionRunner joining = SpringTransactions.runner(backend, engine, listener(listeners));
        return new TransactionRunner(engine, joining, joining::inTransaction, properties.completeAfterCommit());
      }
      return new TransactionRunner(engine, null, () -> false, properties.completeAfterCommit());
    }
  }

  /** The JDBC backend's strategies in the current Spring transaction, on the application's DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {Backends.JDBC_BACKEND,
      "org.springframework.jdbc.datasource.DataSourceUtils",
      "org.springframework.transaction.support.TransactionSynchronizationManager"})
  @ConditionalOnProperty(prefix = "idempotency.jdbc", name = "join-transactions", matchIfMissing = true)
  static class JdbcTransactionConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DataSource.class)
    SpringJdbcTransactions springJdbcTransactions(Backend backend, IdempotencyProperties properties) {
      return SpringTransactions.strategies(backend, properties.retention());
    }
  }

  /** Meters, when Micrometer and a registry are there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    IdempotencyMetrics idempotencyMetrics(MeterRegistry registry) {
      return new IdempotencyMetrics(registry);
    }

    @Bean
    @ConditionalOnBean(IdempotencyMetrics.class)
    IdempotencyStoreCustomizer idempotencyStoreTimer(IdempotencyMetrics metrics) {
      return store -> new TimedIdempotencyStore(store, metrics);
    }
  }

  /** The health indicator, when Spring Boot's health support is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyHealthIndicator")
    IdempotencyHealthIndicator idempotencyHealthIndicator(Backend backend) {
      return new IdempotencyHealthIndicator(backend);
    }
  }

  /**
   * The application's Jackson 3 mapper for results, when it has one (its modules, naming and date
   * settings). This auto-configuration runs after Jackson's, so the mapper is seen.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
  static class JacksonConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(type = "tools.jackson.databind.json.JsonMapper")
    IdempotencyJson idempotencyJson(ObjectProvider<tools.jackson.databind.json.JsonMapper> mapper) {
      tools.jackson.databind.json.JsonMapper m = mapper.getObject();
      return type -> dev.idempotency.codec.Jackson3Codecs.json(m, dev.idempotency.codec.TypeRef.ofType(type));
    }
  }

  /** The application's Jackson 2 mapper for results, when it has one and no Jackson 3 mapper. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "com.fasterxml.jackson.databind.ObjectMapper")
  static class Jackson2Configuration {
    @Bean
    @ConditionalOnMissingBean(value = IdempotencyJson.class, type = "tools.jackson.databind.json.JsonMapper")
    @ConditionalOnBean(type = "com.fasterxml.jackson.databind.ObjectMapper")
    IdempotencyJson idempotencyJson2(ObjectProvider<com.fasterxml.jackson.databind.ObjectMapper> mapper) {
      com.fasterxml.jackson.databind.ObjectMapper m = mapper.getObject();
      return type -> dev.idempotency.codec.Jackson2Codecs.json(m, dev.idempotency.codec.TypeRef.ofType(type));
    }
  }
}
