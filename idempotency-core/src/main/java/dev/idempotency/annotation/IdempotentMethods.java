package dev.idempotency.annotation;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotentAction;
import dev.idempotency.InvalidInputException;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.spi.support.Require;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

// Size: finding the annotation through a type hierarchy, caching compiled plans, running one call
// for every return shape, and the Builder; the plan itself is MethodPlan.
/**
 * The {@link Idempotent} methods of any class, for a framework's method interceptor (Spring AOP,
 * CDI, a hand-written decorator): finds a method's annotation, compiles it once, and runs a call
 * through the engine exactly as {@link Idempotency#proxy} does, with the same attributes, key
 * templates, codecs and {@link Idempotency#lastCall()}.
 *
 * <pre>{@code
 * IdempotentMethods methods = IdempotentMethods.builder(engine).build();
 * if (methods.isIdempotent(method, targetClass)) {         // when the proxy is made: fails fast
 *   return methods.invoke(method, targetClass, args, invocation::proceed);
 * }
 * }</pre>
 *
 * <h2>Where the annotation is found</h2>
 * On the method as the target class declares or inherits it, or on the same method of any interface
 * the class implements, or of a superclass; two different annotations are refused. An empty
 * {@link Idempotent#namespace()} derives {@code TypeName.methodName} from the type whose method
 * carries the annotation.
 *
 * <p>Immutable and thread-safe; compiled plans are cached per method and target class.
 */
public final class IdempotentMethods {

  /** The rest of the call: the target method itself. */
  @FunctionalInterface
  public interface Proceed {
    /**
     * Calls the target.
     *
     * @return its result
     * @throws Throwable whatever the target throws
     */
    Object proceed() throws Throwable;
  }

