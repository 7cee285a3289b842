package dev.idempotency.annotation;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.spi.support.Require;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Wraps a service in a JDK dynamic proxy that makes its {@link Idempotent} methods idempotent, with
 * no container or framework:
 *
 * <pre>{@code
 * OrderService orders = Idempotency.proxy(OrderService.class, new DefaultOrderService(), engine);
 * OrderConfirmation c = orders.place(request);            // runs once per key
 * boolean replayed = Idempotency.lastCall().map(CallInfo::replayed).orElse(false);
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@link Idempotent} counts on the interface's method or on the implementation's (a different
 *       annotation on both is refused).</li>
 *   <li>Every {@link Idempotent} method is compiled when the proxy is created: key and principal
 *       templates, fingerprint arguments, durations and the result codec. Any mistake is an
 *       {@link dev.idempotency.InvalidInputException} naming the interface, method and expression.</li>
 *   <li>A call runs through {@link IdempotencyEngine}: the first call with a key runs the target;
 *       duplicates get its result (through the codec, so equal to the first), 409-like
 *       {@link dev.idempotency.RequestInProgressException} or 422-like
 *       {@link dev.idempotency.KeyReusedException}.</li>
 *   <li>Return types: values (generic ones such as {@code List<Refund>} through JSON), {@code void},
 *       {@code Optional<X>}, and {@code CompletableFuture<X>} or {@code CompletionStage<X>} (claimed
 *       before the target is called, completed or released when the future completes). On a future,
 *       409 and 422 surface as the future failing with {@link dev.idempotency.RequestInProgressException}
 *       or {@link dev.idempotency.KeyReusedException} (the method itself does not throw them).</li>
 *   <li>Exceptions thrown by the target propagate unchanged, checked ones included (never wrapped in
 *       {@code UndeclaredThrowableException}).</li>
 *   <li>Unannotated methods (and default methods) pass straight through; {@code equals},
 *       {@code hashCode} and {@code toString} are the proxy's own: identity equality, identity hash,
 *       and {@code "Idempotent(" + target + ")"}.</li>
 *   <li>Whether a call was replayed: {@link #lastCall()} on the calling thread, right after the call
 *       returns (for a future, when the call returns an already replayed result).</li>
 * </ul>
 * Proxies are thread-safe if their targets are.
 */
public final class Idempotency {
  /** The last call on each thread, kept in a mutable holder so that a call allocates nothing for it. */
  private static final ThreadLocal<LastCall> LAST = ThreadLocal.withInitial(LastCall::new);

  static LastCall last() {
    return LAST.get();
  }

  static final class LastCall {
    IdempotencyKey key;
    boolean replayed;
    FencingToken fencingToken;

    void set(IdempotencyKey key, boolean replayed, FencingToken fencingToken) {
      this.key = key;
      this.replayed = replayed;
      this.fencingToken = fencingToken;
    }
  }

  private final IdempotencyEngine engine;
  private final Map<Class<?>, ResultCodec<?>> codecs;

  private Idempotency(IdempotencyEngine engine, Map<Class<?>, ResultCodec<?>> codecs) {
    this.engine = engine;
    this.codecs = Map.copyOf(codecs);
  }

  /**
   * Wraps a service.
   *
   * @param <T> the service interface
   * @param iface the service interface, whose methods carry {@link Idempotent}
   * @param target the real service
   * @param engine the engine the calls run through
   * @return the idempotent service
   */
  public static <T> T proxy(Class<T> iface, T target, IdempotencyEngine engine) {
    return builder(engine).proxy(iface, target);
  }

  /**
   * Starts configuring proxies (to register codecs for result types).
   *
   * @param engine the engine the calls run through
   * @return a builder
   */
  public static Builder builder(IdempotencyEngine engine) {
    return new Builder(Require.nonNull(engine, "engine"));
  }

  /**
   * What the last idempotent call through a proxy on this thread did.
   *
   * @return its key, whether it was replayed, and its fencing token; empty before any such call
   */
  public static Optional<CallInfo> lastCall() {
    LastCall last = LAST.get();
    return last.key == null ? Optional.empty() : Optional.of(new CallInfo(last.key, last.replayed, last.fencingToken));
  }

  /** Configures proxies; not thread-safe. */
  public static final class Builder {
    private final IdempotencyEngine engine;
    private final Map<Class<?>, ResultCodec<?>> codecs = new HashMap<>();

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
     * Wraps a service.
     *
     * @param <T> the service interface
     * @param iface the service interface
     * @param target the real service
     * @return the idempotent service
     */
    public <T> T proxy(Class<T> iface, T target) {
      return new Idempotency(engine, codecs).wrap(iface, target);
    }
  }

  private <T> T wrap(Class<T> iface, T target) {
    Require.nonNull(iface, "iface");
    Require.nonNull(target, "target");
    Require.argument(iface.isInterface(), "iface", iface.getName() + " is not an interface");
    Require.argument(iface.isInstance(target), "target", target.getClass().getName() + " does not implement " + iface.getName());
    Map<Method, Invoker> invokers = new HashMap<>();
    for (Method m : iface.getMethods()) {
      if (m.getDeclaringClass() == Object.class) {
        continue;
      }
      MethodHandle handle = targetHandle(m, target);
      Method annotated = IdempotentMethods.annotated(m, target.getClass());
      Invoker invoker = annotated == null ? new Invoker(null, handle)
          : new Invoker(MethodPlan.compile(annotated.getDeclaringClass(), annotated,
              annotated.getAnnotation(Idempotent.class), engine, codecs, null), handle);
      invokers.put(m, invoker);
    }
    InvocationHandler handler = new Handler(target, invokers, engine);
    return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  private static MethodHandle targetHandle(Method m, Object target) {
    try {
      m.trySetAccessible();
      MethodHandle h = MethodHandles.lookup().unreflect(m).bindTo(target);
      return h.asSpreader(Object[].class, m.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (IllegalAccessException e) {
      throw new dev.idempotency.InvalidInputException("iface", "cannot call " + m + ": " + e.getMessage()
          + ModuleAccess.hint(m.getDeclaringClass()));
    }
  }

  private record Invoker(MethodPlan plan, MethodHandle target) {
    Object call(Object[] args) throws Throwable {
      return (Object) target.invokeExact(args);
    }
  }

  private static final class Handler implements InvocationHandler {
    private static final Object[] NO_ARGS = new Object[0];

    private final Object target;
    private final Map<Method, Invoker> invokers;
    /**
     * The proxy class hands the same Method instances to every call, so they are looked up by
     * identity (cheaper than Method.equals, which compares signatures) in a copy-on-write map that
     * is written once per method.
     */
    private volatile IdentityHashMap<Method, Invoker> byIdentity = new IdentityHashMap<>();
    private final IdempotencyEngine engine;
    private final IdempotentMethods.CallRunner runner;

    Handler(Object target, Map<Method, Invoker> invokers, IdempotencyEngine engine) {
      this.target = target;
      this.invokers = invokers;
      this.engine = engine;
      this.runner = IdempotentMethods.engineRunner(engine);
    }

    private Invoker invoker(Method method) {
      Invoker cached = byIdentity.get(method);
      if (cached != null) {
        return cached;
      }
      Invoker found = invokers.get(method);
      if (found != null) {
        synchronized (this) {
          IdentityHashMap<Method, Invoker> copy = new IdentityHashMap<>(byIdentity);
          copy.put(method, found);
          byIdentity = copy;
        }
      }
      return found;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object[] a = args == null ? NO_ARGS : args;
      Invoker invoker = invoker(method);
      if (invoker == null) {
        return objectMethod(proxy, method, a);
      }
      MethodPlan plan = invoker.plan();
      if (plan == null) {
        return invoker.call(a);
      }
      return IdempotentMethods.call(plan, engine, runner, a, () -> invoker.call(a));
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "Idempotent(" + target + ")";
        default:
          throw new UnsupportedOperationException(method.toString());
      }
    }
  }
}
