package dev.idempotency.annotation;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * The one property model of the library: which properties of a type a key template can name
 * ({@link PropertyPath}) and a request fingerprint covers ({@link Canonical}). A property a key can
 * read is always part of the fingerprint, so two requests that differ in it can never share a
 * fingerprint.
 *
 * <ul>
 *   <li>a record: its components, in declaration order;</li>
 *   <li>any other class, in name order: public getters {@code getX()}, {@code isX()} returning
 *       {@code boolean} or {@code Boolean}, and public non-static fields not shadowed by a getter.
 *       Methods declared by {@link Object} are never properties.</li>
 * </ul>
 *
 * <p>Fluent accessors ({@code x()}) of classes that are not records are not properties: nothing
 * tells them apart from other no-argument methods, which a fingerprint must not call.
 */
final class Properties {
  private Properties() {}

  /**
   * A readable property.
   *
   * @param name the property's name
   * @param member the method or field that reads it
   * @param type its generic type
   */
  record Accessor(String name, Member member, Type type) {}

  /** Every property of a type, in the model's order. */
  static List<Accessor> of(Class<?> type) {
    if (type.isRecord()) {
      List<Accessor> out = new ArrayList<>();
      for (RecordComponent c : type.getRecordComponents()) {
        out.add(new Accessor(c.getName(), c.getAccessor(), c.getGenericType()));
      }
      return Collections.unmodifiableList(out);
    }
    TreeMap<String, Accessor> sorted = new TreeMap<>();
    for (Method m : type.getMethods()) {
      String name = getterName(m);
      if (name != null) {
        sorted.putIfAbsent(name, new Accessor(name, m, m.getGenericReturnType()));
      }
    }
    for (Field f : type.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        sorted.putIfAbsent(f.getName(), new Accessor(f.getName(), f, f.getGenericType()));
      }
    }
    return List.copyOf(sorted.values());
  }

  /** The property of a type with a name, or null. */
  static Accessor find(Class<?> type, String name) {
    for (Accessor a : of(type)) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** The property a method reads if it is a getter ({@code getX}, {@code isX} of a boolean), else null. */
  private static String getterName(Method m) {
    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getReturnType() == void.class
        || m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic()) {
      return null;
    }
    String n = m.getName();
    if (n.startsWith("get") && n.length() > 3) {
      return Character.toLowerCase(n.charAt(3)) + n.substring(4);
    }
    if (n.startsWith("is") && n.length() > 2
        && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
      return Character.toLowerCase(n.charAt(2)) + n.substring(3);
    }
    return null;
  }
}
