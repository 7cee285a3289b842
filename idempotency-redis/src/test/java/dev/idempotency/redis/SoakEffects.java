package dev.idempotency.redis;

import dev.idempotency.testkit.soak.EffectsTable;
import java.util.UUID;

/** The Redis soak's side-effect table: in an H2 TCP server of the test JVM's, apart from Redis. */
final class SoakEffects {
  private SoakEffects() {}

  static EffectsTable table() {
    return EffectsTable.h2Server("effects_" + UUID.randomUUID().toString().substring(0, 8));
  }
}
