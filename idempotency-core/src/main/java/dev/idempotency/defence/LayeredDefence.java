package dev.idempotency.defence;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Size: running the layers in order under each one's failure policy, reporting every decision, and
// the Builder; the intent rule is IntentRule, the stored outcomes StoredIntentOutcomes.
/**
 * Layers composed in order, each stopping what slipped past the one before: for example a one-time
 * token, a lock, an idempotent call, a dedup row or unique key, and a state machine.
 *
 * <pre>{@code
 * LayeredDefence<PlaceOrder, Order> defence = LayeredDefence.<PlaceOrder, Order>builder("orders")
 *     .layer(tokens.asLayer(r -> Scope.of("checkout", r.userId()), PlaceOrder::formToken), FailurePolicy.SKIP)
 *     .layer(engine.asLayer(r -> r.key(), r -> r.fingerprint(), orderCodec), FailurePolicy.SKIP)
 *     .layer(jdbcDedup.asLayer(r -> r.key()))
 *     .build();
 * DefenceOutcome<Order> outcome = defence.execute(request, r -> orders.place(r));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>The action runs at most once per call, and only if every layer lets the request through.</li>
 *   <li>The outcome names the layer that stopped or replayed a duplicate.</li>
 *   <li>When a layer's store is unavailable, its {@link FailurePolicy} decides: FAIL_CLOSED throws
 *       {@link StoreUnavailableException}; SKIP logs, reports {@code LAYER_SKIPPED} and lets the next
 *       layer decide. A layer that fails after the inner layers ran never makes them run again.</li>
 *   <li>The action's own exceptions propagate unchanged.</li>
 *   <li>Layers next to each other whose opening store calls one backend can send together
 *       ({@link Layer#open}) make them in one round trip, in order, stopping at the first that
 *       refuses, with the effects and outcomes of making them one by one; what such a call took
 *       for a layer that was then never reached is given back.</li>
 *   <li>Every layer's decision (passed, replayed, stopped with its reason, skipped, failed) is
 *       reported to the {@link LayerListener}s given to the builder, outermost layer first.</li>
 *   <li>With {@link Builder#intentOutcomes intent outcomes}, an intent's retry gets the intent's
 *       answer: a retry refused by what an earlier attempt consumed is answered with the intent's
 *       recorded result or final stop (reported as the layer {@code "intent"}).</li>
 * </ul>
 * Thread-safe if its layers are (every strategy's {@code asLayer} is).
 *
 * @param <R> the request type
 * @param <T> the result type
 */
public final class LayeredDefence<R, T> {
  private static final Logger LOG = LoggerFactory.getLogger(LayeredDefence.class);

  private final String name;
  private final List<Layer<R, T>> layers;
  private final List<FailurePolicy> policies;
  private final IdempotencyListener listener;
  private final List<LayerListener> layerListeners;
  private final IntentRule<R, T> intents;

  private LayeredDefence(Builder<R, T> b) {
    this.name = b.name;
    this.layers = List.copyOf(b.layers);
    this.policies = List.copyOf(b.policies);
    this.listener = b.listener;
    this.layerListeners = List.copyOf(b.layerListeners);
    this.intents = b.outcomes == null ? null : new IntentRule<>(b.outcomes, this::decided, b.name);
  }

  /**
   * Starts composing a defence.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param name the defence's name, an identifier used in events (for example "orders")
   * @return a builder
   */
  public static <R, T> Builder<R, T> builder(String name) {
    return new Builder<>(Require.identifier(name, "name", 64));
  }

  /**
   * The action a defence guards.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param <X> the checked exception it may throw
   */
  @FunctionalInterface
  public interface Action<R, T, X extends Exception> {
    /**
     * Does the work.
     *
     * @param request the request
     * @return the result
     * @throws X the work's failure
     */
    T run(R request) throws X;
  }

  /**
   * Runs a request through every layer and, if all let it through, the action.
   *
   * @param <X> the action's checked exception
   * @param request the request
   * @param action the work
   * @return executed, replayed (by which layer) or stopped (by which layer, why)
   * @throws X the action's failure, unchanged
   */
  public <X extends Exception> DefenceOutcome<T> execute(R request, Action<R, T, X> action) throws X {
    Require.nonNull(request, "request");
    Require.nonNull(action, "action");
    DefenceOutcome<T> outcome;
    Openings openings = new Openings();
    try {
      outcome = run(0, request, action, openings);
    } catch (Exception e) {
      throw Exceptions.rethrow(e);
    } finally {
      openings.giveBackUnused();
    }
    return intents == null ? outcome : intents.settle(request, outcome);
  }

