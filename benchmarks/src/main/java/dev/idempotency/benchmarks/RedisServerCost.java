package dev.idempotency.benchmarks;

import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.redis.RedisBackend;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * What Redis itself spends, beside the raw baseline of each operation: the server's CPU per call
 * ({@code INFO cpu}, user + system, less what the idle server spends in the same time) and the
 * commands it ran per call ({@code INFO commandstats}, which counts a script's own commands beside the
 * {@code EVALSHA}), and what the call costs the calling JVM (its process CPU: what a round trip costs
 * the service that makes it), over many calls of each side, the two sides alternated in rounds; and the memory a
 * completed record holds ({@code used_memory} over many records) beside a raw string of the same
 * result under a key of the same length with the same expiry. Needs a Redis of its own for honest
 * figures: other clients' work counts too. {@code Report --redis-server CALLS ROUNDS} prints it.
 */
final class RedisServerCost {
  /**
   * One operation beside its baseline: server CPU µs, commands and the calling JVM's CPU µs per call
   * of each.
   */
  record Row(String operation, String baseline, double cpuMicros, double baselineCpuMicros, double commands,
      double baselineCommands, double clientMicros, double baselineClientMicros) {}

  /** Bytes of {@code used_memory} per completed record and per raw string of the same result. */
  record Memory(int records, int resultBytes, double recordBytes, double rawBytes) {}

  /** Everything one measurement found. */
  record Result(int calls, int rounds, List<Row> rows, Memory memory) {}

  /** The target the performance issue sets for a record's bytes against a raw string's. */
  static final double RECORD_TARGET_RATIO = 1.3;

  private RedisServerCost() {}

  /**
   * Measures the operations and the records.
   *
   * @param calls calls of each side per round
   * @param rounds rounds
   * @param records records (and raw strings) for the memory figure
   * @return what was found
   * @throws Exception what an operation threw
   */
  static Result measure(int calls, int rounds, int records) throws Exception {
    return new Result(calls, rounds, run(calls, rounds), memory(records, 60));
  }

