package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.testsupport.RedisProcess;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.SslOptions;

/**
 * TLS against a real {@code redis-server --tls-port} this test starts, with the certificate in
 * {@code src/test/resources/tls} (issued to 127.0.0.1 and localhost). Runs on the Jedis the build
 * pins and again on the one Spring Boot manages (the {@code jedis-7} execution of this module).
 */
class RedisTlsTest {
  private static RedisProcess server;
  private static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    tlsPort = RedisProcess.freePort();
    server = RedisProcess.start("--bind", "127.0.0.1 127.0.0.2", "--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", resource("redis.crt"), "--tls-key-file", resource("redis.key"),
        "--tls-auth-clients", "no");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static String resource(String name) throws Exception {
    return Path.of(RedisTlsTest.class.getResource("/tls/" + name).toURI()).toString();
  }

  private static SSLContext trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = RedisTlsTest.class.getResourceAsStream("/tls/truststore.p12")) {
      trust.load(in, "changeit".toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** One first call and its replay: the action runs once over the TLS connection. */
  private static void runsOnceAndReplays(RedisBackend redis) {
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    IdempotencyKey key = IdempotencyKey.of("tls", UUID.randomUUID().toString());
    AtomicInteger runs = new AtomicInteger();
    CallResult<String> first = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "r" + runs.incrementAndGet());
    CallResult<String> again = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "r" + runs.incrementAndGet());
    assertThat(first.value()).isEqualTo("r1");
    assertThat(again.value()).isEqualTo("r1");
    assertThat(again.replayed()).isTrue();
    assertThat(runs).hasValue(1);
  }

  @Test
  void theTestsRunOnTheJedisTheirExecutionNames() {
    String expected = System.getProperty("idempotency.expected-jedis");
    if (expected != null) {
      assertThat(redis.clients.jedis.Jedis.class.getProtectionDomain().getCodeSource().getLocation().getPath())
          .endsWith("/jedis-" + expected + ".jar");
    }
  }

  @Test
  void jedisSslOptionsWithTheServersCertificateConnect() throws Exception {
    SslOptions options = SslOptions.builder()
        .truststore(Path.of(resource("truststore.p12")).toFile(), "changeit".toCharArray()).build();
    try (RedisBackend redis = RedisBackend.builder().hostAndPort("127.0.0.1", tlsPort).tls(options).build()) {
      runsOnceAndReplays(redis);
    }
  }

  @Test
  void anApplicationsSslContextConnectsByAddressAndByName() throws Exception {
    try (RedisBackend redis = RedisBackend.builder().hostAndPort("127.0.0.1", tlsPort).tls(trusting()).build()) {
      runsOnceAndReplays(redis);
    }
    try (RedisBackend redis = RedisBackend.builder().hostAndPort("localhost", tlsPort).tls(trusting()).build()) {
      runsOnceAndReplays(redis);
    }
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
    // 127.0.0.2 reaches the same server, but the certificate names only 127.0.0.1 and localhost.
    try (RedisBackend redis = RedisBackend.builder().hostAndPort("127.0.0.2", tlsPort).tls(trusting()).build()) {
      assertThatThrownBy(() -> runsOnceAndReplays(redis)).isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Test
  void theDefaultTrustStoreBuildsAClientAndRefusesAnUnknownIssuerWithTheLibrarysException() {
    // rediss:// trusts the JVM's default trust store, which does not hold this test's certificate:
    // building must work on every supported Jedis, and the first call fails as a store failure.
    try (RedisBackend redis = RedisBackend.builder().uri("rediss://127.0.0.1:" + tlsPort).build()) {
      assertThat(redis.name()).endsWith("(tls)");
      assertThatThrownBy(() -> runsOnceAndReplays(redis)).isInstanceOf(StoreUnavailableException.class);
    }
  }
}
