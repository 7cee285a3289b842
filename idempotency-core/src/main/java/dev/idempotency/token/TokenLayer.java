package dev.idempotency.token;

import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StoreStep;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one-time token as a layer; see {@link OneTimeTokens#asLayer}. */
final class TokenLayer<R, T> implements Layer<R, T> {
  private static final Logger LOG = LoggerFactory.getLogger(TokenLayer.class);

  private final OneTimeTokens tokens;
  private final Function<? super R, Scope> scope;
  private final Function<? super R, String> token;

  TokenLayer(OneTimeTokens tokens, Function<? super R, Scope> scope, Function<? super R, String> token) {
    this.tokens = tokens;
    this.scope = scope;
    this.token = token;
  }

  @Override
  public String name() {
    return "token";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    String presented = token.apply(request);
    Scope s = scope.apply(request);
    if (!OneTimeTokens.isWellFormed(presented)) {
      // A client whose token could not be issued (the store was down) presents none: if the
      // store is still down this throws, and on SKIP the later layers decide.
      tokens.checkAvailable(s);
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID,
          "no valid one-time token was presented");
    }
    return afterConsume(s, presented, tokens.consume(s, presented), next);
  }

  @Override
  public Opening<T> open(R request) {
    if (!tokens.hasSteps()) {
      return null;
    }
    String presented = token.apply(request);
    if (!OneTimeTokens.isWellFormed(presented)) {
      return null; // apply answers it, with the store's check
    }
    Scope s = scope.apply(request);
    StoreStep<Boolean> step = tokens.consumeStep(s, presented);
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
        return afterConsume(s, presented, tokens.consumed(s, (Boolean) reply), next);
      }

      @Override
      public void unused(Object reply) {
        if ((Boolean) reply) {
          tokens.restore(s, presented);
        }
      }

      @Override
      public void failed(RuntimeException failure) {
        tokens.consumeFailed(s, failure);
      }
    };
  }

  private DefenceOutcome<T> afterConsume(Scope s, String presented, boolean consumed, Chain<T> next)
      throws Exception {
    if (!consumed) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID,
          "the one-time token is not valid");
    }
    DefenceOutcome<T> inner;
    try {
      inner = next.proceed();
    } catch (Exception | Error e) {
      try {
        tokens.restore(s, presented);
      } catch (RuntimeException restoreFailure) {
        e.addSuppressed(restoreFailure);
      }
      throw e;
    }
    if (inner instanceof DefenceOutcome.Stopped<T>) {
      try {
        tokens.restore(s, presented);
      } catch (StoreUnavailableException e) {
        LOG.warn("could not give back the one-time token of a stopped request: {}", e.getMessage());
      }
    }
    return inner;
  }
}
