package dev.idempotency.codec;

import dev.idempotency.ResultCodecException;
import dev.idempotency.spi.support.Require;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The built-in codecs: strings, bytes, primitives, {@code void}, JSON (through Jackson, an optional
 * dependency) and, only on explicit opt-in with an allow-list, Java serialization.
 */
public final class Codecs {
  private static final ResultCodec<String> STRING = new ResultCodec<>() {
    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }
  };

  private static final ResultCodec<byte[]> BYTES = new ResultCodec<>() {
    @Override
    public byte[] encode(byte[] value) {
      return value.clone();
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes.clone();
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }
  };

  private static final ResultCodec<Long> LONG = new ResultCodec<>() {
    @Override
    public byte[] encode(Long value) {
      return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public Long decode(byte[] bytes) {
      requireLength(bytes, Long.BYTES, "long");
      return ByteBuffer.wrap(bytes).getLong();
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }
  };

  private static final ResultCodec<Integer> INT = new ResultCodec<>() {
    @Override
    public byte[] encode(Integer value) {
      return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
    }

    @Override
    public Integer decode(byte[] bytes) {
      requireLength(bytes, Integer.BYTES, "int");
      return ByteBuffer.wrap(bytes).getInt();
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }
  };

  private static final ResultCodec<Boolean> BOOLEAN = new ResultCodec<>() {
    @Override
    public byte[] encode(Boolean value) {
      return new byte[] {(byte) (value ? 1 : 0)};
    }

    @Override
    public Boolean decode(byte[] bytes) {
      requireLength(bytes, 1, "boolean");
      return bytes[0] != 0;
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }
  };

  private static final ResultCodec<Void> NONE = new ResultCodec<>() {
    @Override
    public byte[] encode(Void value) {
      throw new ResultCodecException("a void result is always null", null);
    }

    @Override
    public Void decode(byte[] bytes) {
      throw new ResultCodecException("a void result is always null", null);
    }
  };

  private Codecs() {}

  /**
   * UTF-8 text.
   *
   * @return the codec
   */
  public static ResultCodec<String> string() {
    return STRING;
  }

  /**
   * Raw bytes, copied on the way in and out.
   *
   * @return the codec
   */
  public static ResultCodec<byte[]> bytes() {
    return BYTES;
  }

  /**
   * 64-bit integers, big-endian.
   *
   * @return the codec
   */
  public static ResultCodec<Long> longs() {
    return LONG;
  }

  /**
   * 32-bit integers, big-endian.
   *
   * @return the codec
   */
  public static ResultCodec<Integer> integers() {
    return INT;
  }

  /**
   * Booleans, one byte.
   *
   * @return the codec
   */
  public static ResultCodec<Boolean> booleans() {
    return BOOLEAN;
  }

  /**
   * For actions without a result ({@code Void}, always null).
   *
   * @return the codec
   */
  public static ResultCodec<Void> none() {
    return NONE;
  }

  /**
   * JSON through the Jackson on the class path: Jackson 3 ({@code tools.jackson.core:jackson-databind},
   * Spring Boot 4's default) if present, else Jackson 2 ({@code com.fasterxml.jackson.core}, with the
   * modules found on the class path). For a configured mapper use {@link Jackson3Codecs} or
   * {@link Jackson2Codecs}.
   *
   * @param <T> the result type
   * @param type the result class
   * @return the codec
   * @throws dev.idempotency.InvalidInputException if neither Jackson is on the class path
   */
  public static <T> ResultCodec<T> json(Class<T> type) {
    return JsonCodec.create(TypeRef.of(type));
  }

  /**
   * JSON for a generic result type, such as {@code new TypeRef<List<Refund>>() {}}; see
   * {@link #json(Class)}.
   *
   * @param <T> the result type
   * @param type the result type
   * @return the codec
   * @throws dev.idempotency.InvalidInputException if neither Jackson is on the class path
   */
  public static <T> ResultCodec<T> json(TypeRef<T> type) {
    Require.nonNull(type, "type");
    return JsonCodec.create(type);
  }

  /**
   * Java serialization, restricted by an allow-list. Never a default: Java deserialization of
   * untrusted bytes is a remote-code-execution risk, and a store is shared infrastructure. The
   * filter pattern uses {@link java.io.ObjectInputFilter.Config#createFilter} syntax; everything
   * not matched is rejected ({@code !*} is appended).
   *
   * @param <T> the result type
   * @param type the result class
   * @param allowPattern for example {@code "com.acme.orders.*;java.util.*;java.lang.*"}
   * @return the codec
   */
  public static <T> ResultCodec<T> javaSerialization(Class<T> type, String allowPattern) {
    Require.nonNull(type, "type");
    Require.keyText(allowPattern, "allowPattern", 4096);
    Require.argument(!allowPattern.trim().equals("*"), "allowPattern",
        "\"*\" allows every class; name the packages or classes to allow");
    return new JavaSerializationCodec<>(type, allowPattern);
  }

  private static void requireLength(byte[] bytes, int length, String what) {
    if (bytes.length != length) {
      throw new ResultCodecException(
          "stored " + what + " has " + bytes.length + " bytes, expected " + length + ": "
              + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 16))), null);
    }
  }
}
