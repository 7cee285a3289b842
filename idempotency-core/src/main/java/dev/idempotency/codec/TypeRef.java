package dev.idempotency.codec;

import dev.idempotency.InvalidInputException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A generic type captured at compile time, for results such as {@code List<Refund>} that a
 * {@code Class} cannot name: {@code new TypeRef<List<Refund>>() {}}. Immutable and thread-safe.
 *
 * @param <T> the type
 */
public abstract class TypeRef<T> {
  private final Type type;

  /**
   * Captures the type argument of the anonymous subclass.
   *
   * @throws InvalidInputException if created without a type argument
   */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType p)) {
      throw new InvalidInputException("TypeRef", "create it with a type argument: new TypeRef<List<Refund>>() {}");
    }
    this.type = p.getActualTypeArguments()[0];
  }

  private TypeRef(Type type) {
    this.type = type;
  }

  /**
   * A reference to a plain class.
   *
   * @param <T> the type
   * @param type the class
   * @return the reference
   */
  public static <T> TypeRef<T> of(Class<T> type) {
    if (type == null) {
      throw new InvalidInputException("type", "must not be null");
    }
    return new TypeRef<T>(type) {};
  }

  /**
   * A reference to a type known only at run time (for example a method's generic return type).
   *
   * @param type the type
   * @return the reference; its {@code T} is unchecked
   */
  public static TypeRef<Object> ofType(Type type) {
    if (type == null) {
      throw new InvalidInputException("type", "must not be null");
    }
    return new TypeRef<>(type) {};
  }

  /**
   * The captured type.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  @Override
  public String toString() {
    return type.getTypeName();
  }
}
