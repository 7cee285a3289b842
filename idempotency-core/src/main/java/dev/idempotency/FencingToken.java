package dev.idempotency;

/**
 * A fencing token: the number a claim ({@link Claim#fencingToken()}) or a lock
 * ({@link dev.idempotency.lock.LockHandle#fencingToken()}) carries, so that a write made under it can
 * be refused once a newer holder has written.
 *
 * <h2>The contract every backend keeps</h2>
 * <ul>
 *   <li><b>Per key</b>: each claim, takeover or acquisition of a key gets a token greater than every
 *       token issued before for that key, whatever the clocks do.</li>
 *   <li><b>Across keys and stores of one backend</b>: a token issued after another one was issued (the
 *       second request began after the first returned) is greater, whichever store and key issued
 *       either. So a lock's token and a claim's token can fence the same entity. The in-memory backend
 *       keeps this with one counter; Redis and the JDBC databases seed tokens from the server's clock
 *       in microseconds, so there it holds while the server clock does not step back, and on a Redis
 *       Cluster across masters only up to the masters' clock skew (keep them on NTP).</li>
 *   <li>Tokens of different backends are not comparable.</li>
 * </ul>
 *
 * <p>Pass the token to fenced writes, for example
 * {@link dev.idempotency.state.StateMachine#transition(String, Enum, FencingToken)}, whose store keeps
 * the highest token that wrote an entity and refuses a lower one. Immutable and thread-safe.
 *
 * @param value the token, non-negative
 */
public record FencingToken(long value) implements Comparable<FencingToken> {

  /**
   * Validates the value.
   *
   * @param value the token, non-negative
   * @throws InvalidInputException if the value is negative
   */
  public FencingToken {
    if (value < 0) {
      throw new InvalidInputException("fencingToken", "must be >= 0, was " + value);
    }
  }

  /**
   * A token with a value.
   *
   * @param value the value, non-negative
   * @return the token
   * @throws InvalidInputException if the value is negative
   */
  public static FencingToken of(long value) {
    return new FencingToken(value);
  }

  /**
   * Whether this token was issued after another.
   *
   * @param other the other token
   * @return true if this one is greater
   */
  public boolean isNewerThan(FencingToken other) {
    return value > other.value;
  }

  @Override
  public int compareTo(FencingToken other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
