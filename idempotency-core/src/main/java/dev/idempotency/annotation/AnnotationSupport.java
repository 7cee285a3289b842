package dev.idempotency.annotation;

import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.support.Require;
import java.lang.reflect.Method;

/**
 * What a framework integration needs to read {@link Idempotent} and its companions the way
 * {@link IdempotentMethods} does, so that its own annotations and pointcuts agree with the plain
 * proxy: the duration syntax, the derived namespace, and where an annotation is found. The Spring
 * Boot starter's advisor and {@code @IdempotentRequest} routes use it; so may an integration for
 * another framework. Stateless and thread-safe.
 */
public final class AnnotationSupport {
  private AnnotationSupport() {}

  /**
   * Reads a duration the way {@link Idempotent}'s attributes are written: ISO-8601 ({@code "PT30S"})
   * or a number with a unit ({@code "500ms"}, {@code "30s"}, {@code "5m"}, {@code "24h"},
   * {@code "7d"}); for other annotations and properties that take the same form.
   *
   * @param text the text
   * @param what what it is, for the message
   * @return the duration, positive
   * @throws InvalidInputException if it is not a positive duration
   */
  public static java.time.Duration parseDuration(String text, String what) {
    Require.nonNull(text, what);
    try {
      return MethodPlan.duration(text, what);
    } catch (PropertyPath.ResolutionException e) {
      throw new InvalidInputException(what, e.getMessage());
    }
  }

  /**
   * The namespace an empty {@link Idempotent#namespace()} derives: {@code TypeName.methodName},
   * with characters a namespace cannot hold replaced by {@code _}, cut to its longest length.
   *
   * @param type the type whose method carries the annotation
   * @param methodName the method's name
   * @return the namespace
   */
  public static String derivedNamespace(Class<?> type, String methodName) {
    return MethodPlan.derivedNamespace(Require.nonNull(type, "type"), Require.nonNull(methodName, "methodName"));
  }

  /**
   * Whether a method carries {@link Idempotent} on a target class, without compiling it: for a
   * pointcut that must not touch the engine while beans are being created.
   *
   * @param method the method called
   * @param targetClass the class of the target object, or null if unknown
   * @return whether it carries the annotation
   * @throws InvalidInputException if two different annotations are found
   */
  public static boolean isAnnotated(Method method, Class<?> targetClass) {
    return IdempotentMethods.annotated(Require.nonNull(method, "method"), targetClass) != null;
  }
}
