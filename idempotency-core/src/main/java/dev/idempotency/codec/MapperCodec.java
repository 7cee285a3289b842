package dev.idempotency.codec;

import dev.idempotency.ResultCodecException;

/**
 * A codec over a JSON mapper's two calls, so that each Jackson flavour only says how to call its
 * mapper; failures become {@link ResultCodecException} naming the type. Immutable and thread-safe
 * if the mapper is (Jackson's are).
 */
final class MapperCodec<T> implements ResultCodec<T> {
  /** Writes a value. */
  @FunctionalInterface
  interface Writer<T> {
    byte[] write(T value) throws Exception;
  }

  /** Reads a value. */
  @FunctionalInterface
  interface Reader<T> {
    T read(byte[] bytes) throws Exception;
  }

  private final TypeRef<T> type;
  private final Writer<T> writer;
  private final Reader<T> reader;

  MapperCodec(TypeRef<T> type, Writer<T> writer, Reader<T> reader) {
    this.type = type;
    this.writer = writer;
    this.reader = reader;
  }

  @Override
  public byte[] encode(T value) {
    try {
      return writer.write(value);
    } catch (Exception e) {
      throw new ResultCodecException("cannot encode " + type + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return reader.read(bytes);
    } catch (Exception e) {
      throw new ResultCodecException("cannot decode stored JSON as " + type, e);
    }
  }
}
