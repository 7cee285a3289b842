package dev.idempotency.redis;

import java.nio.charset.StandardCharsets;

/**
 * The key layout: {@code prefix:type:{storageKey}}. The braces are a Redis Cluster hash tag: every key
 * of one operation hashes to one slot. (A storage key that itself contains a closing brace shortens
 * the tag to the text before it, but identically for every key built from that storage key, since
 * the prefix and type are brace-free identifiers; so the keys of one operation still share a slot.)
 */
final class RedisKeys {
  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  String key(String type, String storageKey) {
    return prefix + ':' + type + ":{" + storageKey + '}';
  }

  byte[] bytes(String type, String storageKey) {
    return key(type, storageKey).getBytes(StandardCharsets.UTF_8);
  }
}