  private DefenceOutcome<T> run(int index, R request, Action<R, T, ?> action, Openings openings) throws Exception {
    if (index == layers.size()) {
      return new DefenceOutcome.Executed<>(action.run(request));
    }
    Layer<R, T> layer = layers.get(index);
    OnceChain next = new OnceChain(layer.name(), () -> run(index + 1, request, action, openings));
    DefenceOutcome<T> outcome;
    try {
      Opened<T> opened = openings.take(index, request);
      if (opened == null) {
        outcome = layer.apply(request, next);
      } else if (opened.failure != null) {
        opened.opening.failed(opened.failure);
        throw opened.failure;
      } else {
        outcome = opened.opening.apply(opened.reply, next);
      }
    } catch (StoreUnavailableException e) {
      if (policies.get(index) != FailurePolicy.SKIP || next.failedInside) {
        if (!next.called) {
          decided(layer.name(), LayerDecision.Kind.FAILED, null);
        }
        throw e;
      }
      Listeners.report(listener, IdempotencyEvent.LAYER_SKIPPED, name);
      if (!next.called) {
        decided(layer.name(), LayerDecision.Kind.SKIPPED, null);
      }
      if (next.outcome != null) {
        LOG.warn("layer {} of {} failed after the inner layers ran; keeping their outcome: {}",
            layer.name(), name, e.getMessage());
        return next.outcome;
      }
      LOG.warn("layer {} of {} skipped: {}", layer.name(), name, e.getMessage());
      return next.proceedSkipping();
    } catch (Exception | Error e) {
      if (!next.called) {
        decided(layer.name(), LayerDecision.Kind.FAILED, null);
      }
      throw e;
    }
    if (outcome instanceof DefenceOutcome.Stopped<T> s && s.layer().equals(layer.name())) {
      decided(layer.name(), LayerDecision.Kind.STOPPED, s.reason());
    } else if (outcome instanceof DefenceOutcome.Replayed<T> r && r.layer().equals(layer.name())) {
      decided(layer.name(), LayerDecision.Kind.REPLAYED, null);
    }
    return outcome;
  }

  private void decided(String layer, LayerDecision.Kind kind, DefenceOutcome.Reason reason) {
    if (layerListeners.isEmpty()) {
      return;
    }
    LayerDecision decision = new LayerDecision(name, layer, kind, reason);
    for (LayerListener l : layerListeners) {
      try {
        l.decided(decision);
      } catch (RuntimeException e) {
        LOG.warn("layer listener {} failed on {}", l, decision, e);
      }
    }
  }

  /** A layer's opening step that ran ahead of the layer: its reply, or the run's failure. */
  private static final class Opened<T> {
    final Layer.Opening<T> opening;
    final Object reply;
    final RuntimeException failure;
    boolean applied;

    Opened(Layer.Opening<T> opening, Object reply, RuntimeException failure) {
      this.opening = opening;
      this.reply = reply;
      this.failure = failure;
    }
  }

  /**
   * One request's opening steps: when a layer is reached whose opening step shares its runner with
   * the next layers', all of theirs run in one round trip ({@link StepRunner#runInOrder}), and each
   * layer then decides on its reply. Replies of layers never reached (a layer before them stopped
   * although its own step passed, or threw) are given back ({@link Layer.Opening#unused}), so that
   * running ahead never leaves a lock held or a token used for a request those layers never saw.
   */
  private final class Openings {
    private Opened<T>[] opened;
    private int plannedTo;

    /** The opening of layer {@code index} that already ran, or null: the layer makes its own calls. */
    Opened<T> take(int index, R request) {
      if (index >= plannedTo) {
        plan(index, request);
      }
      Opened<T> o = opened == null ? null : opened[index];
      if (o != null) {
        o.applied = true;
      }
      return o;
    }

    @SuppressWarnings("unchecked")
    private void plan(int index, R request) {
      Layer.Opening<T> first = open(index, request);
      StepRunner runner = first == null ? null : first.step().runner();
      if (runner == null) {
        plannedTo = index + 1;
        return;
      }
      List<Layer.Opening<T>> run = new ArrayList<>(4);
      run.add(first);
      for (int j = index + 1; j < layers.size(); j++) {
        Layer.Opening<T> o = open(j, request);
        if (o == null || !runner.equals(o.step().runner())) {
          break;
        }
        run.add(o);
      }
      plannedTo = index + run.size();
      if (run.size() == 1) {
        return; // nothing to send together: the layer makes its call as always
      }
      List<StoreStep<?>> steps = new ArrayList<>(run.size());
      for (Layer.Opening<T> o : run) {
        steps.add(o.step());
      }
      List<Object> replies;
      RuntimeException failure = null;
      try {
        replies = runner.runInOrder(steps);
      } catch (RuntimeException e) {
        replies = List.of();
        failure = e;
      }
      if (failure == null) {
        // The steps after one that did not pass never ran: planned again if their layers are reached
        // (after an idempotent call's claim that waited for a duplicate in progress and then claimed).
        plannedTo = index + replies.size();
      }
      if (opened == null) {
        opened = (Opened<T>[]) new Opened<?>[layers.size()];
      }
      for (int k = 0; k < run.size(); k++) {
        if (failure != null) {
          opened[index + k] = new Opened<>(run.get(k), null, failure);
        } else if (k < replies.size()) {
          opened[index + k] = new Opened<>(run.get(k), replies.get(k), null);
        }
      }
    }

