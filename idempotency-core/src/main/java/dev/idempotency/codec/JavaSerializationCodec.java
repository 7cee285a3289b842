package dev.idempotency.codec;

import dev.idempotency.ResultCodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Java serialization behind an allow-list; see {@link Codecs#javaSerialization}. The allow-list is
 * checked on the class name in {@code resolveClass}, before the class is looked up: a class outside
 * it is never loaded, so not even its static initialiser's presence on the class path matters. The
 * JDK's {@link ObjectInputFilter} (which sees a class only after it was loaded) stays on as a second
 * line and enforces the depth, reference and size limits.
 */
final class JavaSerializationCodec<T> implements ResultCodec<T> {
  private final Class<T> type;
  private final ObjectInputFilter filter;
  private final List<String> rules;

  JavaSerializationCodec(Class<T> type, String allowPattern) {
    this.type = type;
    String pattern = allowPattern.trim();
    this.filter = ObjectInputFilter.Config.createFilter(
        "maxdepth=32;maxrefs=100000;maxbytes=16777216;" + pattern + (pattern.endsWith(";") ? "" : ";")
            + "!*");
    this.rules = new ArrayList<>();
    for (String rule : pattern.split(";")) {
      String r = rule.trim();
      if (!r.isEmpty() && !r.contains("=")) {
        rules.add(r);
      }
    }
  }

  @Override
  public byte[] encode(T value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(value);
    } catch (IOException e) {
      throw new ResultCodecException("cannot serialize " + value.getClass().getName(), e);
    }
    return out.toByteArray();
  }

  @Override
  public T decode(byte[] bytes) {
    try (ObjectInputStream in = new AllowListStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return type.cast(in.readObject());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new ResultCodecException(
          "cannot deserialize stored " + type.getName() + " (rejected by the allow-list?)", e);
    }
  }

  /** Whether the allow-list admits a class name; the first matching rule decides, none rejects. */
  boolean allows(String className) {
    String name = className;
    while (name.startsWith("[")) {
      name = name.substring(1);
    }
    if (name.length() == 1) {
      return true; // an array of primitives
    }
    if (name.startsWith("L") && name.endsWith(";")) {
      name = name.substring(1, name.length() - 1);
    }
    for (String rule : rules) {
      boolean reject = rule.startsWith("!");
      String p = reject ? rule.substring(1) : rule;
      int slash = p.indexOf('/');
      if (slash >= 0) {
        p = p.substring(slash + 1); // module/pattern: the module is checked by the JDK filter
      }
      if (matches(p, name)) {
        return !reject;
      }
    }
    return false;
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(".**")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 2));
    }
    if (pattern.endsWith(".*")) {
      String pkg = pattern.substring(0, pattern.length() - 1);
      return name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0;
    }
    if (pattern.endsWith("*")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return name.equals(pattern);
  }

  /** Refuses a class by name before {@code resolveClass} loads it. */
  private final class AllowListStream extends ObjectInputStream {
    AllowListStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (!allows(desc.getName())) {
        throw new InvalidClassException(desc.getName(), "not in the allow-list; not loaded");
      }
      return super.resolveClass(desc);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
      for (String i : interfaces) {
        if (!allows(i)) {
          throw new InvalidClassException(i, "proxy interface not in the allow-list; not loaded");
        }
      }
      return super.resolveProxyClass(interfaces);
    }
  }
}
