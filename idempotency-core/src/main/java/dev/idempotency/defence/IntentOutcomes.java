package dev.idempotency.defence;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a {@link LayeredDefence} keeps each intent's outcome, so that <b>an intent's retry gets the
 * intent's answer</b>. The intent is what the caller names: a form's token, a request key, a (user,
 * product) pair.
 *
 * <p>With outcomes given to the builder ({@link LayeredDefence.Builder#intentOutcomes}), a defence
 * records what an intent ended with: its result, or a stop that a retry would meet again (sold out,
 * not on sale, a state that does not allow the move). When a later attempt of the same intent is
 * refused by something an earlier attempt consumed or holds (a used token, its own reservation, its
 * dedup row, a permit the earlier attempt spent, its lock, its call in progress), the defence looks
 * the intent up before refusing and answers what the intent got: the result (as
 * {@link DefenceOutcome.Replayed} by the layer {@code "intent"}) or the same stop. So a buyer told
 * "sold out" who retries is told "sold out" again, not "rate limited", and a form whose order
 * exists is answered with the order, not "token not valid". The lookup costs one or two reads, and
 * only on a refusal; recording costs one claim and one completion per outcome.
 *
 * <p>Implementations must be thread-safe; what they throw is logged by the defence and never
 * changes its answer (a failed lookup leaves the refusal standing, a failed record loses only the
 * record).
 *
 * @param <R> the request type
 * @param <T> the result type
 */
public interface IntentOutcomes<R, T> {

  /**
   * The outcome recorded for the request's intent.
   *
   * @param request a request of the intent
   * @return its result ({@link DefenceOutcome.Executed}) or its final stop, if one was recorded; a
   *     recorded result is returned before a recorded stop
   */
  Optional<DefenceOutcome<T>> find(R request);

  /**
   * Records how the intent ended: a result, or a stop its retries would meet again. The first
   * result recorded for an intent stays; a result recorded after a stop is found first.
   *
   * @param request the request
   * @param outcome an {@link DefenceOutcome.Executed} (or replayed) result, or a final stop
   */
  void record(R request, DefenceOutcome<T> outcome);

  /**
   * Outcomes kept in an idempotency store (the backend's, or a durable one): a result under the
   * intent's key, a stop under a key derived from it, each for {@code retention}.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param store where they are kept
   * @param intent the intent's key of a request (give it a namespace of its own)
   * @param codec how a result is stored
   * @param retention how long an outcome is kept
   * @return the outcomes; thread-safe
   * @throws InvalidInputException if an argument is null or the retention is not positive
   */
  static <R, T> IntentOutcomes<R, T> stored(IdempotencyStore store, Function<? super R, IdempotencyKey> intent,
      ResultCodec<T> codec, Duration retention) {
    return new StoredIntentOutcomes<>(Require.nonNull(store, "store"), Require.nonNull(intent, "intent"),
        Require.nonNull(codec, "codec"), Require.storedDuration(retention, "retention"));
  }
}
