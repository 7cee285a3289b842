package dev.idempotency.spring.web;

import dev.idempotency.CallOptions;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.internal.Hashing;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The MVC routes annotated with {@link IdempotentRequest}, compiled when the context has started
 * (a bad namespace or retention fails the start, naming the handler) and found per request through
 * the application's {@link RequestMappingHandlerMapping}. Thread-safe.
 */
public final class IdempotentRoutes implements SmartInitializingSingleton {
  /**
   * One opted-in route.
   *
   * @param namespace the namespace of its keys
   * @param options its call options
   * @param required whether a request without a key is refused
   */
  record Route(String namespace, CallOptions options, boolean required) {
    Scope scope(HttpServletRequest request) {
      java.security.Principal p = request.getUserPrincipal();
      if (p == null || p.getName() == null || p.getName().isEmpty()) {
        return Scope.of(namespace);
      }
      try {
        return Scope.of(namespace, p.getName());
      } catch (InvalidInputException e) {
        // A name the key format cannot hold (too long, control characters) is scoped by its hash.
        return Scope.of(namespace, Hashing.sha256Hex(p.getName()));
      }
    }
  }

  private final Supplier<List<RequestMappingHandlerMapping>> mappings;
  private final CallOptions defaults;
  private final Map<Method, Optional<Route>> routes = new ConcurrentHashMap<>();

  /**
   * Routes of a handler mapping.
   *
   * @param mappings the application's handler mappings (there may be several: actuator adds its
   *     own), in order, resolved when first needed
   * @param defaults the options of every route, before its annotation's
   */
  public IdempotentRoutes(Supplier<List<RequestMappingHandlerMapping>> mappings, CallOptions defaults) {
    this.mappings = mappings;
    this.defaults = defaults;
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (RequestMappingHandlerMapping m : mappings.get()) {
      m.getHandlerMethods().values().forEach(this::route);
    }
  }

  /** The route a request goes to, if it opted in. */
  Optional<Route> find(HttpServletRequest request) {
    boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
    try {
      if (!parsed) {
        ServletRequestPathUtils.parseAndCache(request);
      }
      for (RequestMappingHandlerMapping m : mappings.get()) {
        HandlerExecutionChain chain = m.getHandler(request);
        if (chain != null) {
          return chain.getHandler() instanceof HandlerMethod h ? route(h) : Optional.empty();
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      // No route, or one the mapping refuses (405, 415): the dispatcher answers it as usual.
      return Optional.empty();
    } finally {
      if (!parsed) {
        ServletRequestPathUtils.clearParsedRequestPath(request);
      }
    }
  }

  private Optional<Route> route(HandlerMethod handler) {
    return routes.computeIfAbsent(handler.getMethod(), k -> compile(handler));
  }

  private Optional<Route> compile(HandlerMethod handler) {
    Method method = handler.getMethod();
    Class<?> type = ClassUtils.getUserClass(handler.getBeanType());
    IdempotentRequest a = AnnotatedElementUtils.findMergedAnnotation(method, IdempotentRequest.class);
    if (a == null) {
      a = AnnotatedElementUtils.findMergedAnnotation(type, IdempotentRequest.class);
    }
    if (a == null) {
      return Optional.empty();
    }
    String where = type.getName() + "." + method.getName();
    String namespace = a.namespace().isEmpty() ? IdempotentMethods.derivedNamespace(type, method.getName()) : a.namespace();
    try {
      Scope.of(namespace);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("@IdempotentRequest", where + ": namespace \"" + namespace + "\": " + e.getMessage());
    }
    CallOptions.Builder options = defaults.toBuilder();
    if (!a.retention().isEmpty()) {
      options.retention(IdempotentMethods.parseDuration(a.retention(), "@IdempotentRequest(retention) of " + where));
    }
    return Optional.of(new Route(namespace, options.build(), a.required()));
  }

}
