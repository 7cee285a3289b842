package dev.idempotency.defence;

import java.util.Optional;

/**
 * What one layer of a {@link LayeredDefence} decided for one request, as its
 * {@link LayerListener} hears it.
 *
 * @param defence the defence's name
 * @param layer the layer's name
 * @param kind what the layer did
 * @param reason why it stopped the request; null unless {@link Kind#STOPPED}
 */
public record LayerDecision(String defence, String layer, Kind kind, DefenceOutcome.Reason reason) {

  /** What a layer did with a request. */
  public enum Kind {
    /** It let the request through to the next layer (or the action). */
    PASSED,
    /** It answered the request with a stored result; nothing inside it ran. */
    REPLAYED,
    /** It stopped the request ({@link #reason()} says why); nothing inside it ran. */
    STOPPED,
    /** Its store was unavailable and its policy is {@link FailurePolicy#SKIP}: the next layer decides. */
    SKIPPED,
    /** It threw before letting the request through (its store was unavailable and it fails closed, or it failed). */
    FAILED
  }

  /**
   * Why the layer stopped the request.
   *
   * @return the reason, when {@link Kind#STOPPED}
   */
  public Optional<DefenceOutcome.Reason> stopReason() {
    return Optional.ofNullable(reason);
  }
}
