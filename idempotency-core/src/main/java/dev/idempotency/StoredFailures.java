package dev.idempotency;

import dev.idempotency.spi.support.Require;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * Re-creates the terminal failures an idempotent call stored, for replay. Only a type that is, or
 * extends, one the caller declared terminal is ever instantiated, through its public
 * {@code (String)} constructor (or its public no-argument one, losing the message): the
 * declared list is the allow-list, so stored data cannot make the library build arbitrary classes.
 */
final class StoredFailures {
  private StoredFailures() {}

  /**
   * Checks, when options are built, that a declared terminal type can be re-created: an abstract
   * type stands for its subtypes (checked when one is replayed); a concrete one must be public and
   * have a public {@code (String)} or no-argument constructor.
   */
  static Class<? extends Throwable> requireRecreatable(Class<? extends Throwable> type) {
    Require.nonNull(type, "terminal type");
    if (Modifier.isAbstract(type.getModifiers())) {
      return type;
    }
    boolean accessible = isPublic(type) && (constructor(type, String.class) != null || constructor(type) != null);
    Require.argument(accessible, "terminal type", type.getName() + " cannot be re-created for replay: "
        + "make it a public class with a public (String) or no-argument constructor, or declare an "
        + "abstract supertype");
    return type;
  }

  /** The failure to throw for a stored one: re-created if allowed and possible, else {@link ReplayedFailureException}. */
  static Throwable recreate(String storedType, String message, CallOptions options) {
    for (Class<? extends Throwable> declared : options.terminal()) {
      Class<?> type;
      if (declared.getName().equals(storedType)) {
        type = declared;
      } else {
        try {
          // Not initialised: a class that is not a subtype of a declared one never runs any code.
          type = Class.forName(storedType, false, declared.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue;
        }
        if (!declared.isAssignableFrom(type)) {
          continue;
        }
      }
      Throwable t = instantiate(type, message);
      if (t != null) {
        return t;
      }
    }
    return new ReplayedFailureException(storedType, message);
  }

  private static Throwable instantiate(Class<?> type, String message) {
    if (!isPublic(type) || Modifier.isAbstract(type.getModifiers())) {
      return null;
    }
    try {
      Constructor<?> withMessage = constructor(type, String.class);
      if (withMessage != null) {
        return (Throwable) withMessage.newInstance(message);
      }
      // The type is what a caller catches; a type without a (String) constructor loses the message.
      Constructor<?> none = constructor(type);
      return none != null ? (Throwable) none.newInstance() : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isPublic(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
    try {
      return type.getConstructor(parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
