-- Idempotency SDK schema for H2 2.x. {prefix} is the table prefix (default idem_).
CREATE TABLE IF NOT EXISTS {prefix}records (
  key_hash      CHAR(64)     NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) NOT NULL,
  status        SMALLINT     NOT NULL,
  fingerprint   VARCHAR(64)  NOT NULL,
  fencing_token BIGINT       NOT NULL,
  payload       BLOB,
  expires_at    TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}records_expires ON {prefix}records (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}tokens (
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,
  marker     SMALLINT     NOT NULL DEFAULT 1,
  expires_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}tokens_expires ON {prefix}tokens (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}locks (
  key_hash      CHAR(64)     NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) NOT NULL,
  owner         VARCHAR(128),
  holds         INTEGER      NOT NULL,
  fencing_token BIGINT       NOT NULL,
  expires_at    TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}locks_expires ON {prefix}locks (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}dedup (
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,
  marker     SMALLINT     NOT NULL DEFAULT 1,
  expires_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}dedup_expires ON {prefix}dedup (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}states (
  entity_key CHAR(64)    NOT NULL PRIMARY KEY,
  status     VARCHAR(64) NOT NULL,
  version    BIGINT      NOT NULL,
  fence      BIGINT
);
CREATE TABLE IF NOT EXISTS {prefix}stock (
  item_key  CHAR(64)     NOT NULL PRIMARY KEY,
  item      VARCHAR(256) NOT NULL,
  available BIGINT       NOT NULL CHECK (available >= 0),
  reserved  BIGINT       NOT NULL,
  confirmed BIGINT       NOT NULL
);
CREATE TABLE IF NOT EXISTS {prefix}stock_holds (
  item_key   CHAR(64)     NOT NULL,
  holder_key CHAR(64)     NOT NULL,
  holder     VARCHAR(256) NOT NULL,
  quantity   BIGINT       NOT NULL,
  status     SMALLINT     NOT NULL,
  reservation_id VARCHAR(64) NOT NULL,
  expires_at TIMESTAMP(3) WITH TIME ZONE,
  PRIMARY KEY (item_key, holder_key)
);
CREATE INDEX IF NOT EXISTS {prefix}stock_holds_expires ON {prefix}stock_holds (item_key, expires_at);
CREATE TABLE IF NOT EXISTS {prefix}rates (
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,
  tats       VARCHAR(200) NOT NULL,
  expires_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}rates_expires ON {prefix}rates (expires_at);
