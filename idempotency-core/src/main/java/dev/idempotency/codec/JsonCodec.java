package dev.idempotency.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.ResultCodecException;
import java.io.IOException;

/** JSON through Jackson; loaded only when {@link Codecs#json} is called. */
final class JsonCodec<T> implements ResultCodec<T> {
  private final Class<T> type;
  private final ObjectMapper mapper;

  private JsonCodec(Class<T> type, ObjectMapper mapper) {
    this.type = type;
    this.mapper = mapper;
  }

  static <T> JsonCodec<T> create(Class<T> type) {
    return new JsonCodec<>(type, new ObjectMapper().findAndRegisterModules());
  }

  static <T> JsonCodec<T> create(Class<T> type, Object mapper) {
    if (!(mapper instanceof ObjectMapper objectMapper)) {
      throw new IllegalArgumentException("objectMapper must be a com.fasterxml.jackson.databind.ObjectMapper");
    }
    return new JsonCodec<>(type, objectMapper);
  }

  @Override
  public byte[] encode(T value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new ResultCodecException("cannot encode " + type.getName() + " as JSON", e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new ResultCodecException("cannot decode stored JSON as " + type.getName(), e);
    }
  }
}
