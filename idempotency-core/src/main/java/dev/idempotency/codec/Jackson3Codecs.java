package dev.idempotency.codec;

import dev.idempotency.spi.support.Require;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * JSON codecs through Jackson 3 ({@code tools.jackson.core:jackson-databind}, Spring Boot 4's
 * default; an optional dependency: this class loads only when called). The codecs are immutable and
 * thread-safe.
 */
public final class Jackson3Codecs {
  private Jackson3Codecs() {}

  /**
   * JSON through a default {@code JsonMapper} (Jackson 3 handles {@code java.time} itself).
   *
   * @param <T> the result type
   * @param type the result type, generic types included
   * @return the codec
   */
  public static <T> ResultCodec<T> json(TypeRef<T> type) {
    return json(tools.jackson.databind.json.JsonMapper.builder().findAndAddModules().build(), type);
  }

  /**
   * JSON through the application's configured {@code ObjectMapper} (a {@code JsonMapper}).
   *
   * @param <T> the result type
   * @param mapper the mapper
   * @param type the result class
   * @return the codec
   */
  public static <T> ResultCodec<T> json(ObjectMapper mapper, Class<T> type) {
    return json(mapper, TypeRef.of(type));
  }

  /**
   * JSON through the application's configured {@code ObjectMapper} (a {@code JsonMapper}), for any type.
   *
   * @param <T> the result type
   * @param mapper the mapper
   * @param type the result type, generic types included
   * @return the codec
   */
  public static <T> ResultCodec<T> json(ObjectMapper mapper, TypeRef<T> type) {
    Require.nonNull(mapper, "mapper");
    Require.nonNull(type, "type");
    JavaType javaType = mapper.getTypeFactory().constructType(type.type());
    return new MapperCodec<>(type, mapper.writerFor(javaType)::writeValueAsBytes, bytes -> mapper.readValue(bytes, javaType));
  }
}
