package dev.idempotency.redis;

import dev.idempotency.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Where every store's Redis calls run: the client, the name messages use, the one place where
 * driver failures become {@link StoreUnavailableException}, and replica acknowledgement.
 *
 * <p>With {@link Replication#replicas()} above zero, every operation is sent in one pipeline on one
 * connection as the command, a {@code PUBLISH} to a channel nobody reads (it is propagated to
 * replicas, so the connection's replication offset becomes the primary's current one, covering what
 * other clients wrote and this command read), and {@code WAIT replicas timeout}; fewer
 * acknowledgements than asked is {@link NotReplicatedException}. Still one round trip, plus the time
 * the replicas take to acknowledge. Thread-safe, as the client is.
 */
final class RedisExecutor {
  /** Replica acknowledgement: none when {@code replicas} is zero. */
  record Replication(int replicas, Duration timeout) {
    static final Replication NONE = new Replication(0, Duration.ZERO);
  }

  private final UnifiedJedis jedis;
  private final String name;
  private final Replication replication;
  private final byte[] channel;

  RedisExecutor(UnifiedJedis jedis, String name, Replication replication, String prefix) {
    this.jedis = jedis;
    this.name = name;
    this.replication = replication;
    this.channel = (prefix + ":replicated").getBytes(StandardCharsets.US_ASCII);
  }

  String name() {
    return name;
  }

  UnifiedJedis jedis() {
    return jedis;
  }

  /** Whether writes wait for replicas to acknowledge them ({@code WAIT}). */
  boolean waitsForReplicas() {
    return replication.replicas() > 0;
  }

  /** Runs one call on the client, translating the driver's failures; never waits for replicas (reads). */
  <R> R call(String operation, Function<UnifiedJedis, R> call) {
    try {
      return call.apply(jedis);
    } catch (JedisException e) {
      throw new StoreUnavailableException(name, operation, e);
    }
  }

  /**
   * Runs a script on one key in one round trip, acknowledged by the replicas asked for.
   *
   * @throws NotReplicatedException if fewer replicas acknowledged it in time (the script ran on the primary)
   */
  Object run(String operation, RedisScript script, byte[] key, List<byte[]> args) {
    return run(operation, script, List.of(key), args);
  }

  /** As {@link #run(String, RedisScript, byte[], List)}, for a script over several keys of one slot. */
  Object run(String operation, RedisScript script, List<byte[]> keys, List<byte[]> args) {
    if (replication.replicas() == 0) {
      return call(operation, j -> script.run(j, keys, args));
    }
    return replicated(operation, p -> script.evalsha(p, keys, args), p -> script.eval(p, keys, args));
  }

  /**
   * Runs a plain write, acknowledged by the replicas asked for.
   *
   * @throws NotReplicatedException if fewer replicas acknowledged it in time (it ran on the primary)
   */
  <R> R write(String operation, Function<UnifiedJedis, R> direct, Function<Pipeline, Response<R>> pipelined) {
    if (replication.replicas() == 0) {
      return call(operation, direct);
    }
    return replicated(operation, pipelined, null);
  }

  private <R> R replicated(String operation, Function<Pipeline, Response<R>> command,
      Function<Pipeline, Response<R>> onNoScript) {
    try (Pipeline p = pipeline()) {
      Response<R> reply = command.apply(p);
      Response<Long> acked = acknowledged(p);
      p.sync();
      R result;
      try {
        result = reply.get();
      } catch (JedisNoScriptException e) {
        if (onNoScript == null) {
          throw e;
        }
        reply = onNoScript.apply(p);
        acked = acknowledged(p);
        p.sync();
        result = reply.get();
      }
      long count = acked.get();
      if (count < replication.replicas()) {
        throw new NotReplicatedException(name, operation, count, replication, result);
      }
      return result;
    } catch (JedisException e) {
      throw new StoreUnavailableException(name, operation, e);
    }
  }

  private Response<Long> acknowledged(Pipeline p) {
    p.publish(channel, new byte[0]);
    return p.waitReplicas(replication.replicas(), replication.timeout().toMillis());
  }

  private Pipeline pipeline() {
    AbstractPipeline p = jedis.pipelined();
    if (p instanceof Pipeline one) {
      return one; // one connection: a standalone server or Sentinel's current primary
    }
    p.close();
    throw new IllegalStateException("replica acknowledgement needs a client on one primary, not " + jedis.getClass());
  }

  /**
   * A write the primary made that fewer replicas than asked acknowledged in time: a failover now
   * could lose it. Reported as the store being unavailable; carries the primary's reply.
   */
  static final class NotReplicatedException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;
    private final transient Object reply;

    NotReplicatedException(String store, String operation, long acked, Replication replication, Object reply) {
      super(store, operation + " (acknowledged by " + acked + " of " + replication.replicas() + " replicas within "
          + replication.timeout().toMillis() + " ms)", null);
      this.reply = reply;
    }

    Object reply() {
      return reply;
    }
  }
}
