package dev.idempotency.examples.orders.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testsupport.RedisProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo with a profile whose server is not running: exit 2 within seconds, naming the server and how to start it. */
class DemoPreflightTest {

  @Test
  void aProfileWhoseServersDoNotAnswerExits2NamingEachServerItsAddressAndHowToStartIt() {
    int db = RedisProcess.freePort();
    int redis = RedisProcess.freePort();
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    long started = System.nanoTime();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      status = Demo.run(new String[] {"--spring.profiles.active=postgres,redis",
          "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + db + "/test", "--idempotency.redis.port=" + redis});
    } finally {
      System.setErr(err);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String said = captured.toString(StandardCharsets.UTF_8);
    assertThat(status).as(said).isEqualTo(2);
    assertThat(said).contains("PostgreSQL at 127.0.0.1:" + db).contains("Redis at 127.0.0.1:" + redis)
        .contains("pg_ctlcluster").contains("redis-server").doesNotContain("Exception");
    assertThat(millis).as("answered before any bean starts").isLessThan(15_000);
  }
}
