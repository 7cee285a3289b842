package dev.idempotency.annotation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled path {@code param.a.b}: the parameter's index and one accessor per property, each
 * resolved against the declared (generic) type when the proxy is created.
 */
final class PropertyPath {
  private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);

  final String text;
  final int parameter;
  private final Step[] steps;

  private PropertyPath(String text, int parameter, Step[] steps) {
    this.text = text;
    this.parameter = parameter;
    this.steps = steps;
  }

  /** Whether the path is a whole parameter, with no properties. */
  boolean wholeParameter() {
    return steps.length == 0;
  }

  /** One property access. */
  private interface Step {
    String name();

    Object apply(Object target) throws Throwable;
  }

  private record HandleStep(String name, MethodHandle handle) implements Step {
    @Override
    public Object apply(Object target) throws Throwable {
      return (Object) handle.invokeExact(target);
    }
  }

  private record MapStep(String name) implements Step {
    @Override
    public Object apply(Object target) {
      return ((Map<?, ?>) target).get(name);
    }
  }

  /** Thrown at compile time with a message that the proxy factory wraps with the method's name. */
  static final class ResolutionException extends Exception {
    private static final long serialVersionUID = 1L;

    ResolutionException(String message) {
      super(message);
    }
  }

  static PropertyPath compile(String text, Method method) throws ResolutionException {
    String[] segments = text.split("\\.", -1);
    for (String s : segments) {
      if (s.isEmpty()) {
        throw new ResolutionException("\"" + text + "\" has an empty property name");
      }
    }
    java.lang.reflect.Parameter[] params = method.getParameters();
    int index = -1;
    for (int i = 0; i < params.length; i++) {
      if (params[i].getName().equals(segments[0])) {
        index = i;
      }
    }
    if (index < 0) {
      if (params.length > 0 && !params[0].isNamePresent()) {
        throw new ResolutionException("parameter names are not available: compile "
            + method.getDeclaringClass().getName() + " with -parameters (maven-compiler-plugin <parameters>true</parameters>)");
      }
      List<String> names = new ArrayList<>();
      for (java.lang.reflect.Parameter p : params) {
        names.add(p.getName());
      }
      throw new ResolutionException("no parameter \"" + segments[0] + "\" (parameters: " + names + ")");
    }
    Type type = params[index].getParameterizedType();
    List<Step> steps = new ArrayList<>();
    for (int i = 1; i < segments.length; i++) {
      Resolved r = resolve(type, segments[i]);
      steps.add(r.step);
      type = r.type;
    }
    return new PropertyPath(text, index, steps.toArray(new Step[0]));
  }

  private record Resolved(Step step, Type type) {}

  private static Resolved resolve(Type type, String name) throws ResolutionException {
    Class<?> raw = rawClass(type);
    if (raw == Object.class) {
      throw new ResolutionException("cannot resolve \"" + name + "\" on java.lang.Object: declare a more specific type");
    }
    if (Map.class.isAssignableFrom(raw)) {
      Type valueType = Object.class;
      if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 2) {
        valueType = p.getActualTypeArguments()[1];
      }
      return new Resolved(new MapStep(name), valueType);
    }
    Properties.Accessor property = Properties.find(raw, name);
    if (property != null) {
      return new Resolved(handleStep(name, property.member()), property.type());
    }
    throw new ResolutionException("no property \"" + name + "\" on " + raw.getName()
        + " (a record component, a getX() or isX() getter, a public field, or a map entry)");
  }

  private static Step handleStep(String name, Member member) throws ResolutionException {
    try {
      MethodHandle h;
      if (member instanceof Method m) {
        m.trySetAccessible();
        h = MethodHandles.lookup().unreflect(m);
      } else {
        Field f = (Field) member;
        f.trySetAccessible();
        h = MethodHandles.lookup().unreflectGetter(f);
      }
      return new HandleStep(name, h.asType(OBJECT_TO_OBJECT));
    } catch (IllegalAccessException e) {
      throw new ResolutionException("cannot access " + member + ": " + e.getMessage()
          + ModuleAccess.hint(member.getDeclaringClass()));
    }
  }

  static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c.isPrimitive() ? boxed(c) : c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  private static Class<?> boxed(Class<?> c) {
    return MethodType.methodType(c).wrap().returnType();
  }

  /**
   * Evaluates the path on the call's arguments.
   *
   * @return the value, or null if it or a segment on the way is null (see {@link #nullSegment})
   */
  Object evaluate(Object[] args) {
    Object value = args[parameter];
    for (int i = 0; value != null && i < steps.length; i++) {
      value = read(steps[i], value);
    }
    return value;
  }

  /**
   * Names the segment where the path is null on these arguments, for the error message of a key
   * that cannot be built; walks the path again (getters are expected to have no side effects).
   *
   * @return the segment's name
   */
  String nullSegment(Object[] args) {
    Object value = args[parameter];
    if (value == null) {
      return text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
    }
    for (Step step : steps) {
      value = read(step, value);
      if (value == null) {
        return step.name();
      }
    }
    return text;
  }

  private Object read(Step step, Object value) {
    try {
      return step.apply(value);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("reading \"" + step.name() + "\" of " + text + " failed", t);
    }
  }
}
