-- Idempotency SDK schema for MySQL 8 and MariaDB 10.5+. {prefix} is the table prefix (default idem_).
-- Keys are stored as the SHA-256 hex of the storage key in an ASCII binary column: the default
-- utf8mb4 collations are case-insensitive and pad spaces, which would merge distinct keys.
-- Times are UTC (UTC_TIMESTAMP), so session time zones and DST never move an expiry.
CREATE TABLE IF NOT EXISTS {prefix}records (
  key_hash      CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  status        SMALLINT    NOT NULL,
  fingerprint   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  fencing_token BIGINT      NOT NULL,
  payload       LONGBLOB,
  expires_at    DATETIME(3) NOT NULL,
  INDEX {prefix}records_expires (expires_at)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}tokens (
  key_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  marker     SMALLINT    NOT NULL DEFAULT 1,
  expires_at DATETIME(3) NOT NULL,
  INDEX {prefix}tokens_expires (expires_at)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}locks (
  key_hash      CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  owner         VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  holds         INTEGER     NOT NULL,
  fencing_token BIGINT      NOT NULL,
  expires_at    DATETIME(3) NOT NULL,
  INDEX {prefix}locks_expires (expires_at)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}dedup (
  key_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  marker     SMALLINT    NOT NULL DEFAULT 1,    -- carries LAST_INSERT_ID(1) for "first seen"
  expires_at DATETIME(3) NOT NULL,
  INDEX {prefix}dedup_expires (expires_at)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}states (
  entity_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  status     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  version    BIGINT      NOT NULL,
  fence      BIGINT
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}stock (          -- stock reservation: one row per item
  item_key  CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  item      VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  available BIGINT NOT NULL CHECK (available >= 0),
  reserved  BIGINT NOT NULL,
  confirmed BIGINT NOT NULL
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}stock_holds (    -- one reservation per (item, holder)
  item_key   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  holder_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  holder     VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  quantity   BIGINT   NOT NULL,
  status     SMALLINT NOT NULL,                   -- 0 reserved, 1 confirmed
  reservation_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  expires_at DATETIME(3) NULL,                    -- the end of an unconfirmed hold; null once confirmed
  PRIMARY KEY (item_key, holder_key),
  INDEX {prefix}stock_holds_expires (item_key, expires_at)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS {prefix}rates (          -- rate limits: GCRA arrival times per key
  key_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  tats       VARCHAR(200) CHARACTER SET ascii NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  INDEX {prefix}rates_expires (expires_at)
) ENGINE=InnoDB;