    private Layer.Opening<T> open(int index, R request) {
      try {
        Layer.Opening<T> o = layers.get(index).open(request);
        return o == null || o.step() == null ? null : o;
      } catch (RuntimeException e) {
        return null; // the layer's apply meets the same problem where it can report it
      }
    }

    void giveBackUnused() {
      if (opened == null) {
        return;
      }
      for (Opened<T> o : opened) {
        if (o != null && !o.applied && o.failure == null) {
          try {
            o.opening.unused(o.reply);
          } catch (RuntimeException e) {
            LOG.warn("could not give back what a step of {} took ahead of its layer: {}", name, e.getMessage());
          }
        }
      }
    }
  }

  /** Runs the inner chain at most once, reports the layer's pass, and remembers how it ended. */
  private final class OnceChain implements Layer.Chain<T> {
    private final String layer;
    private final Layer.Chain<T> inner;
    private boolean called;
    private boolean failedInside;
    private DefenceOutcome<T> outcome;

    OnceChain(String layer, Layer.Chain<T> inner) {
      this.layer = layer;
      this.inner = inner;
    }

    @Override
    public DefenceOutcome<T> proceed() throws Exception {
      if (called) {
        throw new IllegalStateException("a layer of " + name + " called the next layer twice");
      }
      decided(layer, LayerDecision.Kind.PASSED, null);
      return runInner();
    }

    /** The inner chain after the layer was skipped (reported as such, not as a pass). */
    DefenceOutcome<T> proceedSkipping() throws Exception {
      return runInner();
    }

    private DefenceOutcome<T> runInner() throws Exception {
      called = true;
      try {
        outcome = inner.proceed();
        return outcome;
      } catch (Exception | Error e) {
        failedInside = true;
        throw e;
      }
    }
  }

  /**
   * Composes a {@link LayeredDefence}; not thread-safe.
   *
   * @param <R> the request type
   * @param <T> the result type
   */
  public static final class Builder<R, T> {
    private final String name;
    private final List<Layer<R, T>> layers = new ArrayList<>();
    private final List<FailurePolicy> policies = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private IdempotencyListener listener = IdempotencyListener.NOOP;
    private final List<LayerListener> layerListeners = new ArrayList<>();
    private IntentOutcomes<R, T> outcomes;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Adds a layer that fails closed.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder<R, T> layer(Layer<R, T> layer) {
      return layer(layer, FailurePolicy.FAIL_CLOSED);
    }

    /**
     * Adds a layer, innermost so far.
     *
     * @param layer the layer
     * @param policy what to do when its store is unavailable
     * @return this builder
     */
    public Builder<R, T> layer(Layer<R, T> layer, FailurePolicy policy) {
      Require.nonNull(layer, "layer");
      Require.nonNull(policy, "policy");
      Require.argument(names.add(layer.name()), "layer", "two layers are named " + layer.name());
      layers.add(layer);
      policies.add(policy);
      return this;
    }

    /**
     * Sets the listener that hears of skipped layers.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<R, T> listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Adds a listener that hears every layer's decision for every request.
     *
     * @param layerListener the listener
     * @return this builder
     */
    public Builder<R, T> layerListener(LayerListener layerListener) {
      layerListeners.add(Require.nonNull(layerListener, "layerListener"));
      return this;
    }

    /**
     * Keeps each intent's outcome, so that an intent's retry gets the intent's answer: a retry
     * refused by what an earlier attempt consumed (its token, its reservation, its dedup row, a
     * permit, its lock, its call in progress) is answered with the intent's recorded result or final
     * stop instead. See {@link IntentOutcomes}.
     *
     * @param outcomes where the outcomes are kept
     * @return this builder
     */
    public Builder<R, T> intentOutcomes(IntentOutcomes<R, T> outcomes) {
      this.outcomes = Require.nonNull(outcomes, "outcomes");
      return this;
    }

    /**
     * Builds the defence.
     *
     * @return the defence
     */
    public LayeredDefence<R, T> build() {
      Require.argument(!layers.isEmpty(), "layers", "a defence needs at least one layer");
      return new LayeredDefence<>(this);
    }
  }
}
