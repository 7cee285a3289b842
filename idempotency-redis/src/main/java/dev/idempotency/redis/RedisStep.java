package dev.idempotency.redis;

import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A store call of one key as a step of its backend's {@link RedisSteps}: alone it is the store's own
 * call (a script or a plain command); among others it is the same Lua run as a function of its key
 * and arguments inside one script. Immutable.
 *
 * @param <V> the reply's type, as the store method returns it
 */
final class RedisStep<V> implements StoreStep<V> {
  final String kind;
  final String body;
  final String passesLua;
  final byte[] key;
  final List<byte[]> args;
  private final RedisSteps runner;
  private final Supplier<V> alone;
  private final Function<Object, V> decode;
  private final Predicate<V> passes;

  /**
   * @param runner the backend's runner
   * @param kind names the body: steps of one kind have the same body and passing rule
   * @param body the Lua of the call on {@code KEYS[1]} and {@code ARGV}, ending in a {@code return}
   * @param passesLua a Lua expression on the reply {@code r} that is true when it passes
   * @param key the one key
   * @param args the arguments
   * @param alone the call made alone, as the store makes it
   * @param decode the server's reply (of the body) as the store's answer
   * @param passes the Java form of {@code passesLua}
   */
  RedisStep(RedisSteps runner, String kind, String body, String passesLua, byte[] key, List<byte[]> args,
      Supplier<V> alone, Function<Object, V> decode, Predicate<V> passes) {
    this.runner = runner;
    this.kind = kind;
    this.body = body;
    this.passesLua = passesLua;
    this.key = key;
    this.args = List.copyOf(args);
    this.alone = alone;
    this.decode = decode;
    this.passes = passes;
  }

  @Override
  public V run() {
    return alone.get();
  }

  @Override
  public boolean passes(V reply) {
    return passes.test(reply);
  }

  @Override
  public StepRunner runner() {
    return runner;
  }

  V decode(Object raw) {
    return decode.apply(raw);
  }
}
