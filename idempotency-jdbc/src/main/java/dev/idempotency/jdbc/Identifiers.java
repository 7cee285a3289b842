package dev.idempotency.jdbc;

import dev.idempotency.InvalidInputException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * SQL identifiers that may be spliced into statements: letters, digits and underscores, starting
 * with a letter or underscore, at most 63 characters per part, optionally schema-qualified. Anything
 * else (quotes, spaces, semicolons, comments) is a configuration error, so identifiers can never
 * carry an injection.
 */
final class Identifiers {
  private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** Reserved words per dialect: an unquoted identifier spelled like one is a syntax error there. */
  private static final Map<Dialect, Set<String>> RESERVED = new EnumMap<>(Dialect.class);
  /** Words reserved in every supported dialect. */
  private static final Set<String> RESERVED_EVERYWHERE;

  static {
    RESERVED.put(Dialect.POSTGRESQL, words("""
        ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC AUTHORIZATION BINARY BOTH CASE CAST CHECK
        COLLATE COLLATION COLUMN CONCURRENTLY CONSTRAINT CREATE CROSS CURRENT_CATALOG CURRENT_DATE
        CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEFAULT DEFERRABLE DESC
        DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FREEZE FROM FULL GRANT GROUP HAVING ILIKE IN
        INITIALLY INNER INTERSECT INTO IS ISNULL JOIN LATERAL LEADING LEFT LIKE LIMIT LOCALTIME
        LOCALTIMESTAMP NATURAL NOT NOTNULL NULL OFFSET ON ONLY OR ORDER OUTER OVERLAPS PLACING PRIMARY
        REFERENCES RETURNING RIGHT SELECT SESSION_USER SIMILAR SOME SYMMETRIC SYSTEM_USER TABLE
        TABLESAMPLE THEN TO TRAILING TRUE UNION UNIQUE USER USING VARIADIC VERBOSE WHEN WHERE WINDOW WITH"""));
    RESERVED.put(Dialect.MYSQL, words("""
        ACCESSIBLE ADD ALL ALTER ANALYZE AND AS ASC ASENSITIVE BEFORE BETWEEN BIGINT BINARY BLOB BOTH BY
        CALL CASCADE CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONDITION CONSTRAINT CONTINUE CONVERT
        CREATE CROSS CUBE CUME_DIST CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER
        CURSOR DATABASE DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL DECLARE
        DEFAULT DELAYED DELETE DENSE_RANK DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV DO_DOMAIN_IDS
        DOUBLE DROP DUAL EACH ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXISTS EXIT EXPLAIN FALSE FETCH
        FIRST_VALUE FLOAT FLOAT4 FLOAT8 FOR FORCE FOREIGN FROM FULLTEXT FUNCTION GENERAL GENERATED GET
        GRANT GROUP GROUPING GROUPS HAVING HIGH_PRIORITY HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND IF
        IGNORE IGNORE_DOMAIN_IDS IGNORE_SERVER_IDS IN INDEX INFILE INNER INOUT INSENSITIVE INSERT INT INT1
        INT2 INT3 INT4 INT8 INTEGER INTERSECT INTERVAL INTO IS ITERATE JOIN JSON_TABLE KEY KEYS KILL LAG
        LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME LOCALTIMESTAMP
        LOCK LONG LONGBLOB LONGTEXT LOOP LOW_PRIORITY MASTER_HEARTBEAT_PERIOD MASTER_SSL_VERIFY_SERVER_CERT
        MATCH MAXVALUE MEDIUMBLOB MEDIUMINT MEDIUMTEXT MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND MOD
        MODIFIES NATURAL NOT NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NUMERIC OF OFFSET ON OPTIMIZE OPTION
        OPTIONALLY OR ORDER OUT OUTER OUTFILE OVER PAGE_CHECKSUM PARSE_VCOL_EXPR PARTITION PERCENT_RANK
        POSITION PRECISION PRIMARY PROCEDURE PURGE RANGE RANK READ READS READ_WRITE REAL RECURSIVE
        REF_SYSTEM_ID REFERENCES REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESTRICT RETURN
        RETURNING REVOKE RIGHT RLIKE ROW ROWS ROW_NUMBER SCHEMA SCHEMAS SECOND_MICROSECOND SELECT SENSITIVE
        SEPARATOR SET SHOW SIGNAL SLOW SMALLINT SPATIAL SPECIFIC SQL SQLEXCEPTION SQLSTATE SQLWARNING
        SQL_BIG_RESULT SQL_CALC_FOUND_ROWS SQL_SMALL_RESULT SSL STARTING STATS_AUTO_RECALC
        STATS_PERSISTENT STATS_SAMPLE_PAGES STORED STRAIGHT_JOIN SYSTEM TABLE TERMINATED THEN TINYBLOB
        TINYINT TINYTEXT TO TRAILING TRIGGER TRUE UNDO UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING
        UTC_DATE UTC_TIME UTC_TIMESTAMP VALUES VARBINARY VARCHAR VARCHARACTER VARYING VIRTUAL WHEN WHERE
        WHILE WINDOW WITH WRITE XOR YEAR_MONTH ZEROFILL"""));
    RESERVED.put(Dialect.H2, words("""
        ALL AND ANY ARRAY AS ASYMMETRIC AUTHORIZATION BETWEEN BOTH CASE CAST CHECK CONSTRAINT CROSS
        CURRENT_CATALOG CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME
        CURRENT_TIMESTAMP CURRENT_USER DAY DEFAULT DISTINCT ELSE END EXCEPT EXISTS FALSE FETCH FOR FOREIGN
        FROM FULL GROUP GROUPS HAVING HOUR IF ILIKE IN INNER INTERSECT INTERVAL IS JOIN KEY LEADING LEFT
        LIKE LIMIT LOCALTIME LOCALTIMESTAMP MINUS MINUTE MONTH NATURAL NOT NULL OFFSET ON OR ORDER OVER
        PARTITION PRIMARY QUALIFY RANGE REGEXP RIGHT ROW ROWNUM ROWS SECOND SELECT SESSION_USER SET SOME
        SYMMETRIC SYSTEM_USER TABLE TO TOP TRAILING TRUE UESCAPE UNION UNIQUE UNKNOWN USER USING VALUE
        VALUES WHEN WHERE WINDOW WITH YEAR _ROWID_"""));
    Set<String> everywhere = new HashSet<>(RESERVED.get(Dialect.POSTGRESQL));
    everywhere.retainAll(RESERVED.get(Dialect.MYSQL));
    everywhere.retainAll(RESERVED.get(Dialect.H2));
    RESERVED_EVERYWHERE = Set.copyOf(everywhere);
  }

