package dev.idempotency.examples.orders;

import dev.idempotency.defence.DefenceOutcome;

/**
 * A layer of a defence stopped the request: the one exception every use case throws for a stop, and
 * the one place the web layer turns a stop into a status ({@code web.ProblemAdvice}).
 */
public final class LayerStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient DefenceOutcome.Stopped<?> stopped;

  private LayerStoppedException(DefenceOutcome.Stopped<?> stopped) {
    super(stopped.detail(), null, false, false);
    this.stopped = stopped;
  }

  /** @return the stop: its layer, reason, detail and retry-after */
  public DefenceOutcome.Stopped<?> stopped() {
    return stopped;
  }

  /**
   * The value of an outcome that passed or was replayed.
   *
   * @param <T> the result type
   * @param outcome a defence's outcome
   * @return its value
   * @throws LayerStoppedException if a layer stopped the request
   */
  public static <T> T valueOf(DefenceOutcome<T> outcome) {
    if (outcome instanceof DefenceOutcome.Stopped<T> s) {
      throw new LayerStoppedException(s);
    }
    return outcome.value().orElseThrow();
  }
}
