package dev.idempotency;

import dev.idempotency.spi.support.Require;

/**
 * What identifies one logical operation (an order submission, a payment, a message): a value in a
 * {@link Scope}.
 *
 * <h2>Limits</h2>
 * The value is 1 to {@value #MAX_VALUE_LENGTH} characters (UTF-16 units), not blank, and contains no
 * control, format or line-separator characters and no unpaired surrogates; the scope has limits of
 * its own. Anything else is an
 * {@link InvalidInputException} at construction, so a bad key never reaches a store. The longest
 * {@link #storageKey()} is therefore 64 + 128 &times; 3 + 2 + 256 = 706 characters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scope where the key lives
 * @param value the key itself, typically a client-generated UUID
 */
public record IdempotencyKey(Scope scope, String value) {
  /** The longest key value accepted. */
  public static final int MAX_VALUE_LENGTH = 256;
  /** The longest {@link #storageKey()} this class can produce. */
  public static final int MAX_STORAGE_KEY_LENGTH =
      Scope.MAX_NAMESPACE_LENGTH + 3 * Scope.MAX_PRINCIPAL_LENGTH + 2 + MAX_VALUE_LENGTH;

  /**
   * Validates the parts.
   *
   * @param scope where the key lives
   * @param value the key itself
   */
  public IdempotencyKey {
    Require.nonNull(scope, "scope");
    Require.keyText(value, "key", MAX_VALUE_LENGTH);
  }

  /**
   * A key shared by everyone in a namespace.
   *
   * @param namespace the operation's name
   * @param value the key
   * @return the key
   */
  public static IdempotencyKey of(String namespace, String value) {
    return new IdempotencyKey(Scope.of(namespace), value);
  }

  /**
   * A key that belongs to one principal.
   *
   * @param namespace the operation's name
   * @param principal who the key belongs to
   * @param value the key
   * @return the key
   */
  public static IdempotencyKey of(String namespace, String principal, String value) {
    return new IdempotencyKey(Scope.of(namespace, principal), value);
  }

  /**
   * The namespace, a shortcut for {@code scope().namespace()}.
   *
   * @return the namespace
   */
  public String namespace() {
    return scope.namespace();
  }

  /**
   * The unambiguous text backends store the key under: {@code namespace:principal:value}, the
   * principal percent-encoded. Distinct keys always have distinct storage keys.
   *
   * @return the storage key, at most {@value #MAX_STORAGE_KEY_LENGTH} characters
   */
  public String storageKey() {
    return scope.canonical() + value;
  }

  @Override
  public String toString() {
    return scope + "/" + Require.printable(value);
  }
}
