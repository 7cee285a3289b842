package dev.idempotency.defence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Layers whose opening store calls one backend can send together: one round trip, the same outcomes. */
class LayeredDefenceOpeningsTest {
  private final List<String> log = new ArrayList<>();
  private final AtomicInteger actions = new AtomicInteger();

  /** Runs steps one by one, as a backend that sends them in one round trip would decide, and counts its calls. */
  private final class Runner implements StepRunner {
    final List<List<String>> batches = new ArrayList<>();
    RuntimeException failure;

    @Override
    public List<Object> runInOrder(List<? extends StoreStep<?>> steps) {
      List<String> batch = new ArrayList<>();
      batches.add(batch);
      if (failure != null) {
        throw failure;
      }
      List<Object> replies = new ArrayList<>();
      for (StoreStep<?> s : steps) {
        Step step = (Step) s;
        batch.add(step.name);
        Boolean reply = step.answer;
        log.add("ran " + step.name);
        replies.add(reply);
        if (!step.passes(reply)) {
          break;
        }
      }
      return replies;
    }
  }

  private final class Step implements StoreStep<Boolean> {
    final String name;
    final boolean answer;
    final StepRunner runner;

    Step(String name, boolean answer, StepRunner runner) {
      this.name = name;
      this.answer = answer;
      this.runner = runner;
    }

    @Override
    public Boolean run() {
      log.add("ran alone " + name);
      return answer;
    }

    @Override
    public boolean passes(Boolean reply) {
      return reply;
    }

    @Override
    public StepRunner runner() {
      return runner;
    }
  }

  /**
   * A layer whose store answers {@code answer}; with a runner it opens with that call as a step.
   * {@code stopsAnyway}: it stops the request even when its call passes (a check after the call).
   */
  private final class Guard implements Layer<String, String> {
    final String name;
    final boolean answer;
    final Runner runner;
    boolean stopsAnyway;

    Guard(String name, boolean answer, Runner runner) {
      this.name = name;
      this.answer = answer;
      this.runner = runner;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public DefenceOutcome<String> apply(String request, Chain<String> next) throws Exception {
      log.add("called " + name);
      if (runner != null && runner.failure != null) {
        throw runner.failure;
      }
      return decide(answer, next);
    }

    private DefenceOutcome<String> decide(boolean passed, Chain<String> next) throws Exception {
      if (!passed || stopsAnyway) {
        return new DefenceOutcome.Stopped<>(name, DefenceOutcome.Reason.RATE_LIMITED, name + " refused");
      }
      return next.proceed();
    }

    @Override
    public Opening<String> open(String request) {
      if (runner == null) {
        return null;
      }
      Step step = new Step(name, answer, runner);
      return new Opening<>() {
        @Override
        public StoreStep<?> step() {
          return step;
        }

        @Override
        public DefenceOutcome<String> apply(Object reply, Chain<String> next) throws Exception {
          log.add("decided " + name);
          return decide((Boolean) reply, next);
        }

        @Override
        public void unused(Object reply) {
          log.add("gave back " + name);
        }
      };
    }
  }

  private DefenceOutcome<String> run(List<Guard> guards, List<FailurePolicy> policies, List<LayerDecision> decisions) {
    LayeredDefence.Builder<String, String> b = LayeredDefence.<String, String>builder("test").layerListener(decisions::add);
    for (int i = 0; i < guards.size(); i++) {
      b.layer(guards.get(i), policies.get(i));
    }
    return b.build().execute("request", r -> "done-" + actions.incrementAndGet());
  }

  private DefenceOutcome<String> run(Guard... guards) {
    List<FailurePolicy> policies = new ArrayList<>();
    for (Guard g : guards) {
      policies.add(FailurePolicy.FAIL_CLOSED);
    }
    return run(List.of(guards), policies, new ArrayList<>());
  }

  @Test
  void adjacentLayersOfOneRunnerSendTheirStepsTogetherAndEachDecidesOnItsReply() {
    Runner redis = new Runner();
    DefenceOutcome<String> outcome = run(new Guard("user", true, redis), new Guard("global", true, redis),
        new Guard("token", true, redis));
    assertThat(outcome.value()).contains("done-1");
    assertThat(redis.batches).containsExactly(List.of("user", "global", "token"));
    assertThat(log).containsExactly("ran user", "ran global", "ran token", "decided user", "decided global",
        "decided token");
  }

  @Test
  void theRunStopsAtTheFirstRefusalAndTheLayersBehindItAreNeverAsked() {
    Runner redis = new Runner();
    DefenceOutcome<String> outcome = run(new Guard("user", true, redis), new Guard("global", false, redis),
        new Guard("token", true, redis));
    assertThat(outcome).isInstanceOfSatisfying(DefenceOutcome.Stopped.class, s -> assertThat(s.layer()).isEqualTo("global"));
    assertThat(log).containsExactly("ran user", "ran global", "decided user", "decided global");
    assertThat(actions).hasValue(0);
  }

  @Test
  void aLayerWithoutAStepOrWithAnotherRunnerEndsTheRun() {
    Runner redis = new Runner();
    Runner other = new Runner();
    DefenceOutcome<String> outcome = run(new Guard("a", true, redis), new Guard("local", true, null),
        new Guard("b", true, redis), new Guard("c", true, redis), new Guard("elsewhere", true, other));
    assertThat(outcome.value()).contains("done-1");
    assertThat(redis.batches).as("a alone makes its own call; b and c go together").containsExactly(List.of("b", "c"));
    assertThat(other.batches).as("a run of one is the layer's own call").isEmpty();
    assertThat(log).containsExactly("called a", "called local", "ran b", "ran c", "decided b", "decided c",
        "called elsewhere");
  }

  @Test
  void aFailedRunIsEachLayersFailureUnderItsOwnPolicy() {
    Runner redis = new Runner();
    redis.failure = new StoreUnavailableException("redis", "steps", null);
    List<LayerDecision> decisions = new ArrayList<>();
    DefenceOutcome<String> skipped = run(List.of(new Guard("user", true, redis), new Guard("token", true, redis)),
        List.of(FailurePolicy.SKIP, FailurePolicy.SKIP), decisions);
    assertThat(skipped.value()).contains("done-1");
    assertThat(decisions).extracting(LayerDecision::layer, LayerDecision::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("user", LayerDecision.Kind.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("token", LayerDecision.Kind.SKIPPED));
    assertThat(redis.batches).as("one attempt, not one per layer").hasSize(1);

    decisions.clear();
    assertThatThrownBy(() -> run(List.of(new Guard("user", true, redis), new Guard("token", true, redis)),
        List.of(FailurePolicy.SKIP, FailurePolicy.FAIL_CLOSED), decisions)).isSameAs(redis.failure);
    assertThat(decisions).extracting(LayerDecision::layer, LayerDecision::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("user", LayerDecision.Kind.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("token", LayerDecision.Kind.FAILED));
    assertThat(log).as("no layer made a call of its own after the run failed").noneMatch(l -> l.startsWith("called"));
    assertThat(actions).hasValue(1);
  }

  @Test
  void whatAStepTookForALayerNeverReachedIsGivenBack() {
    Runner redis = new Runner();
    Guard user = new Guard("user", true, redis);
    user.stopsAnyway = true;
    DefenceOutcome<String> outcome = run(user, new Guard("token", true, redis), new Guard("lock", true, redis));
    assertThat(outcome).isInstanceOf(DefenceOutcome.Stopped.class);
    assertThat(log).containsExactly("ran user", "ran token", "ran lock", "decided user", "gave back token",
        "gave back lock");
  }
}
