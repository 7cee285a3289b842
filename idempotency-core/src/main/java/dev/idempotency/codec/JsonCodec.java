package dev.idempotency.codec;

import dev.idempotency.InvalidInputException;

/**
 * Picks the Jackson on the class path for {@link Codecs#json}: Jackson 3 ({@code tools.jackson},
 * Spring Boot 4's default) if present, else Jackson 2 ({@code com.fasterxml.jackson}). The classes
 * that touch Jackson load only when one is called.
 */
final class JsonCodec {
  private JsonCodec() {}

  static <T> ResultCodec<T> create(TypeRef<T> type) {
    if (present("tools.jackson.databind.json.JsonMapper")) {
      return Jackson3Codecs.json(type);
    }
    if (present("com.fasterxml.jackson.databind.ObjectMapper")) {
      return Jackson2Codecs.json(type);
    }
    throw new InvalidInputException("codec", "JSON results need Jackson on the class path: "
        + "tools.jackson.core:jackson-databind (Jackson 3) or com.fasterxml.jackson.core:jackson-databind "
        + "(Jackson 2); or register a codec of your own");
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, JsonCodec.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
