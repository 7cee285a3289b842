package dev.idempotency.token;

import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
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
    if (!tokens.consume(s, presented)) {
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