  private Identifiers() {}

  private static Set<String> words(String text) {
    return Set.copyOf(java.util.Arrays.asList(text.trim().split("\\s+")));
  }

  /**
   * Checks an identifier's shape ({@link #require}) and refuses one with a part reserved in a
   * dialect (null: reserved in every supported dialect), which could only be used quoted. Both checks
   * in one call, so that no caller can interpolate a name that was only checked for reserved words.
   */
  static String requireNotReserved(String identifier, String field, Dialect dialect) {
    require(identifier, field);
    Set<String> reserved = dialect == null ? RESERVED_EVERYWHERE : RESERVED.get(dialect);
    for (String part : identifier.split("\\.")) {
      if (reserved.contains(part.toUpperCase(Locale.ROOT))) {
        throw new InvalidInputException(field, "\"" + part + "\" is a reserved word in "
            + (dialect == null ? "SQL" : dialect.name()) + "; rename the table or column, or create a view "
            + "with another name over it");
      }
    }
    return identifier;
  }

  static String require(String identifier, String field) {
    if (identifier == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    String[] parts = identifier.split("\\.", -1);
    if (parts.length > 2) {
      throw new InvalidInputException(field, "must be an identifier or schema.identifier, was \""
          + dev.idempotency.spi.support.Require.printable(identifier) + "\"");
    }
    for (String part : parts) {
      if (!PART.matcher(part).matches()) {
        throw new InvalidInputException(field, "must be letters, digits and underscores, starting with a "
            + "letter (at most 63 per part), was \"" + dev.idempotency.spi.support.Require.printable(identifier) + "\"");
      }
    }
    return identifier;
  }
}
