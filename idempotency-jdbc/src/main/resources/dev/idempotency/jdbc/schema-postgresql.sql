-- Idempotency SDK schema for PostgreSQL. {prefix} is the table prefix (default idem_).
-- Keys are stored as the SHA-256 hex of the storage key (key_text keeps the readable form):
-- fixed-length, case-sensitive, and safe from collation surprises.
CREATE TABLE IF NOT EXISTS {prefix}records (
  key_hash      CHAR(64)     NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) NOT NULL,
  status        SMALLINT     NOT NULL,          -- 0 in progress, 1 completed
  fingerprint   VARCHAR(64)  NOT NULL,
  fencing_token BIGINT       NOT NULL,
  payload       BYTEA,
  expires_at    TIMESTAMPTZ  NOT NULL           -- lease while in progress, retention once completed
);
CREATE INDEX IF NOT EXISTS {prefix}records_expires ON {prefix}records (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}tokens (         -- one-time tokens: the same shape as dedup
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,               -- a hash of scope and token, never the token
  marker     SMALLINT     NOT NULL DEFAULT 1,
  expires_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}tokens_expires ON {prefix}tokens (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}locks (
  key_hash      CHAR(64)     NOT NULL PRIMARY KEY,
  key_text      VARCHAR(768) NOT NULL,
  owner         VARCHAR(128),                   -- null once released (the row keeps the last token)
  holds         INTEGER      NOT NULL,
  fencing_token BIGINT       NOT NULL,
  expires_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}locks_expires ON {prefix}locks (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}dedup (
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,
  marker     SMALLINT     NOT NULL DEFAULT 1,
  expires_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}dedup_expires ON {prefix}dedup (expires_at);
CREATE TABLE IF NOT EXISTS {prefix}states (         -- state machines kept by the backend
  entity_key CHAR(64)    NOT NULL PRIMARY KEY,      -- SHA-256 hex of entity type and id
  status     VARCHAR(64) NOT NULL,
  version    BIGINT      NOT NULL,
  fence      BIGINT
);
CREATE TABLE IF NOT EXISTS {prefix}stock (          -- stock reservation: one row per item
  item_key  CHAR(64)     NOT NULL PRIMARY KEY,      -- SHA-256 hex of the item
  item      VARCHAR(256) NOT NULL,
  available BIGINT       NOT NULL CHECK (available >= 0),
  reserved  BIGINT       NOT NULL,
  confirmed BIGINT       NOT NULL
);
CREATE TABLE IF NOT EXISTS {prefix}stock_holds (    -- one reservation per (item, holder)
  item_key   CHAR(64)     NOT NULL,
  holder_key CHAR(64)     NOT NULL,               -- SHA-256 hex of the holder
  holder     VARCHAR(256) NOT NULL,
  quantity   BIGINT       NOT NULL,
  status     SMALLINT     NOT NULL,               -- 0 reserved, 1 confirmed
  reservation_id VARCHAR(64) NOT NULL,            -- minted by the core; release and confirm name it
  expires_at TIMESTAMPTZ,                         -- the end of an unconfirmed hold; null once confirmed
  PRIMARY KEY (item_key, holder_key)
);
CREATE INDEX IF NOT EXISTS {prefix}stock_holds_expires ON {prefix}stock_holds (item_key, expires_at);
CREATE TABLE IF NOT EXISTS {prefix}rates (          -- rate limits: GCRA arrival times per key
  key_hash   CHAR(64)     NOT NULL PRIMARY KEY,
  key_text   VARCHAR(768) NOT NULL,
  tats       VARCHAR(200) NOT NULL,               -- one per tier, microseconds, comma-separated
  expires_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}rates_expires ON {prefix}rates (expires_at);
