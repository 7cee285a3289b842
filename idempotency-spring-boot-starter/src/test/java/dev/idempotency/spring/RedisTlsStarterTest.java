package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.Backend;
import dev.idempotency.testsupport.RedisProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * TLS Redis in a Spring Boot application, on the Jedis the build pins and again on the one Spring
 * Boot manages (this module's {@code jedis-7} test execution): Spring's {@code spring.data.redis.ssl.*}
 * properties, with a Spring Boot SSL bundle that trusts the test server's certificate, start the
 * application and run calls; {@code ssl.enabled} alone trusts the JVM's store and, not trusting this
 * certificate, fails the start-up check with the library's analysis instead of a
 * {@code NoSuchMethodError}.
 */
class RedisTlsStarterTest {
  private static RedisProcess server;
  private static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    tlsPort = RedisProcess.freePort();
    server = RedisProcess.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", resource("redis.crt"),
        "--tls-key-file", resource("redis.key"), "--tls-auth-clients", "no");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static String resource(String name) throws Exception {
    return Path.of(RedisTlsStarterTest.class.getResource("/tls/" + name).toURI()).toString();
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, SslAutoConfiguration.class))
      .withUserConfiguration(TestServices.Plain.class)
      .withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + tlsPort);

  @Test
  void theJedisOfThisExecutionIsTheOneItNames() {
    String expected = System.getProperty("idempotency.expected-jedis");
    if (expected != null) {
      assertThat(redis.clients.jedis.Jedis.class.getProtectionDomain().getCodeSource().getLocation().getPath())
          .endsWith("/jedis-" + expected + ".jar");
    }
  }

  @Test
  void anSslBundleConnectsAndCallsRunOnce() {
    runner.withPropertyValues("spring.data.redis.ssl.enabled=true", "spring.data.redis.ssl.bundle=redis",
        "spring.ssl.bundle.pem.redis.truststore.certificate=classpath:tls/redis.crt").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class);
          assertThat(ctx.getBean(Backend.class).name()).endsWith("(tls)");
          TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
          TestServices.Payment p = new TestServices.Payment("tls-" + System.nanoTime(), 500);
          assertThat(payments.pay(p)).isEqualTo(payments.pay(p));
          assertThat(payments.runs()).isEqualTo(1);
        });
  }

  @Test
  void sslEnabledAloneTrustsTheJvmsStoreAndAnUnknownIssuerFailsTheStartUpCheckNotTheJvm() {
    runner.withPropertyValues("spring.data.redis.ssl.enabled=true").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).hasStackTraceContaining("SSLHandshakeException");
      Throwable t = ctx.getStartupFailure();
      while (t != null && !(t instanceof StoreUnreachableAtStartupException)) {
        t = t.getCause();
      }
      assertThat(t).isInstanceOf(StoreUnreachableAtStartupException.class);
    });
  }
}
