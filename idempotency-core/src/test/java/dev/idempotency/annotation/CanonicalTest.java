package dev.idempotency.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanonicalTest {
  /** A record whose component has its own type: encoders must not be built recursively. */
  public record Node(String value, Node next) {}

  @Test
  void aSelfReferentialRecordIsEncoded() {
    assertThat(Canonical.of(new Node("a", new Node("b", null))))
        .isEqualTo("{\"value\":\"a\",\"next\":{\"value\":\"b\",\"next\":null}}");
  }
}