  /**
   * Runs the synchronous idempotent calls: by default {@link IdempotencyEngine#execute}; a framework
   * replaces it to run a call in its current transaction (the starter does for JDBC).
   */
  public interface CallRunner {
    /**
     * Runs one idempotent call.
     *
     * @param <T> the result type
     * @param <X> the action's checked exception
     * @param key the key
     * @param fingerprint the request's fingerprint
     * @param codec the result's codec
     * @param options the method's options
     * @param action the call of the target
     * @return the result, fresh or replayed
     * @throws X the action's own failure, unchanged
     */
    <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint, ResultCodec<T> codec,
        CallOptions options, IdempotentAction<T, X> action) throws X;
  }

  /** The marker of a method without {@link Idempotent}. */
  private static final Optional<MethodPlan> NONE = Optional.empty();

  private final IdempotencyEngine engine;
  private final Map<Class<?>, ResultCodec<?>> codecs;
  private final Function<Type, ResultCodec<?>> json;
  private final CallRunner runner;
  private final ConcurrentHashMap<MethodKey, Optional<MethodPlan>> plans = new ConcurrentHashMap<>();

  private IdempotentMethods(Builder b) {
    this.engine = b.engine;
    this.codecs = Map.copyOf(b.codecs);
    this.json = b.json;
    this.runner = b.runner != null ? b.runner : engineRunner(b.engine);
  }

  /**
   * Starts configuring.
   *
   * @param engine the engine calls run through
   * @return a builder
   * @throws InvalidInputException if the engine is null
   */
  public static Builder builder(IdempotencyEngine engine) {
    return new Builder(Require.nonNull(engine, "engine"));
  }

  /**
   * The engine calls run through.
   *
   * @return the engine
   */
  public IdempotencyEngine engine() {
    return engine;
  }

  /**
   * Whether a method is idempotent on a target class, compiling its annotation on the first ask.
   *
   * @param method the method called (an interface's or the class's)
   * @param targetClass the class of the target object, or null if unknown
   * @return whether it carries {@link Idempotent}
   * @throws InvalidInputException if the annotation is wrong (an unknown parameter in a template, no
   *     key, a bad duration, no codec for the result, two different annotations)
   */
  public boolean isIdempotent(Method method, Class<?> targetClass) {
    return plan(method, targetClass).isPresent();
  }

  /**
   * Runs a call: through the engine if the method is idempotent, straight to the target if not.
   * The target's exceptions propagate unchanged.
   *
   * @param method the method called
   * @param targetClass the class of the target object, or null if unknown
   * @param args the arguments (null for none)
   * @param proceed calls the target
   * @return the result, fresh or replayed
   * @throws Throwable the target's own failure, or the library's exceptions (409-like
   *     {@link dev.idempotency.RequestInProgressException}, 422-like
   *     {@link dev.idempotency.KeyReusedException}, {@link dev.idempotency.StoreUnavailableException})
   */
  public Object invoke(Method method, Class<?> targetClass, Object[] args, Proceed proceed) throws Throwable {
    Optional<MethodPlan> plan = plan(method, targetClass);
    if (plan.isEmpty()) {
      return proceed.proceed();
    }
    return call(plan.get(), engine, runner, args == null ? new Object[0] : args, proceed);
  }

  private Optional<MethodPlan> plan(Method method, Class<?> targetClass) {
    Require.nonNull(method, "method");
    MethodKey k = new MethodKey(method, targetClass);
    Optional<MethodPlan> plan = plans.get(k);
    if (plan == null) {
      // Compiled outside computeIfAbsent: compiling may load classes and must not hold the map's lock.
      plan = compile(method, targetClass);
      Optional<MethodPlan> raced = plans.putIfAbsent(k, plan);
      if (raced != null) {
        plan = raced;
      }
    }
    return plan;
  }

  private Optional<MethodPlan> compile(Method method, Class<?> targetClass) {
    Method annotated = annotated(method, targetClass);
    if (annotated == null) {
      return NONE;
    }
    return Optional.of(MethodPlan.compile(annotated.getDeclaringClass(), annotated,
        annotated.getAnnotation(Idempotent.class), engine, codecs, json));
  }

  /**
   * The method that carries the annotation: the method as called, the target class's, or the same
   * method of any of its superclasses and interfaces. Different annotations are refused.
   */
  static Method annotated(Method method, Class<?> targetClass) {
    Method found = method.isAnnotationPresent(Idempotent.class) ? method : null;
    if (targetClass == null || Modifier.isStatic(method.getModifiers())) {
      return found;
    }
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> types = new ArrayDeque<>();
    types.add(targetClass);
    while (!types.isEmpty()) {
      Class<?> type = types.poll();
      if (type == Object.class || !seen.add(type)) {
        continue;
      }
      Method candidate = declared(type, method);
      if (candidate != null && candidate.isAnnotationPresent(Idempotent.class)) {
        if (found == null) {
          found = candidate;
        } else if (!found.getAnnotation(Idempotent.class).equals(candidate.getAnnotation(Idempotent.class))) {
          throw new InvalidInputException("@Idempotent", targetClass.getSimpleName() + "." + method.getName()
              + " is annotated differently on " + found.getDeclaringClass().getName() + " and on "
              + candidate.getDeclaringClass().getName() + "; keep one of them");
        }
      }
      if (type.getSuperclass() != null) {
        types.add(type.getSuperclass());
      }
      types.addAll(java.util.Arrays.asList(type.getInterfaces()));
    }
    return found;
  }

  private static Method declared(Class<?> type, Method method) {
    try {
      Method m = type.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return m.isBridge() || m.isSynthetic() ? null : m;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The engine's own synchronous call. */
  static CallRunner engineRunner(IdempotencyEngine engine) {
    return new CallRunner() {
      @Override
      public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
          ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
        return engine.execute(key, fingerprint, codec, options, action);
      }
    };
  }

  /**
   * One call of a compiled method, shared by {@link Idempotency}'s proxies and this class: the key,
   * the fingerprint, the engine (a future's claim before the target is called), the result in the
   * method's return shape, and {@link Idempotency#lastCall()}.
   */
  static Object call(MethodPlan plan, IdempotencyEngine engine, CallRunner runner, Object[] args, Proceed proceed)
      throws Throwable {
    Idempotency.LastCall last = Idempotency.last();
    last.key = null;
    IdempotencyKey key = plan.key(args);
    if (plan.kind == MethodPlan.Kind.MONO || plan.kind == MethodPlan.Kind.FLUX) {
      return ReactiveCalls.call(plan, engine, key, plan.fingerprint(args), proceed);
    }
    if (plan.kind == MethodPlan.Kind.FUTURE) {
      CompletableFuture<CallResult<Object>> f = engine.executeAsync(key, plan.fingerprint(args), plan.codec,
          plan.options, claim -> {
            @SuppressWarnings("unchecked")
            CompletionStage<Object> stage = (CompletionStage<Object>) proceedOrRethrow(proceed);
            return stage;
          });
      if (f.isDone() && !f.isCompletedExceptionally()) {
        CallResult<Object> r = f.join();
        last.set(key, r.replayed(), r.fencingToken());
      }
      return f.thenApply(CallResult::value);
    }
    CallResult<Object> r = runner.execute(key, plan.fingerprint(args), plan.codec, plan.options, claim -> {
      Object result = proceedOrRethrow(proceed);
      return plan.kind == MethodPlan.Kind.OPTIONAL ? ((Optional<?>) result).orElse(null) : result;
    });
    last.set(key, r.replayed(), r.fencingToken());
    switch (plan.kind) {
      case VOID:
        return null;
      case OPTIONAL:
        return Optional.ofNullable(r.value());
      default:
        return r.value();
    }
  }

  static Object proceedOrRethrow(Proceed proceed) {
    try {
      return proceed.proceed();
    } catch (Throwable t) {
      throw Exceptions.rethrow(t);
    }
  }

  private record MethodKey(Method method, Class<?> targetClass) { }

  /** Configures an {@link IdempotentMethods}; not thread-safe. */
  public static final class Builder {
    private final IdempotencyEngine engine;
    private final Map<Class<?>, ResultCodec<?>> codecs = new HashMap<>();
    private Function<Type, ResultCodec<?>> json;
    private CallRunner runner;

    private Builder(IdempotencyEngine engine) {
      this.engine = engine;
    }

    /**
     * Registers the codec of a result type.
     *
     * @param <X> the type
     * @param type the result class
     * @param codec its codec
     * @return this builder
     */
    public <X> Builder codec(Class<X> type, ResultCodec<X> codec) {
      codecs.put(Require.nonNull(type, "type"), Require.nonNull(codec, "codec"));
      return this;
    }

    /**
     * How results without a registered codec become JSON, for example with the application's own
     * Jackson mapper; by default {@link dev.idempotency.codec.Codecs#json(dev.idempotency.codec.TypeRef)}.
     *
     * @param json the codec of a (possibly generic) result type
     * @return this builder
     */
    public Builder json(Function<Type, ResultCodec<?>> json) {
      this.json = Require.nonNull(json, "json");
      return this;
    }

    /**
     * How synchronous calls run; by default through the engine.
     *
     * @param runner the runner
     * @return this builder
     */
    public Builder runner(CallRunner runner) {
      this.runner = Require.nonNull(runner, "runner");
      return this;
    }

    /**
     * Builds.
     *
     * @return the methods
     */
    public IdempotentMethods build() {
      return new IdempotentMethods(this);
    }
  }
}
