package dev.idempotency.redis;

import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.IdempotentCallContract;
import dev.idempotency.testkit.RateLimitContract;
import dev.idempotency.testkit.StateMachineContract;
import dev.idempotency.testkit.StockReservationContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The suites whose scripts and replies differ most per command (the call, state, stock, rate limits)
 * on Redis standalone: the build runs this class on the Jedis Spring Boot manages (the
 * {@code jedis-7} execution); the whole contract runs once, on ours.
 */
class RedisOnAnotherJedisTest {
  private final BackendFixture fixture = RedisClients.standalone();

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  @Nested
  class IdempotentCall extends IdempotentCallContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  @Nested
  class StateMachines extends StateMachineContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  @Nested
  class StockReservation extends StockReservationContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  @Nested
  class RateLimits extends RateLimitContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }
}
