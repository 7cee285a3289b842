package dev.idempotency;

/**
 * The root of every exception this library throws on purpose.
 *
 * <p>Each outcome a caller must handle has its own subclass (a request already in progress, a key
 * reused with another request, a store that cannot be reached, ...), so that callers can catch the
 * root once or the cases they care about. The cause, where there is one, is always kept.
 *
 * <p>{@link #suggestedHttpStatus()} maps each outcome onto the HTTP status an API would usually
 * answer with (the mapping Stripe and Powertools use), so that a web layer can translate without a
 * table of its own. Every exception the library throws, in one place:
 *
 * <table>
 *   <caption>The exceptions, what they mean, and their suggested HTTP status</caption>
 *   <tr><th>exception</th><th>means</th><th>HTTP</th></tr>
 *   <tr><td>{@link InvalidInputException}</td><td>bad input at a call or in configuration; nothing
 *       was written</td><td>400</td></tr>
 *   <tr><td>{@link RequestInProgressException}</td><td>a call with the same key is still running
 *       (rejected, or the bounded wait ran out)</td><td>409</td></tr>
 *   <tr><td>{@link ClaimLostException}</td><td>the action ran but its lease ran out and another
 *       owner took the key; its result was not stored</td><td>409</td></tr>
 *   <tr><td>{@link KeyReusedException}</td><td>the key was used before with another request
 *       (fingerprint)</td><td>422</td></tr>
 *   <tr><td>{@link StoreUnavailableException}</td><td>the backend could not be reached or did not
 *       answer in time</td><td>503</td></tr>
 *   <tr><td>{@link ResultNotStoredException}</td><td>the first call ran but its result can never be
 *       stored; the key holds a marker so it does not run again</td><td>500</td></tr>
 *   <tr><td>{@link CorruptRecordException}</td><td>a stored record is not in the shape the library
 *       writes (damaged or tampered with)</td><td>500</td></tr>
 *   <tr><td>{@link ReplayedFailureException}</td><td>a stored terminal failure whose type cannot be
 *       re-created, replayed</td><td>500</td></tr>
 *   <tr><td>{@link ResultCodecException}</td><td>a result codec cannot encode or decode a
 *       value</td><td>500</td></tr>
 *   <tr><td>{@link dev.idempotency.state.UnknownStateException}</td><td>a stored state the state
 *       machine's enum does not declare (an older or newer deployment wrote it)</td><td>500</td></tr>
 * </table>
 *
 * <p>Subtypes a backend or the Spring starter throws are kinds of these and keep their status:
 * {@code StoreUnreachableAtStartupException} (the starter's start-up check) is a
 * {@link StoreUnavailableException}.
 *
 * <p>A replayed terminal failure of your own type (see {@link CallOptions.Builder#terminalOn}) is
 * rethrown as that type, not as one of these.
 */
public class IdempotencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what happened, readable by an operator
   */
  public IdempotencyException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what happened, readable by an operator
   * @param cause the underlying failure, kept for diagnosis
   */
  public IdempotencyException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The HTTP status an API would usually answer with for this outcome.
   *
   * @return 500 unless a subclass knows better
   */
  public int suggestedHttpStatus() {
    return 500;
  }
}
