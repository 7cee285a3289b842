package dev.idempotency.defence;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule "an intent's retry gets the intent's answer", applied by a {@link LayeredDefence} to the
 * outcome of its layers; see {@link IntentOutcomes}. Thread-safe if the outcomes are.
 */
final class IntentRule<R, T> {
  /** The layer name a recorded outcome is answered under. */
  static final String LAYER = "intent";

  private static final Logger LOG = LoggerFactory.getLogger(IntentRule.class);

  /**
   * Refusals an earlier attempt of the same intent may have caused: it used the token, holds the
   * reservation, wrote the dedup row, spent the permit, holds the lock, or is still running.
   */
  private static final Set<DefenceOutcome.Reason> RETRY_REFUSALS = EnumSet.of(DefenceOutcome.Reason.TOKEN_NOT_VALID,
      DefenceOutcome.Reason.ALREADY_RESERVED, DefenceOutcome.Reason.DUPLICATE, DefenceOutcome.Reason.RATE_LIMITED,
      DefenceOutcome.Reason.LOCKED, DefenceOutcome.Reason.IN_PROGRESS);

  /** Stops a retry of the same intent would meet again: recorded as the intent's answer. */
  private static final Set<DefenceOutcome.Reason> FINAL_STOPS = EnumSet.of(DefenceOutcome.Reason.SOLD_OUT,
      DefenceOutcome.Reason.NOT_STOCKED, DefenceOutcome.Reason.STATE_REJECTED);

  /** Hears what the rule decided, as a layer named {@link #LAYER}. */
  interface Decisions {
    void decided(String layer, LayerDecision.Kind kind, DefenceOutcome.Reason reason);
  }

  private final IntentOutcomes<R, T> outcomes;
  private final Decisions decisions;
  private final String defence;

  IntentRule(IntentOutcomes<R, T> outcomes, Decisions decisions, String defence) {
    this.outcomes = outcomes;
    this.decisions = decisions;
    this.defence = defence;
  }

  /** The answer to a request whose layers ended with {@code outcome}. */
  DefenceOutcome<T> settle(R request, DefenceOutcome<T> outcome) {
    if (!(outcome instanceof DefenceOutcome.Stopped<T> stop)) {
      record(request, outcome);
      return outcome;
    }
    if (FINAL_STOPS.contains(stop.reason())) {
      record(request, stop);
      return stop;
    }
    if (!RETRY_REFUSALS.contains(stop.reason())) {
      return stop;
    }
    Optional<DefenceOutcome<T>> earlier = find(request);
    if (earlier.isEmpty()) {
      return stop;
    }
    if (earlier.get() instanceof DefenceOutcome.Stopped<T> earlierStop) {
      decisions.decided(LAYER, LayerDecision.Kind.STOPPED, earlierStop.reason());
      return earlierStop;
    }
    decisions.decided(LAYER, LayerDecision.Kind.REPLAYED, null);
    return new DefenceOutcome.Replayed<>(earlier.get().value().orElse(null), LAYER);
  }

  private Optional<DefenceOutcome<T>> find(R request) {
    try {
      return outcomes.find(request);
    } catch (RuntimeException e) {
      LOG.warn("the outcome of an intent of {} could not be read; the refusal stands: {}", defence, e.toString());
      return Optional.empty();
    }
  }

  private void record(R request, DefenceOutcome<T> outcome) {
    try {
      outcomes.record(request, outcome);
    } catch (RuntimeException e) {
      LOG.warn("the outcome of an intent of {} could not be recorded; its retries may be refused: {}", defence,
          e.toString());
    }
  }
}
