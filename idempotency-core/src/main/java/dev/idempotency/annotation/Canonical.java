package dev.idempotency.annotation;

import dev.idempotency.InvalidInputException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

// Size: one encoder per kind of value and the property model of beans, kept together because the
// canonical form of a fingerprint must be decided in one place.
/**
 * A canonical, JSON-like text of a value, the same for equal values on every JVM: records by
 * component in declaration order, beans by property and public field sorted by name, maps and sets
 * sorted, {@code BigDecimal} without trailing zeros, {@code byte[]} as Base64, JDK value types
 * (dates, UUIDs, ...) by their {@code toString}. A value it cannot encode deterministically (an
 * object with no properties and the identity {@code toString} of {@link Object}, a cycle) is an
 * {@link InvalidInputException}.
 *
 * <p>An encoder is chosen once per class ({@link ClassValue}) and, for records and beans, compiled
 * into method-handle getters, so encoding a request costs about as much as concatenating its fields
 * by hand.
 */
final class Canonical {
  private static final int MAX_DEPTH = 32;
  private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);

  /** Writes one (non-null) value of a class. */
  @FunctionalInterface
  private interface Encoder {
    void write(StringBuilder sb, Object value, int depth);
  }

  private static final ClassValue<Encoder> ENCODERS = new ClassValue<>() {
    @Override
    protected Encoder computeValue(Class<?> type) {
      return encoderFor(type);
    }
  };

  private Canonical() {}

  static String of(Object value) {
    StringBuilder sb = new StringBuilder(128);
    write(sb, value, 0);
    return sb.toString();
  }

  static void write(StringBuilder sb, Object v, int depth) {
    if (v == null) {
      sb.append("null");
      return;
    }
    if (depth > MAX_DEPTH) {
      throw new InvalidInputException("fingerprint", "arguments nest deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }
    ENCODERS.get(v.getClass()).write(sb, v, depth);
  }

  /** The encoder of a type: a scalar, a container, a JDK value, or a bean by its properties. */
  private static Encoder encoderFor(Class<?> type) {
    Encoder scalar = scalarEncoder(type);
    if (scalar != null) {
      return scalar;
    }
    Encoder container = containerEncoder(type);
    if (container != null) {
      return container;
    }
    if (type.getName().startsWith("java.")) {
      // JDK value types (java.time, UUID, URI, Currency, ...) have canonical toString forms.
      return (sb, v, d) -> quote(sb, v.toString());
    }
    return beanEncoder(type);
  }

  /** Text, numbers, booleans, enums and bytes; null for any other type. */
  private static Encoder scalarEncoder(Class<?> type) {
    if (type == String.class) {
      return (sb, v, d) -> quote(sb, (String) v);
    }
    if (type == Integer.class) {
      return (sb, v, d) -> sb.append(((Integer) v).intValue());
    }
    if (type == Long.class) {
      return (sb, v, d) -> sb.append(((Long) v).longValue());
    }
    if (type == Boolean.class) {
      return (sb, v, d) -> sb.append(((Boolean) v).booleanValue());
    }
    if (type == Character.class) {
      return (sb, v, d) -> quote(sb, v.toString());
    }
    if (type == Short.class || type == Byte.class || type == BigInteger.class || type == Double.class
        || type == Float.class) {
      return (sb, v, d) -> sb.append(v);
    }
    if (type == BigDecimal.class) {
      return (sb, v, d) -> {
        BigDecimal n = (BigDecimal) v;
        sb.append(n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString());
      };
    }
    if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
      return (sb, v, d) -> quote(sb, ((Enum<?>) v).name());
    }
    if (type == byte[].class) {
      return (sb, v, d) -> quote(sb, Base64.getEncoder().encodeToString((byte[]) v));
    }
    return null;
  }

  /** Optionals, maps and sets (sorted), other collections and arrays (in order); null for any other type. */
  private static Encoder containerEncoder(Class<?> type) {
    if (Optional.class == type) {
      return (sb, v, d) -> write(sb, ((Optional<?>) v).orElse(null), d + 1);
    }
    if (Map.class.isAssignableFrom(type)) {
      return Canonical::writeMap;
    }
    if (Set.class.isAssignableFrom(type)) {
      return Canonical::writeSet;
    }
    if (Collection.class.isAssignableFrom(type)) {
      return (sb, v, d) -> {
        sb.append('[');
        boolean first = true;
        for (Object item : (Collection<?>) v) {
          if (!first) {
            sb.append(',');
          }
          write(sb, item, d + 1);
          first = false;
        }
        sb.append(']');
      };
    }
    if (type.isArray()) {
      return (sb, v, d) -> {
        sb.append('[');
        int n = Array.getLength(v);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(sb, Array.get(v, i), d + 1);
        }
        sb.append(']');
      };
    }
    return null;
  }

  /** A record or bean by its properties in a fixed order, or by an overridden toString. */
  private static Encoder beanEncoder(Class<?> type) {
    List<Property> props = properties(type);
    if (props.isEmpty()) {
      if (overridesToString(type)) {
        return (sb, v, d) -> quote(sb, v.toString());
      }
      return (sb, v, d) -> {
        throw new InvalidInputException("fingerprint", type.getName() + " has no record components, properties, "
            + "public fields or toString to form a canonical fingerprint; name the arguments that identify the "
            + "request in @Idempotent(fingerprint = ...)");
      };
    }
    Property[] array = props.toArray(new Property[0]);
    return (sb, v, d) -> {
      sb.append('{');
      for (int i = 0; i < array.length; i++) {
        Property p = array[i];
        sb.append(i == 0 ? p.label : p.labelAfterComma);
        p.write(sb, v, d + 1);
      }
      sb.append('}');
    };
  }

  private static void writeMap(StringBuilder sb, Object v, int depth) {
    TreeMap<String, Object> sorted = new TreeMap<>();
    ((Map<?, ?>) v).forEach((k, val) -> sorted.put(of(k), val));
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      sb.append(e.getKey()).append(':');
      write(sb, e.getValue(), depth + 1);
      first = false;
    }
    sb.append('}');
  }

  private static void writeSet(StringBuilder sb, Object v, int depth) {
    List<String> items = new ArrayList<>();
    for (Object item : (Set<?>) v) {
      StringBuilder one = new StringBuilder();
      write(one, item, depth + 1);
      items.add(one.toString());
    }
    items.sort(Comparator.naturalOrder());
    sb.append('[').append(String.join(",", items)).append(']');
  }

  /**
   * One property: how it is written ({@code "name":}), a compiled getter, and the encoder of its
   * values when the declared type is a final JDK type (so no per-value lookup is needed).
   */
  private static final class Property {
    final String name;
    final String label;
    final String labelAfterComma;
    final Function<Object, Object> getter;
    final Encoder encoder;

    Property(String name, Function<Object, Object> getter, Class<?> declared) {
      this.name = name;
      StringBuilder l = new StringBuilder();
      quote(l, name);
      this.label = l.append(':').toString();
      this.labelAfterComma = "," + label;
      this.getter = getter;
      Class<?> t = declared.isPrimitive() ? MethodType.methodType(declared).wrap().returnType() : declared;
      // Only final JDK value types (String, boxed primitives, ...) are resolved ahead: they never
      // lead back to a class whose encoder is being built, as a record holding its own type would.
      this.encoder = Modifier.isFinal(t.getModifiers()) && !t.isArray() && t.getName().startsWith("java.")
          ? ENCODERS.get(t) : null;
    }

    void write(StringBuilder sb, Object target, int depth) {
      Object value = getter.apply(target);
      if (value == null) {
        sb.append("null");
      } else if (encoder != null) {
        encoder.write(sb, value, depth);
      } else {
        Canonical.write(sb, value, depth);
      }
    }
  }

  /**
   * A getter as a plain {@link Function}: spun by {@link LambdaMetafactory} where the class is
   * accessible (as fast as a direct call), else a method handle.
   */
  @SuppressWarnings("unchecked")
  private static Property property(String name, Method method, Field field) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle h;
      Class<?> declared;
      if (method != null) {
        method.trySetAccessible();
        h = lookup.unreflect(method);
        declared = method.getReturnType();
        if (Modifier.isPublic(method.getDeclaringClass().getModifiers()) && Modifier.isPublic(method.getModifiers())) {
          try {
            Function<Object, Object> f = (Function<Object, Object>) LambdaMetafactory.metafactory(lookup, "apply",
                MethodType.methodType(Function.class), MethodType.methodType(Object.class, Object.class), h,
                MethodType.methodType(declared.isPrimitive() ? MethodType.methodType(declared).wrap().returnType() : declared,
                    method.getDeclaringClass())).getTarget().invokeExact();
            return new Property(name, f, declared);
          } catch (Throwable notSpun) {
            // fall back to the method handle
          }
        }
      } else {
        field.trySetAccessible();
        h = lookup.unreflectGetter(field);
        declared = field.getType();
      }
      MethodHandle getter = h.asType(OBJECT_TO_OBJECT);
      return new Property(name, target -> {
        try {
          return (Object) getter.invokeExact(target);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new InvalidInputException("fingerprint", "cannot read " + name + ": " + e);
        }
      }, declared);
    } catch (IllegalAccessException e) {
      Class<?> owner = method != null ? method.getDeclaringClass() : field.getDeclaringClass();
      String hint = ModuleAccess.hint(owner);
      if (!hint.isEmpty() && !ModuleAccess.jdk(owner)) {
        // Skipping it would leave the property out of the fingerprint: two different requests under
        // one key would look the same, and the second would be replayed the first one's result.
        throw new InvalidInputException("fingerprint", "cannot read " + name + " of " + owner.getName() + "." + hint);
      }
      return null;
    }
  }

  private static boolean overridesToString(Class<?> type) {
    try {
      return type.getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static List<Property> properties(Class<?> type) {
    List<Property> out = new ArrayList<>();
    for (Properties.Accessor a : Properties.of(type)) {
      Property p = a.member() instanceof Method m ? property(a.name(), m, null) : property(a.name(), null, (Field) a.member());
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** Whether a string needs no escaping (the common case, appended in one go). */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    if (plain(s)) {
      sb.append(s);
    } else {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          sb.append("\\\"");
        } else if (c == '\\') {
          sb.append("\\\\");
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
