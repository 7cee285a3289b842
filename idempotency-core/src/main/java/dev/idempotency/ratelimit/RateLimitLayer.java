package dev.idempotency.ratelimit;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StoreStep;
import java.util.function.Function;

/** A rate limit as a layer; see {@link RateLimiter#asLayer}. */
final class RateLimitLayer<R, T> implements Layer<R, T> {
  private final RateLimiter limiter;
  private final Function<? super R, String> key;
  private final String name;

  RateLimitLayer(RateLimiter limiter, Function<? super R, String> key) {
    this.limiter = limiter;
    this.key = key;
    this.name = "rate-limit:" + limiter.name();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    String k = key.apply(request);
    return decide(k, limiter.tryAcquire(k), next);
  }

  @Override
  public Opening<T> open(R request) {
    if (!limiter.hasSteps()) {
      return null;
    }
    String k = key.apply(request);
    StoreStep<Long> step = limiter.acquireStep(k);
    if (step == null) {
      return null;
    }
    return new Opening<>() {
      @Override
      public StoreStep<?> step() {
        return step;
      }

      @Override
      public DefenceOutcome<T> apply(Object reply, Chain<T> next) throws Exception {
        return decide(k, RateLimiter.decision((Long) reply), next);
      }
    };
  }

  private DefenceOutcome<T> decide(String k, RateLimitDecision d, Chain<T> next) throws Exception {
    if (!d.allowed()) {
      return new DefenceOutcome.Stopped<>(name, DefenceOutcome.Reason.RATE_LIMITED,
          "rate limit " + limiter.name() + " reached for " + k + "; retry after " + d.retryAfterSeconds() + " s",
          d.retryAfter());
    }
    return next.proceed();
  }
}
