package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void storageKeysAreUnambiguous() {
    List<IdempotencyKey> keys = List.of(
        IdempotencyKey.of("a", "b:c"), IdempotencyKey.of("a", "b", "c"), IdempotencyKey.of("a", "b:", "c"),
        IdempotencyKey.of("a", "b%3A", "c"), IdempotencyKey.of("a", "b%", "3A:c"), IdempotencyKey.of("a", ":", "c"),
        IdempotencyKey.of("a", "%", "c"), IdempotencyKey.of("a", "::c"));
    Set<String> storage = new HashSet<>();
    keys.forEach(k -> assertThat(storage.add(k.storageKey())).as(k.toString()).isTrue());
  }

  @Test
  void theLongestStorageKeyIsTheDocumentedMaximum() {
    IdempotencyKey k = IdempotencyKey.of("n".repeat(64), ":".repeat(128), "v".repeat(256));
    assertThat(k.storageKey()).hasSize(IdempotencyKey.MAX_STORAGE_KEY_LENGTH);
  }

  @Test
  void keysAreValuesAndPrintSafely() {
    assertThat(IdempotencyKey.of("orders", "u", "k")).isEqualTo(IdempotencyKey.of("orders", "u", "k"));
    assertThat(IdempotencyKey.of("orders", "u", "k")).isNotEqualTo(IdempotencyKey.of("orders", "k"));
    assertThat(IdempotencyKey.of("orders", "k".repeat(200)).toString()).hasSizeLessThan(90);
    assertThatThrownBy(() -> Scope.of("orders", null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> IdempotencyKey.of("orders", "ab\u0085"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+0085");
    // A line separator and invisible format characters are refused too: keys that print alike must be equal.
    assertThatThrownBy(() -> IdempotencyKey.of("orders", "a\u2028b"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+2028");
    assertThatThrownBy(() -> IdempotencyKey.of("orders", "u", "a\u200bb"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+200B");
    assertThatThrownBy(() -> Scope.of("orders", "ali\u202ece")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void fingerprintsAreSha256HexAndComparable() {
    assertThat(Fingerprint.sha256("abc").value())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Fingerprint.sha256(new byte[] {'a', 'b', 'c'})).isEqualTo(Fingerprint.sha256("abc"));
    assertThat(Fingerprint.of(Fingerprint.sha256("abc").value())).isEqualTo(Fingerprint.sha256("abc"));
    assertThat(Fingerprint.of("")).isSameAs(Fingerprint.none());
    assertThatThrownBy(() -> Fingerprint.of("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
        .isInstanceOf(InvalidInputException.class);
  }
}
