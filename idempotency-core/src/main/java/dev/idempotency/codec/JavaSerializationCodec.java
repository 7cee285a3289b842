package dev.idempotency.codec;

import dev.idempotency.ResultCodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** Java serialization behind an allow-list filter; see {@link Codecs#javaSerialization}. */
final class JavaSerializationCodec<T> implements ResultCodec<T> {
  private final Class<T> type;
  private final ObjectInputFilter filter;

  JavaSerializationCodec(Class<T> type, String allowPattern) {
    this.type = type;
    String pattern = allowPattern.trim();
    this.filter = ObjectInputFilter.Config.createFilter(
        "maxdepth=32;maxrefs=100000;maxbytes=16777216;" + pattern + (pattern.endsWith(";") ? "" : ";")
            + "!*");
  }

  @Override
  public byte[] encode(T value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(value);
    } catch (IOException e) {
      throw new ResultCodecException("cannot serialize " + value.getClass().getName(), e);
    }
    return out.toByteArray();
  }

  @Override
  public T decode(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return type.cast(in.readObject());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new ResultCodecException(
          "cannot deserialize stored " + type.getName() + " (rejected by the allow-list?)", e);
    }
  }
}
