package dev.idempotency.redis;

import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Runs steps of one backend's stores ({@link RedisStep}) in one round trip: one script whose body
 * calls each step's Lua as a function of its own key and arguments, in order, and returns after the
 * first whose reply does not pass. So a layered defence's rate limits, token and lock cost one
 * round trip, atomically, where they cost one each. The script is built once per sequence of step
 * kinds and sent by EVALSHA like every other script ({@link RedisScript}).
 *
 * <p>On Redis Cluster a script's keys must share a slot: steps whose keys do not are run one by one,
 * stopping at the first that does not pass, which has the same effects in more round trips.
 * Thread-safe.
 */
final class RedisSteps implements StepRunner {
  /** The most sequences of step kinds whose script is kept (a defence has a few). */
  private static final int MAX_SCRIPTS = 64;

  private final RedisExecutor redis;
  private final boolean oneSlotPerScript;
  private final ConcurrentHashMap<List<String>, RedisScript> scripts = new ConcurrentHashMap<>();

  /**
   * @param redis the backend's executor
   * @param oneSlotPerScript whether the client is a cluster's: a script's keys must share a slot
   */
  RedisSteps(RedisExecutor redis, boolean oneSlotPerScript) {
    this.redis = redis;
    this.oneSlotPerScript = oneSlotPerScript;
  }

  RedisExecutor executor() {
    return redis;
  }

  @Override
  public List<Object> runInOrder(List<? extends StoreStep<?>> steps) {
    List<RedisStep<?>> own = new ArrayList<>(steps.size());
    for (StoreStep<?> s : steps) {
      if (!(s instanceof RedisStep<?> r) || r.runner() != this) {
        throw new IllegalArgumentException("a step of another runner: " + s);
      }
      own.add(r);
    }
    if (own.size() == 1 || (oneSlotPerScript && !oneSlot(own))) {
      return oneByOne(own);
    }
    List<String> kinds = new ArrayList<>(own.size());
    List<byte[]> keys = new ArrayList<>(own.size());
    List<byte[]> args = new ArrayList<>();
    for (RedisStep<?> s : own) {
      kinds.add(s.kind);
      keys.add(s.key);
      args.add(Bytes.ascii(s.args.size()));
    }
    for (RedisStep<?> s : own) {
      args.addAll(s.args);
    }
    RedisScript script = scripts.get(kinds);
    if (script == null) {
      script = new RedisScript("steps " + String.join("+", kinds), source(own));
      if (scripts.size() < MAX_SCRIPTS) {
        scripts.putIfAbsent(List.copyOf(kinds), script);
      }
    }
    Object reply = redis.run(script.name(), script, keys, args);
    if (!(reply instanceof List<?> replies) || replies.isEmpty() || replies.size() > own.size()) {
      throw new dev.idempotency.CorruptRecordException("the steps script answered " + reply, null);
    }
    List<Object> out = new ArrayList<>(replies.size());
    for (int i = 0; i < replies.size(); i++) {
      List<?> boxed = (List<?>) replies.get(i);
      out.add(own.get(i).decode(boxed.isEmpty() ? null : boxed.get(0)));
    }
    return out;
  }

  private static List<Object> oneByOne(List<RedisStep<?>> steps) {
    List<Object> out = new ArrayList<>(steps.size());
    for (RedisStep<?> s : steps) {
      if (!runOne(s, out)) {
        break;
      }
    }
    return out;
  }

  private static <V> boolean runOne(RedisStep<V> s, List<Object> out) {
    V reply = s.run();
    out.add(reply);
    return s.passes(reply);
  }

  private static boolean oneSlot(List<RedisStep<?>> steps) {
    int slot = JedisClusterCRC16.getSlot(steps.get(0).key);
    for (RedisStep<?> s : steps) {
      if (JedisClusterCRC16.getSlot(s.key) != slot) {
        return false;
      }
    }
    return true;
  }

  /**
   * The script: each step's body as a local function of its own {@code KEYS} and {@code ARGV}
   * (parameters that shadow the script's), then the calls in order. {@code ARGV[1..n]} hold how many
   * arguments each step takes, its arguments follow; each reply is boxed in a table of one, so that a
   * nil reply keeps its place.
   */
  private static String source(List<RedisStep<?>> steps) {
    int n = steps.size();
    StringBuilder lua = new StringBuilder(1024);
    lua.append("local at = ").append(n).append('\n')
        .append("local function slice(count)\n")
        .append("  local s = {}\n")
        .append("  for i = 1, count do s[i] = ARGV[at + i] end\n")
        .append("  at = at + count\n")
        .append("  return s\n")
        .append("end\n");
    for (int i = 0; i < n; i++) {
      lua.append("local function step").append(i + 1).append("(KEYS, ARGV)\n")
          .append(steps.get(i).body).append('\n')
          .append("end\n");
    }
    lua.append("local replies = {}\n").append("local r\n");
    for (int i = 0; i < n; i++) {
      int k = i + 1;
      lua.append("r = step").append(k).append("({KEYS[").append(k).append("]}, slice(tonumber(ARGV[").append(k)
          .append("])))\n")
          .append("replies[").append(k).append("] = {r}\n");
      if (k < n) {
        lua.append("if not (").append(steps.get(i).passesLua).append(") then return replies end\n");
      }
    }
    lua.append("return replies\n");
    return lua.toString();
  }
}
