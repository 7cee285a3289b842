package dev.idempotency.annotation;

import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link Idempotent} method that returns a {@code Mono} or a {@code Flux}, loaded only for such a
 * method (Reactor is an optional dependency of core).
 *
 * <p>Nothing happens until the returned publisher is subscribed, as Reactor's users expect. Then the
 * key is claimed on {@link Schedulers#boundedElastic()} and the outcome stored on a small pool of the
 * library's ({@code idempotency-settle}): the store's round trips never run on the subscriber's
 * thread, which may be an event loop. The target method is called once per key: a
 * {@code Mono}'s value, or a {@code Flux}'s elements collected in order into a list, is stored when it
 * completes, and every duplicate replays it (an empty {@code Mono} replays empty). A subscriber that
 * cancels does not cancel the first call's work: it still settles its key, so a retry is answered
 * rather than run again. An error releases the key, as in {@link IdempotencyEngine#executeAsync}.
 * Thread-safe.
 */
final class ReactiveCalls {
  /**
   * Where outcomes are stored: a pool of its own, so that duplicates waiting on
   * {@link Schedulers#boundedElastic()} for a first call ({@code InProgress.AWAIT}) can never take
   * every thread the first call needs to store its result. Daemon threads, created on first use.
   */
  private static final class Settling {
    static final reactor.core.scheduler.Scheduler SCHEDULER = Schedulers.newBoundedElastic(
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 100_000, "idempotency-settle", 60, true);
  }

  private ReactiveCalls() {}

  static Object call(MethodPlan plan, IdempotencyEngine engine, IdempotencyKey key, Fingerprint fingerprint,
      IdempotentMethods.Proceed proceed) {
    Mono<CallResult<Object>> result = Mono.defer(() -> Mono.fromFuture(engine.executeAsync(key, fingerprint,
            plan.codec, plan.options, claim -> value(plan, IdempotentMethods.proceedOrRethrow(proceed))), true))
        .subscribeOn(Schedulers.boundedElastic());
    if (plan.kind == MethodPlan.Kind.FLUX) {
      return result.flatMapIterable(r -> {
        @SuppressWarnings("unchecked")
        List<Object> elements = (List<Object>) r.value();
        return elements == null ? List.of() : elements;
      });
    }
    return result.flatMap(r -> Mono.justOrEmpty(r.value()));
  }

  /** Subscribes to what the target returned; the value is handed on off the publisher's own thread. */
  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> value(MethodPlan plan, Object returned) {
    if (returned == null) {
      throw new InvalidInputException("@Idempotent", plan.display + " returned null instead of a "
          + (plan.kind == MethodPlan.Kind.FLUX ? "Flux" : "Mono"));
    }
    Publisher<Object> publisher = (Publisher<Object>) returned;
    Mono<Object> value = plan.kind == MethodPlan.Kind.FLUX
        ? Flux.from(publisher).collectList().map(list -> (Object) list)
        : Mono.from(publisher);
    // The engine stores the outcome on the thread that completes this future: keep it off event loops.
    return value.publishOn(Settling.SCHEDULER).toFuture();
  }
}
