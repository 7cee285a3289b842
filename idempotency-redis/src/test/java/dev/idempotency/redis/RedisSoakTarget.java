package dev.idempotency.redis;

import dev.idempotency.spi.Backend;
import dev.idempotency.testkit.soak.SoakTarget;
import java.time.Duration;
import java.util.Map;

/** Opens a Redis backend in a soak worker: settings {@code uri}, {@code prefix}, optional {@code password}. */
public final class RedisSoakTarget implements SoakTarget {
  @Override
  public Backend open(Map<String, String> settings) {
    RedisBackend.Builder b = RedisBackend.builder().uri(settings.get("uri")).keyPrefix(settings.get("prefix"))
        .maxConnections(24).connectTimeout(Duration.ofMillis(500))
        .socketTimeout(Duration.ofMillis(Long.parseLong(settings.getOrDefault("socketTimeoutMs", "2000"))));
    if (settings.containsKey("password")) {
      b.password(settings.get("password"));
    }
    return b.build();
  }
}
