package dev.idempotency;

import dev.idempotency.spi.support.Require;
import java.util.Optional;

/**
 * Where a key lives: a namespace (the operation, for example {@code "orders"}) and, where the caller
 * has one, a principal (the user or tenant the key belongs to). Two scopes never share keys, so one
 * user's key can never collide with, or replay, another user's result.
 *
 * <h2>Limits</h2>
 * <ul>
 *   <li>namespace: 1 to {@value #MAX_NAMESPACE_LENGTH} characters of {@code [A-Za-z0-9_.-]},
 *       starting with a letter or digit;</li>
 *   <li>principal: absent, or 1 to {@value #MAX_PRINCIPAL_LENGTH} characters, not blank, without
 *       control, format or line-separator characters.</li>
 * </ul>
 * Anything else is an {@link InvalidInputException} at construction.
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the operation's name
 * @param principal who the keys belong to, or null for keys shared by everyone
 */
public record Scope(String namespace, String principal) {
  /** The longest namespace accepted. */
  public static final int MAX_NAMESPACE_LENGTH = 64;
  /** The longest principal accepted. */
  public static final int MAX_PRINCIPAL_LENGTH = 128;

  /**
   * Validates the parts.
   *
   * @param namespace the operation's name
   * @param principal who the keys belong to, or null
   */
  public Scope {
    Require.identifier(namespace, "namespace", MAX_NAMESPACE_LENGTH);
    if (principal != null) {
      Require.keyText(principal, "principal", MAX_PRINCIPAL_LENGTH);
    }
  }

  /**
   * A scope without a principal.
   *
   * @param namespace the operation's name
   * @return the scope
   */
  public static Scope of(String namespace) {
    return new Scope(namespace, null);
  }

  /**
   * A scope for one principal.
   *
   * @param namespace the operation's name
   * @param principal who the keys belong to
   * @return the scope
   */
  public static Scope of(String namespace, String principal) {
    return new Scope(namespace, Require.nonNull(principal, "principal"));
  }

  /**
   * The principal, if any.
   *
   * @return the principal
   */
  public Optional<String> principalIfPresent() {
    return Optional.ofNullable(principal);
  }

  /**
   * A key in this scope.
   *
   * @param value the key's value
   * @return the key
   */
  public IdempotencyKey key(String value) {
    return new IdempotencyKey(this, value);
  }

  /**
   * The canonical text of this scope: {@code namespace:principal}, the principal with {@code %} and
   * {@code :} percent-encoded so that the text is unambiguous. Backends build storage keys from it.
   *
   * @return the canonical text, ending in {@code ':'}
   */
  public String canonical() {
    if (principal == null) {
      return namespace + "::";
    }
    StringBuilder sb = new StringBuilder(namespace.length() + principal.length() + 2);
    sb.append(namespace).append(':');
    for (int i = 0; i < principal.length(); i++) {
      char c = principal.charAt(i);
      if (c == '%') {
        sb.append("%25");
      } else if (c == ':') {
        sb.append("%3A");
      } else {
        sb.append(c);
      }
    }
    return sb.append(':').toString();
  }

  @Override
  public String toString() {
    return principal == null ? namespace : namespace + "[" + principal + "]";
  }
}
