package dev.idempotency.spring;

import dev.idempotency.annotation.Idempotent;
import dev.idempotency.annotation.AnnotationSupport;
import dev.idempotency.annotation.IdempotentMethods;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;

/**
 * Makes the {@link Idempotent} methods of Spring beans idempotent: a pointcut on the annotation
 * (on the class's method, an interface's, or a superclass's) and an interceptor that runs each call
 * through {@link IdempotentMethods}, the same compiled plans as {@code Idempotency.proxy}. No
 * AspectJ weaving: beans with or without interfaces are proxied by Spring AOP.
 *
 * <p>Calls through {@code this} inside the bean are not intercepted (Spring AOP's rule): call the
 * method through the bean. The pointcut only reads annotations, so no backend is touched while beans
 * are created; every matched method is compiled when the context has started, so a wrong annotation
 * fails the start, naming the method. Ordered after a {@code @Transactional} advisor of the same
 * order, so a method that is both runs its idempotent call inside the transaction. Thread-safe.
 */
public final class IdempotentAdvisor extends AbstractPointcutAdvisor implements SmartInitializingSingleton {
  private static final long serialVersionUID = 1L;

  private final transient Supplier<IdempotentMethods> methods;
  private final transient Map<Method, Class<?>> matched = new ConcurrentHashMap<>();
  private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {
    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      Class<?> user = targetClass == null ? null : ClassUtils.getUserClass(targetClass);
      boolean annotated = AnnotationSupport.isAnnotated(method, user);
      if (annotated) {
        matched.putIfAbsent(method, user == null ? method.getDeclaringClass() : user);
      }
      return annotated;
    }
  };
  private final transient MethodInterceptor interceptor = this::invoke;

  /**
   * An advisor that looks its methods up when first needed.
   *
   * @param methods the compiled methods (resolved lazily, after the pointcut has matched)
   */
  public IdempotentAdvisor(Supplier<IdempotentMethods> methods) {
    this.methods = methods;
  }

  private Object invoke(MethodInvocation invocation) throws Throwable {
    Object target = invocation.getThis();
    Class<?> targetClass = target == null ? null : ClassUtils.getUserClass(AopUtils.getTargetClass(target));
    return methods.get().invoke(invocation.getMethod(), targetClass, invocation.getArguments(), invocation::proceed);
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return interceptor;
  }

  /** Compiles every matched method, so that a wrong annotation fails the start, not the first call. */
  @Override
  public void afterSingletonsInstantiated() {
    IdempotentMethods m = methods.get();
    matched.forEach((method, targetClass) -> m.isIdempotent(method, targetClass));
  }
}
