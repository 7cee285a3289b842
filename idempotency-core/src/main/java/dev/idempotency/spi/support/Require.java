package dev.idempotency.spi.support;

import dev.idempotency.InvalidInputException;
import dev.idempotency.Limits;
import java.time.Duration;

/**
 * Argument checks that fail with {@link InvalidInputException}: the one place where the bad-input
 * rules of the contract (section 7) are written. A backend checks its SPI arguments with these, so
 * that its errors read exactly like the core's and a bad input writes nothing. Thread-safe; stateless.
 */
public final class Require {
  private Require() {}

  /**
   * Checks that a value is present.
   *
   * @param <T> the value's type
   * @param value the value
   * @param field its name, for the message
   * @return the value
   */
  public static <T> T nonNull(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    return value;
  }

  /**
   * Checks that a duration is present and strictly positive.
   *
   * @param value the duration
   * @param field its name, for the message
   * @return the duration
   */
  public static Duration positive(Duration value, String field) {
    nonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidInputException(field, "must be positive, was " + value);
    }
    return value;
  }

  /**
   * Checks a duration that a store keeps something for (a lease, a retention, a TTL): present,
   * positive and at most {@link Limits#MAX_STORED_DURATION}.
   *
   * @param value the duration
   * @param field its name, for the message
   * @return the duration
   */
  public static Duration storedDuration(Duration value, String field) {
    positive(value, field);
    if (value.compareTo(Limits.MAX_STORED_DURATION) > 0) {
      throw new InvalidInputException(field, "must be at most " + Limits.MAX_STORED_DURATION.toDays()
          + " days (Limits.MAX_STORED_DURATION), was " + value);
    }
    return value;
  }

  /**
   * Checks a wait or a timeout: present, not negative and at most {@link Limits#MAX_WAIT}.
   *
   * @param value the duration
   * @param field its name, for the message
   * @return the duration
   */
  public static Duration waitTime(Duration value, String field) {
    notNegative(value, field);
    if (value.compareTo(Limits.MAX_WAIT) > 0) {
      throw new InvalidInputException(field, "must be at most " + Limits.MAX_WAIT.toMinutes()
          + " minutes (Limits.MAX_WAIT), was " + value);
    }
    return value;
  }

  /**
   * A stored duration in whole milliseconds, at least 1, for a backend's expiry arithmetic; checked
   * as {@link #storedDuration} so that no store can be handed a value that overflows it.
   *
   * @param value the duration
   * @param field its name, for the message
   * @return milliseconds, from 1 to the maximum's
   */
  public static long storedMillis(Duration value, String field) {
    return Math.max(1, storedDuration(value, field).toMillis());
  }

  /**
   * Checks that a duration is present and not negative.
   *
   * @param value the duration
   * @param field its name, for the message
   * @return the duration
   */
  public static Duration notNegative(Duration value, String field) {
    nonNull(value, field);
    if (value.isNegative()) {
      throw new InvalidInputException(field, "must not be negative, was " + value);
    }
    return value;
  }

  /**
   * Checks a piece of key text: present, not blank, at most {@code maxLength} UTF-16 units, no ISO
   * control characters, no format characters (such as U+200B or the bidi overrides) or line and
   * paragraph separators, and no unpaired surrogates.
   *
   * @param value the text
   * @param field its name, for the message
   * @param maxLength the documented limit
   * @return the text
   */
  public static String keyText(String value, String field, int maxLength) {
    nonNull(value, field);
    if (value.isBlank()) {
      throw new InvalidInputException(field, "must not be blank");
    }
    if (value.length() > maxLength) {
      throw new InvalidInputException(field,
          "must be at most " + maxLength + " characters, was " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidInputException(field,
            "must not contain control characters (found U+" + String.format("%04X", (int) c)
                + " at index " + i + ")");
      }
      int type = Character.getType(c);
      if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        // Invisible or line-breaking: two keys that print alike would differ, and logs could be forged.
        throw new InvalidInputException(field,
            "must not contain format or line-separator characters (found U+" + String.format("%04X", (int) c)
                + " at index " + i + ")");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new InvalidInputException(field, "contains an unpaired surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw new InvalidInputException(field, "contains an unpaired surrogate at index " + i);
      }
    }
    return value;
  }

  /**
   * Checks a plain identifier: letters, digits, {@code _ . -}, starting with a letter or digit.
   *
   * @param value the identifier
   * @param field its name, for the message
   * @param maxLength the documented limit
   * @return the identifier
   */
  public static String identifier(String value, String field, int maxLength) {
    nonNull(value, field);
    if (value.isEmpty() || value.length() > maxLength) {
      throw new InvalidInputException(field, "must be 1 to " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (i > 0 && (c == '_' || c == '.' || c == '-'));
      if (!ok) {
        throw new InvalidInputException(field,
            "must match [A-Za-z0-9][A-Za-z0-9_.-]*, was \"" + printable(value) + "\"");
      }
    }
    return value;
  }

  /**
   * Checks a boolean condition about an argument.
   *
   * @param condition what must hold
   * @param field the argument's name
   * @param message what is wrong when it does not hold
   */
  public static void argument(boolean condition, String field, String message) {
    if (!condition) {
      throw new InvalidInputException(field, message);
    }
  }

  /**
   * Renders text for an error message with control characters escaped and length capped.
   *
   * @param value the text
   * @return a safe rendering
   */
  public static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    int limit = Math.min(value.length(), 64);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > limit) {
      sb.append("...");
    }
    return sb.toString();
  }
}
