package dev.idempotency.annotation;

import dev.idempotency.InvalidInputException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled key or principal template: literal parts and {@link PropertyPath}s, parsed once.
 * {@code {{} and {@code }}} are literal braces.
 */
final class KeyTemplate {
  private final String source;
  private final Object[] parts;
  private final String where;

  private KeyTemplate(String source, Object[] parts, String where) {
    this.source = source;
    this.parts = parts;
    this.where = where;
  }

  static KeyTemplate compile(String source, Method method, String where) throws PropertyPath.ResolutionException {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '{' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < source.length() && source.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '{') {
        int end = source.indexOf('}', i);
        if (end < 0) {
          throw new PropertyPath.ResolutionException("unclosed '{' at index " + i);
        }
        String path = source.substring(i + 1, end).trim();
        if (path.isEmpty() || path.contains("{")) {
          throw new PropertyPath.ResolutionException("empty or nested placeholder at index " + i);
        }
        if (literal.length() > 0) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(PropertyPath.compile(path, method));
        i = end + 1;
      } else if (c == '}') {
        throw new PropertyPath.ResolutionException("unmatched '}' at index " + i + " (write }} for a literal brace)");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    if (parts.stream().noneMatch(p -> p instanceof PropertyPath)) {
      throw new PropertyPath.ResolutionException("has no {placeholder}: every call would share one key");
    }
    return new KeyTemplate(source, parts.toArray(), where);
  }

  /** A template joining whole parameters with ':' (the {@link Key} parameters). */
  static KeyTemplate ofParameters(List<Integer> indexes, Method method, String where) throws PropertyPath.ResolutionException {
    StringBuilder sb = new StringBuilder();
    for (int index : indexes) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      java.lang.reflect.Parameter p = method.getParameters()[index];
      if (!p.isNamePresent()) {
        sb.append("{arg").append(index).append('}');
      } else {
        sb.append('{').append(p.getName()).append('}');
      }
    }
    return compile(sb.toString(), method, where);
  }

  /** The parameters this template uses whole ({@code {param}}). */
  List<Integer> wholeParameters() {
    List<Integer> whole = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof PropertyPath path && path.wholeParameter()) {
        whole.add(path.parameter);
      }
    }
    return whole;
  }

  String source() {
    return source;
  }

  String render(Object[] args) {
    if (parts.length == 1) {
      // A template that is one placeholder: its value is the key, no builder needed.
      PropertyPath path = (PropertyPath) parts[0];
      Object value = path.evaluate(args);
      if (value == null) {
        throw nullValue(path, path.nullSegment(args));
      }
      return value instanceof String s ? s : String.valueOf(value);
    }
    StringBuilder sb = new StringBuilder(64);
    for (Object part : parts) {
      if (part instanceof String s) {
        sb.append(s);
        continue;
      }
      PropertyPath path = (PropertyPath) part;
      Object value = path.evaluate(args);
      if (value == null) {
        throw nullValue(path, path.nullSegment(args));
      }
      sb.append(value instanceof String s ? s : String.valueOf(value));
    }
    return sb.toString();
  }

  private InvalidInputException nullValue(PropertyPath path, String at) {
    return new InvalidInputException(where, "{" + path.text + "} of \"" + source + "\" is null at \"" + at + "\"");
  }
}
