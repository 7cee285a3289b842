package dev.idempotency.spring;

import dev.idempotency.codec.ResultCodec;
import java.lang.reflect.Type;

/**
 * How {@code @Idempotent} results without a codec of their own become JSON. The starter defines one
 * on the application's Jackson 3 {@code JsonMapper} (its modules, naming and date formats) when
 * there is one; define a bean to choose another.
 */
@FunctionalInterface
public interface IdempotencyJson {
  /**
   * The codec of a result type.
   *
   * @param type the (possibly generic) result type
   * @return its codec
   */
  ResultCodec<?> codec(Type type);
}
