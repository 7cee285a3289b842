-- The order service's own tables, created if missing at start (spring.sql.init in
-- application.properties) on H2, PostgreSQL and MySQL/MariaDB: the same DDL runs on all three.
-- The unique keys are the last line of the defence: one order per form token and user
-- (shop_orders_user_token), one flash-sale order per user and product (shop_orders_flash), one
-- payment and one shipment per order (primary keys). The library's own tables (idem_*: dedup rows,
-- and the flash sale's stock ledger) are created by the JDBC backend.
CREATE TABLE IF NOT EXISTS shop_products (      -- the demo's naive anti-pattern only: its hand-written stock
  product_id VARCHAR(64)  PRIMARY KEY,
  name       VARCHAR(200) NOT NULL,
  stock      BIGINT       NOT NULL,
  version    BIGINT       NOT NULL
);
CREATE TABLE IF NOT EXISTS shop_orders (
  order_id     VARCHAR(64)  PRIMARY KEY,
  user_id      VARCHAR(64)  NOT NULL,
  product_id   VARCHAR(64)  NOT NULL,
  quantity     INT          NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  kind         VARCHAR(16)  NOT NULL,
  submit_token VARCHAR(64),
  flash_key    VARCHAR(140),
  fence        BIGINT,
  created_at   BIGINT       NOT NULL,
  CONSTRAINT shop_orders_user_token UNIQUE (user_id, submit_token),
  CONSTRAINT shop_orders_flash UNIQUE (flash_key)
);
CREATE TABLE IF NOT EXISTS shop_payments (
  order_id VARCHAR(64) PRIMARY KEY,
  paid_at  BIGINT      NOT NULL
);
CREATE TABLE IF NOT EXISTS shop_shipments (
  order_id   VARCHAR(64) PRIMARY KEY,
  shipped_at BIGINT      NOT NULL
);
CREATE TABLE IF NOT EXISTS shop_requests (      -- queued requests: the consumer's answer per request id
  request_id VARCHAR(64)  PRIMARY KEY,
  user_id    VARCHAR(64)  NOT NULL,
  kind       VARCHAR(16)  NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  order_id   VARCHAR(64),
  detail     VARCHAR(300),
  deliveries INT          NOT NULL
);
CREATE TABLE IF NOT EXISTS shop_fences (        -- the last fencing token each lock's writes carried
  fence_key VARCHAR(200) PRIMARY KEY,
  token     BIGINT       NOT NULL
);
