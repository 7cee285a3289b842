package dev.idempotency.redis;

import java.nio.charset.StandardCharsets;

/**
 * The key layout, in one place: {@code <prefix>:<type>:{<storageKey>}}. The storage key is the hash
 * tag, so every key an operation touches lies in one cluster slot; the type keeps the stores apart.
 */
final class RedisKeys {
  /** The stores' key types. */
  enum Type {
    /** Idempotency records. */
    RECORD("rec"),
    /** One-time tokens. */
    TOKEN("tok"),
    /** Dedup marks. */
    DEDUP("dedup"),
    /** Locks. */
    LOCK("lock"),
    /** Stock items: counts and holders in one hash. */
    STOCK("stock"),
    /** A stock item's unconfirmed holders by the end of their hold: a sorted set beside the item. */
    STOCK_HOLDS("stockholds"),
    /** Rate-limited keys: one arrival time per tier in one hash. */
    RATE("rate");

    final String tag;

    Type(String tag) {
      this.tag = tag;
    }
  }

  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  String key(Type type, String storageKey) {
    return key(type.tag, storageKey);
  }

  /** The key of a state-machine entity of an entity type. */
  String stateKey(String entityType, String entityId) {
    return key("sm:" + entityType, entityId);
  }

  byte[] bytes(Type type, String storageKey) {
    return key(type, storageKey).getBytes(StandardCharsets.UTF_8);
  }

  byte[] stateBytes(String entityType, String entityId) {
    return stateKey(entityType, entityId).getBytes(StandardCharsets.UTF_8);
  }

  private String key(String type, String storageKey) {
    return prefix + ':' + type + ":{" + storageKey + '}';
  }
}