  /**
   * The result as Markdown: a table of operations, then the record's bytes.
   *
   * @param r what was measured
   * @return the text
   */
  static String markdown(Result r) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(java.util.Locale.ROOT, "%,d calls of each side per round, %d round(s), the sides"
        + " alternated; server CPU is `INFO cpu` (user + system) less the idle server's in the same time; commands"
        + " are `INFO commandstats` calls, which count a script's own commands beside its `EVALSHA`; client CPU is"
        + " the calling JVM's (user + system, every thread), the calls made one at a time on one thread.%n%n",
        r.calls(), r.rounds()));
    md.append("| operation | server CPU µs per call | baseline | its server CPU µs | ratio | commands per call | baseline's"
        + " | client CPU µs per call | baseline's |\n");
    md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row row : r.rows()) {
      md.append(String.format(java.util.Locale.ROOT, "| %s | %.1f | `%s` | %.1f | x%.2f | %.1f | %.1f | %.1f | %.1f |%n",
          row.operation(), row.cpuMicros(), row.baseline(), row.baselineCpuMicros(),
          row.cpuMicros() / row.baselineCpuMicros(), row.commands(), row.baselineCommands(), row.clientMicros(),
          row.baselineClientMicros()));
    }
    Memory m = r.memory();
    double ratio = m.recordBytes() / m.rawBytes();
    md.append(String.format(java.util.Locale.ROOT, "%nA completed record with a %d-byte result and a request"
        + " fingerprint holds %.0f bytes of `used_memory`; a raw string of the same result under a key of the same"
        + " length, with an expiry, %.0f (x%.2f over %,d of each; target ≤ x%.1f: %s).%n", m.resultBytes(),
        m.recordBytes(), m.rawBytes(), ratio, m.records(), RECORD_TARGET_RATIO,
        ratio <= RECORD_TARGET_RATIO ? "met" : "**missed**"));
    return md.toString();
  }

  /**
   * Measures every Redis operation the report pairs with a baseline.
   *
   * @param calls calls of each side per round
   * @param rounds rounds, each side once per round, alternated
   * @return a row per operation
   * @throws Exception what an operation threw
   */
  static List<Row> run(int calls, int rounds) throws Exception {
    RedisBenchmarks target = new RedisBenchmarks();
    target.setUp();
    List<Row> rows = new ArrayList<>();
    try (RedisClient admin = Servers.redis()) {
      double idle = idleCpuPerSecond(admin);
      for (String pair : Report.pairs()) {
        String[] p = pair.split(":");
        if (!p[0].equals("Redis")) {
          continue;
        }
        MethodHandle op = handle(target, p[1]);
        MethodHandle base = handle(target, p[2]);
        for (int i = 0; i < calls / 10; i++) {   // warm both
          call(op);
          call(base);
        }
        double[] o = new double[3];
        double[] b = new double[3];
        for (int r = 0; r < rounds; r++) {
          add(o, measure(admin, op, calls, idle));
          add(b, measure(admin, base, calls, idle));
        }
        rows.add(new Row(p[1], p[2], o[0] / rounds, b[0] / rounds, o[1] / rounds, b[1] / rounds, o[2] / rounds,
            b[2] / rounds));
      }
    } finally {
      target.tearDown();
    }
    return rows;
  }

  /**
   * The memory of completed records (a result of {@code resultBytes} characters, a real request
   * fingerprint) beside raw strings of the same result.
   *
   * @param records how many of each
   * @param resultBytes the result's length
   * @return bytes per record of each
   */
  static Memory memory(int records, int resultBytes) {
    String run = "mem" + UUID.randomUUID().toString().substring(0, 8);
    String result = "r".repeat(resultBytes);
    try (RedisClient admin = Servers.redis();
        RedisBackend redis = RedisBackend.builder().uri(Servers.redisUri()).keyPrefix(run).build()) {
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore())
          .defaults(dev.idempotency.CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
      long before = usedMemory(admin);
      for (int i = 0; i < records; i++) {
        CallResult<String> r = engine.execute(IdempotencyKey.of("bench", "k-" + i),
            Fingerprint.sha256("{\"order\":" + i + ",\"quantity\":1}"), Codecs.string(), c -> result);
        if (r.value() == null) {
          throw new IllegalStateException("no result");
        }
      }
      long records1 = usedMemory(admin);
      // Raw keys of the same length as the store's ("mem" becomes "raw"), so that only what the
      // record adds is counted.
      String sample = admin.scan("0", new redis.clients.jedis.params.ScanParams().match(run + "*k-0*").count(1_000_000))
          .getResult().get(0);
      int at = sample.indexOf("k-0");
      String rawPrefix = "raw" + sample.substring(3, at);
      String suffix = sample.substring(at + 3);
      SetParams px = SetParams.setParams().px(3_600_000);
      for (int i = 0; i < records; i++) {
        admin.set(rawPrefix + "k-" + i + suffix, result, px);
      }
      long raw = usedMemory(admin);
      Servers.deleteKeys(admin, run);
      Servers.deleteKeys(admin, rawPrefix);
      return new Memory(records, resultBytes, (records1 - before) / (double) records, (raw - records1) / (double) records);
    }
  }

  private static MethodHandle handle(Object target, String name) throws ReflectiveOperationException {
    return MethodHandles.publicLookup().findVirtual(target.getClass(), name,
        MethodType.methodType(target.getClass().getMethod(name).getReturnType())).bindTo(target);
  }

  private static void call(MethodHandle op) throws Exception {
    try {
      op.invoke();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static void add(double[] sum, double[] one) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += one[i];
    }
  }

  /** Server CPU µs, commands and this JVM's CPU µs per call of {@code op}. */
  private static double[] measure(RedisClient admin, MethodHandle op, int calls, double idlePerSecond)
      throws Exception {
    long commands = Servers.commandCalls(admin);
    double cpu = cpu(admin);
    long start = System.nanoTime();
    long client = processCpuNanos();
    for (int i = 0; i < calls; i++) {
      call(op);
    }
    long clientSpent = processCpuNanos() - client;
    double seconds = (System.nanoTime() - start) / 1e9;
    double spent = cpu(admin) - cpu - idlePerSecond * seconds;
    long ran = Servers.commandCalls(admin) - commands;
    return new double[] {Math.max(0, spent) * 1e6 / calls, ran / (double) calls, clientSpent / 1e3 / calls};
  }

  /** What the server spends in a second with no client asking anything (its cron, expiry). */
  private static double idleCpuPerSecond(RedisClient admin) throws InterruptedException {
    double before = cpu(admin);
    long start = System.nanoTime();
    Thread.sleep(1_000);
    return (cpu(admin) - before) / ((System.nanoTime() - start) / 1e9);
  }

  /** This JVM's CPU time so far, every thread, user + system. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double cpu(RedisClient admin) {
    double total = 0;
    for (String line : admin.info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }

  private static long usedMemory(RedisClient admin) {
    for (String line : admin.info("memory").split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }
}
