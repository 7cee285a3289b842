package dev.idempotency.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by EVALSHA in one round trip. Its SHA-1 is computed locally, so nothing is loaded
 * up front; on NOSCRIPT (after {@code SCRIPT FLUSH}, a restart or a failover, or on a cluster node
 * that has not seen it) the script is sent once with EVAL, which also caches it on that node.
 */
final class RedisScript {
  private final String name;
  private final String text;
  private final byte[] source;
  private final byte[] sha;

  RedisScript(String name, String source) {
    this.name = name;
    this.text = source;
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.sha = sha1Hex(this.source).getBytes(StandardCharsets.US_ASCII);
  }

  String name() {
    return name;
  }

  /** The Lua source, for a script that runs this one's body among others ({@link RedisSteps}). */
  String source() {
    return text;
  }

  Object run(UnifiedJedis jedis, List<byte[]> keys, List<byte[]> args) {
    try {
      return jedis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return jedis.eval(source, keys, args);
    }
  }

  /** Queues EVALSHA on a pipeline. */
  Response<Object> evalsha(Pipeline p, List<byte[]> keys, List<byte[]> args) {
    return p.evalsha(sha, keys, args);
  }

  /** Queues EVAL (after NOSCRIPT) on a pipeline. */
  Response<Object> eval(Pipeline p, List<byte[]> keys, List<byte[]> args) {
    return p.eval(source, keys, args);
  }

  private static String sha1Hex(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(bytes);
      StringBuilder sb = new StringBuilder(40);
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-1", e);
    }
  }
}
