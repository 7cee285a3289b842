package dev.idempotency.codec;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.spi.support.Require;

/**
 * JSON codecs through Jackson 2 ({@code com.fasterxml.jackson.core:jackson-databind}, an optional
 * dependency: this class loads only when called). The codecs are immutable and thread-safe.
 */
public final class Jackson2Codecs {
  private Jackson2Codecs() {}

  /**
   * JSON through a default {@code ObjectMapper} with the modules found on the class path (the
   * JSR-310 module for {@code java.time}, if present).
   *
   * @param <T> the result type
   * @param type the result type, generic types included
   * @return the codec
   */
  public static <T> ResultCodec<T> json(TypeRef<T> type) {
    return json(new ObjectMapper().findAndRegisterModules(), type);
  }

  /**
   * JSON through the application's configured {@code ObjectMapper}.
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
   * JSON through the application's configured {@code ObjectMapper}, for any type.
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
