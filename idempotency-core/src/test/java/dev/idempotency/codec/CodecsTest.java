package dev.idempotency.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.InvalidInputException;
import dev.idempotency.ResultCodecException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {
  public record Order(String id, BigDecimal total, List<String> items) implements Serializable {}

  @Test
  void primitivesAndTextRoundTrip() {
    assertThat(roundTrip(Codecs.string(), "Zoë 🔑")).isEqualTo("Zoë 🔑");
    assertThat(roundTrip(Codecs.longs(), Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(roundTrip(Codecs.integers(), -7)).isEqualTo(-7);
    assertThat(roundTrip(Codecs.booleans(), true)).isTrue();
    assertThat(roundTrip(Codecs.bytes(), new byte[] {0, -1, 2})).containsExactly(0, -1, 2);
    assertThatThrownBy(() -> Codecs.longs().decode(new byte[3])).isInstanceOf(ResultCodecException.class);
  }

  @Test
  void jsonRoundTripsRecords() {
    Order o = new Order("o-1", new BigDecimal("12.30"), List.of("book", "pen"));
    assertThat(roundTrip(Codecs.json(Order.class), o)).isEqualTo(o);
    assertThatThrownBy(() -> Codecs.json(Order.class).decode("{not json".getBytes()))
        .isInstanceOf(ResultCodecException.class);
  }

  @Test
  void javaSerializationIsRestrictedToTheAllowList() {
    Order o = new Order("o-1", new BigDecimal("1.00"), new ArrayList<>(List.of("a")));
    ResultCodec<Order> allowed = Codecs.javaSerialization(Order.class,
        "dev.idempotency.codec.*;java.math.*;java.util.*;java.lang.*");
    assertThat(roundTrip(allowed, o)).isEqualTo(o);

    ResultCodec<Order> tooNarrow = Codecs.javaSerialization(Order.class, "java.lang.*");
    byte[] bytes = allowed.encode(o);
    assertThatThrownBy(() -> tooNarrow.decode(bytes)).isInstanceOf(ResultCodecException.class);
    assertThatThrownBy(() -> Codecs.javaSerialization(Order.class, "*")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Codecs.javaSerialization(Order.class, " ")).isInstanceOf(InvalidInputException.class);
  }

  private static <T> T roundTrip(ResultCodec<T> codec, T value) {
    return codec.decode(codec.encode(value));
  }
}
