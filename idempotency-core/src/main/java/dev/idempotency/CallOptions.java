package dev.idempotency;

import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How an idempotent call behaves: lease, retention, the in-progress policy and which exceptions are
 * terminal. Immutable and validated when built; thread-safe.
 *
 * <ul>
 *   <li><b>lease</b> (default 60 s): how long a claim is held. If the owner dies, another caller may
 *       take the key over once it expires; it must be longer than the action takes.</li>
 *   <li><b>retention</b> (default 24 h, as Stripe keeps keys): how long a finished result is
 *       replayed.</li>
 *   <li><b>inProgress</b> (default {@link InProgressPolicy#reject()}).</li>
 *   <li><b>terminal</b> exceptions (default none): an action failing with one of these types (or a
 *       subtype) has its failure stored and replayed like a result. Any other failure releases the
 *       claim so that a retry runs the action again. A stored failure is re-created through the
 *       type's public {@code (String)} constructor, or its public no-argument one (losing the
 *       message); a declared type that is concrete must have one (checked here), and a stored
 *       subtype without one replays as {@link ReplayedFailureException}.</li>
 *   <li><b>maxResultBytes</b> (default {@link Limits#DEFAULT_MAX_RESULT_BYTES}): the largest encoded
 *       result stored. A larger one (or one above the store's own limit) is never stored: the key is
 *       completed with a marker that duplicates get as {@link ResultNotStoredException}, so the
 *       action never runs twice.</li>
 * </ul>
 *
 * @param lease how long a claim is held
 * @param retention how long a result is kept
 * @param inProgress the in-progress policy
 * @param terminal the exception types whose failures are stored and replayed
 * @param maxResultBytes the largest encoded result that is stored
 */
public record CallOptions(
    Duration lease,
    Duration retention,
    InProgressPolicy inProgress,
    List<Class<? extends Throwable>> terminal,
    int maxResultBytes) {

  /** The defaults: 60 s lease, 24 h retention, reject in-progress duplicates, no terminal types, 16 MiB results. */
  public static final CallOptions DEFAULTS = builder().build();

  /**
   * Validates and freezes the options.
   *
   * @param lease how long a claim is held, positive, at most {@link Limits#MAX_STORED_DURATION}
   * @param retention how long a result is kept, positive, at most {@link Limits#MAX_STORED_DURATION}
   * @param inProgress the in-progress policy
   * @param terminal the terminal exception types; concrete ones must be re-creatable
   * @param maxResultBytes the largest encoded result that is stored, positive
   * @throws InvalidInputException if any of them is missing or out of range
   */
  public CallOptions {
    Require.storedDuration(lease, "lease");
    Require.storedDuration(retention, "retention");
    Require.nonNull(inProgress, "inProgress");
    Require.nonNull(terminal, "terminal");
    for (Class<? extends Throwable> t : terminal) {
      Require.nonNull(t, "terminal type");
      StoredFailures.requireRecreatable(t);
    }
    terminal = List.copyOf(terminal);
    Require.argument(maxResultBytes > 0, "maxResultBytes", "must be positive, was " + maxResultBytes);
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.lease = lease;
    b.retention = retention;
    b.inProgress = inProgress;
    b.terminal.addAll(terminal);
    b.maxResultBytes = maxResultBytes;
    return b;
  }

  /**
   * Whether a failure is terminal under these options.
   *
   * @param failure the action's failure
   * @return true if its type is, or extends, a declared terminal type
   */
  boolean isTerminal(Throwable failure) {
    for (Class<? extends Throwable> t : terminal) {
      if (t.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /** Builds {@link CallOptions}; not thread-safe. */
  public static final class Builder {
    private Duration lease = Duration.ofSeconds(60);
    private Duration retention = Duration.ofHours(24);
    private InProgressPolicy inProgress = InProgressPolicy.reject();
    private final Set<Class<? extends Throwable>> terminal = new LinkedHashSet<>();
    private int maxResultBytes = Limits.DEFAULT_MAX_RESULT_BYTES;

    private Builder() {}

    /**
     * Sets the largest encoded result that is stored; a larger result completes the key with a
     * marker that duplicates get as {@link ResultNotStoredException}.
     *
     * @param bytes positive
     * @return this builder
     */
    public Builder maxResultBytes(int bytes) {
      Require.argument(bytes > 0, "maxResultBytes", "must be positive, was " + bytes);
      this.maxResultBytes = bytes;
      return this;
    }

    /**
     * Sets the lease.
     *
     * @param lease positive
     * @return this builder
     */
    public Builder lease(Duration lease) {
      this.lease = Require.storedDuration(lease, "lease");
      return this;
    }

    /**
     * Sets the retention.
     *
     * @param retention positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Require.storedDuration(retention, "retention");
      return this;
    }

    /**
     * Sets the in-progress policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder inProgress(InProgressPolicy policy) {
      this.inProgress = Require.nonNull(policy, "inProgress");
      return this;
    }

    /**
     * Declares exception types whose failures are stored and replayed.
     *
     * @param types the types (their subtypes count too); a concrete one needs a public
     *     {@code (String)} or no-argument constructor, so that its replay can re-create it
     * @return this builder
     * @throws InvalidInputException if a type is null or cannot be re-created
     */
    @SafeVarargs
    public final Builder terminalOn(Class<? extends Throwable>... types) {
      Require.nonNull(types, "terminal");
      for (Class<? extends Throwable> t : types) {
        Require.nonNull(t, "terminal type");
        terminal.add(StoredFailures.requireRecreatable(t));
      }
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public CallOptions build() {
      return new CallOptions(lease, retention, inProgress, List.copyOf(terminal), maxResultBytes);
    }
  }
}
