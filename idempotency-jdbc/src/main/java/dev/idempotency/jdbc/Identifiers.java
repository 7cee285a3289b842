package dev.idempotency.jdbc;

import dev.idempotency.InvalidInputException;
import java.util.regex.Pattern;

/**
 * SQL identifiers that may be spliced into statements: letters, digits and underscores, starting
 * with a letter or underscore, at most 63 characters per part, optionally schema-qualified. Anything
 * else (quotes, spaces, semicolons, comments) is a configuration error, so identifiers can never
 * carry an injection.
 */
final class Identifiers {
  private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Identifiers() {}

  static String require(String identifier, String field) {
    if (identifier == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    String[] parts = identifier.split("\\.", -1);
    if (parts.length > 2) {
      throw new InvalidInputException(field, "must be an identifier or schema.identifier, was \""
          + dev.idempotency.internal.Require.printable(identifier) + "\"");
    }
    for (String part : parts) {
      if (!PART.matcher(part).matches()) {
        throw new InvalidInputException(field, "must be letters, digits and underscores, starting with a "
            + "letter (at most 63 per part), was \"" + dev.idempotency.internal.Require.printable(identifier) + "\"");
      }
    }
    return identifier;
  }
}
