package dev.idempotency.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order service's HTTP path under {@code wrk} (Debian's package): {@code POST /orders} with the
 * full defence (the {@code Idempotency-Key} filter, two rate limits, the one-time token, the fenced
 * lock, the dedup row and the unique key in one transaction), each request a new order with its own
 * key and token; the same endpoint replaying a duplicate; and, as the yardstick, the same order
 * written with no defence ({@code POST /anti-pattern/orders}, one {@code INSERT}, answering as the
 * defended route does: 201, {@code Location}, the order as JSON). The service runs
 * on its embedded defaults (in-memory stores, H2) in its own JVM, started from
 * {@code idempotency-examples/target/order-service.jar} (or {@code -Dbench.orderService}); the rate
 * limits are raised so that they admit the load (their cost stays in). Tokens are issued before the
 * measured run, one per order, as the page fetches one per form.
 */
final class Http {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors:.*");
  private static final int THREADS = 2;
  private static final int CONNECTIONS = 16;
  /** The most tokens issued for one round of the full defence. */
  private static final int MAX_ORDERS = 300_000;
  private static final double SETTLED = 0.05;
  /** The most warm-up runs per path of a full measurement. */
  static final int WARM_RUNS = 8;

  private Http() {}

  /**
   * One endpoint's figures over one or more service JVMs: each JVM's medians over its alternated
   * rounds, and the median over the JVMs.
   *
   * @param name what was measured
   * @param requestsPerSecond throughput
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   * @param non2xx responses that were not 2xx or 3xx, over all rounds of all JVMs
   * @param cpuMicrosPerRequest the service process's CPU time (user and system) per request
   * @param rounds how many measured rounds each JVM's medians are of
   * @param cpuPerFork each service JVM's median CPU per request, in the order the JVMs ran
   */
  record Result(String name, double requestsPerSecond, double p50Millis, double p99Millis, long non2xx,
      double cpuMicrosPerRequest, int rounds, List<Double> cpuPerFork) {
    Result {
      cpuPerFork = List.copyOf(cpuPerFork);
    }

    /** @return how many service JVMs were measured */
    int forks() {
      return cpuPerFork.size();
    }

    /**
     * This path's CPU per request over another's, JVM by JVM: both were measured in the same JVM, in
     * alternated rounds, so each JVM's pair shares its JIT's decisions and the machine's state.
     *
     * @param other the path to compare with, measured in the same JVMs
     * @return one ratio per JVM
     */
    double[] ratiosTo(Result other) {
      double[] r = new double[forks()];
      for (int f = 0; f < r.length; f++) {
        r[f] = cpuPerFork.get(f) / other.cpuPerFork.get(f);
      }
      return r;
    }

    /**
     * @param other the path to compare with
     * @return the median of the per-JVM ratios, and with several JVMs their range, as {@code x1.36
     *     (x1.31–x1.45)}
     */
    String ratioTo(Result other) {
      double[] r = ratiosTo(other);
      String median = String.format(Locale.ROOT, "x%.2f", median(r));
      if (r.length == 1) {
        return median;
      }
      java.util.Arrays.sort(r);
      return String.format(Locale.ROOT, "%s (x%.2f–x%.2f)", median, r[0], r[r.length - 1]);
    }
  }

  /** One wrk run. */
  private record Run(double requestsPerSecond, double p50Millis, double p99Millis, long non2xx, long requests) {}

  /** One path of the comparison: how to run it, and its measured rounds. */
  private static final class MeasuredPath {
    final String name;
    final List<Run> runs = new ArrayList<>();
    final List<Double> cpuPerRequest = new ArrayList<>();

    MeasuredPath(String name) {
      this.name = name;
    }

    Result result() {
      return new Result(name, median(runs.stream().mapToDouble(Run::requestsPerSecond).toArray()),
          median(runs.stream().mapToDouble(Run::p50Millis).toArray()),
          median(runs.stream().mapToDouble(Run::p99Millis).toArray()),
          runs.stream().mapToLong(Run::non2xx).sum(),
          median(cpuPerRequest.stream().mapToDouble(Double::doubleValue).toArray()),
          runs.size(), List.of(median(cpuPerRequest.stream().mapToDouble(Double::doubleValue).toArray())));
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static Path jar() {
    return Path.of(System.getProperty("bench.orderService", "idempotency-examples/target/order-service.jar"));
  }

  static Path wrk() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "wrk");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Why the HTTP path was not measured. */
  static String whyNot() {
    return wrk() == null ? "Not run: `wrk` is not installed (`apt-get install wrk`)."
        : "Not run: " + jar() + " is missing (`mvn -B -q package -DskipTests` builds it).";
  }

  static String describe() {
    return String.format(Locale.ROOT, "`wrk -t%d -c%d --latency` against the order service on its embedded "
        + "defaults (in-memory stores, H2) in its own JVM on the same 2 cores. With the full defence every request "
        + "is a new order (its own `Idempotency-Key`, user and one-time token, issued just before the run, outside "
        + "its CPU time); the replay sends one order's request again and again; no defence is the same order as one "
        + "`INSERT` (`POST /anti-pattern/orders`), answered as the defended route answers (201, `Location`, the "
        + "order as JSON). The rate limits are raised to admit the load. Each path is warmed "
        + "until its CPU per request settles (within 5 %% of the warm-up run before it, at most %d runs as long as a "
        + "measured one; the full defence with new orders), then the three are measured in alternated rounds (A B C, "
        + "B C A, C A B, ...), and each figure is the median over the rounds; CPU is the service process's user and "
        + "system time over a run divided by its requests. The whole is repeated in several service JVMs, one after "
        + "the other (one JVM measures one set of its JIT's decisions); a figure is the median over the JVMs, and a "
        + "ratio the median of each JVM's own ratio, with their range.",
        THREADS, CONNECTIONS, WARM_RUNS);
  }

  /**
   * Measures the three paths, alternated, in one service JVM, or nothing if wrk or the jar is missing.
   *
   * @param seconds each measured run's duration, and each warm-up run's
   * @param rounds how many alternated rounds
   * @param warmRuns the most warm-up runs per path (it stops earlier once CPU per request settles); 1
   *     for a smoke
   * @return the figures, no defence first
   */
  static List<Result> run(int seconds, int rounds, int warmRuns) throws IOException, InterruptedException {
    return run(seconds, rounds, warmRuns, null, 1);
  }

  /**
   * As {@link #run(int, int, int)}, in {@code forks} service JVMs one after the other, with the
   * service on the given Spring profiles ({@code redis,postgres}: its stores on Redis, its orders on
   * PostgreSQL) instead of its embedded defaults. One JVM measures one set of its JIT's decisions:
   * two runs of the same code differed by more than a change under test (x1.36 and x1.53), so a
   * figure is the median over several JVMs, and the ratios are taken JVM by JVM
   * ({@link Result#ratioTo}).
   *
   * @param profiles the service's active profiles, or null for its embedded defaults
   * @param forks how many service JVMs, at least 1
   * @return the figures, no defence first: per path, the median over the JVMs of each JVM's medians
   */
  static List<Result> run(int seconds, int rounds, int warmRuns, String profiles, int forks)
      throws IOException, InterruptedException {
    if (forks < 1) {
      throw new IllegalArgumentException("forks: at least 1, was " + forks);
    }
    List<List<Result>> perFork = new ArrayList<>();
    for (int f = 0; f < forks; f++) {
      List<Result> one = runOne(seconds, rounds, warmRuns, profiles);
      if (one.isEmpty()) {
        return one;
      }
      perFork.add(one);
      if (forks > 1) {
        System.out.printf(Locale.ROOT, "HTTP, service JVM %d of %d: CPU per request %.1f / %.1f / %.1f us"
            + " (new order %s, replay %s of no defence)%n", f + 1, forks, one.get(0).cpuMicrosPerRequest(),
            one.get(1).cpuMicrosPerRequest(), one.get(2).cpuMicrosPerRequest(), one.get(1).ratioTo(one.get(0)),
            one.get(2).ratioTo(one.get(0)));
      }
    }
    List<Result> merged = new ArrayList<>();
    for (int p = 0; p < perFork.get(0).size(); p++) {
      int path = p;
      List<Result> of = perFork.stream().map(results -> results.get(path)).toList();
      merged.add(new Result(of.get(0).name(), median(of.stream().mapToDouble(Result::requestsPerSecond).toArray()),
          median(of.stream().mapToDouble(Result::p50Millis).toArray()),
          median(of.stream().mapToDouble(Result::p99Millis).toArray()),
          of.stream().mapToLong(Result::non2xx).sum(),
          median(of.stream().mapToDouble(Result::cpuMicrosPerRequest).toArray()), rounds,
          of.stream().map(Result::cpuMicrosPerRequest).toList()));
    }
    return merged;
  }

  private static List<Result> runOne(int seconds, int rounds, int warmRuns, String profiles)
      throws IOException, InterruptedException {
    Path wrk = wrk();
    if (wrk == null || !Files.isRegularFile(jar())) {
      System.out.println("HTTP path: " + whyNot());
      return List.of();
    }
    Path work = Files.createTempDirectory("bench-http");
    int port = freePort();
    // Every user, order and key of this run carries its id, so that on real servers the run can delete
    // what it wrote (hundreds of thousands of orders and keys, which would slow whatever runs next).
    String id = "bench-http-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString(), "serve",
        "--server.port=" + port, "--orders.anti-pattern=true", "--orders.user-per-second=1000000",
        "--orders.global-per-second=1000000", "--logging.level.root=WARN"));
    if (profiles != null) {
      command.add("--spring.profiles.active=" + profiles);
      command.add("--idempotency.redis.key-prefix=" + id);
    }
    Process service = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
    Exception failure = null;
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitUp(client, base, service, work);
      Path plain = script(work, "plain.lua", PLAIN);
      Path defended = script(work, "defended.lua", DEFENDED);
      Path replay = script(work, "replay.lua", REPLAY);
      // Warm every path until its CPU per request settles (the JIT compiles the defended path's code for
      // tens of seconds; a short warm-up bills that compilation to the first measured runs).
      int warmup = seconds;
      Run warmPlain = warm("no defence", () -> List.of(id), args -> wrk(wrk, plain, base, warmup, args), run -> true,
          service, warmRuns);
      // The first warm run of the full defence gets as many new orders as the path with no defence
      // (always the faster) served in its warm run, each later one half again as many as the run before
      // it served: a run that outran its orders would have replayed some, and tokens issued beyond
      // need would stay live in the token store (30 minutes) and swell what every later run works on.
      int[] warmOrders = {(int) Math.min(MAX_ORDERS, Math.max(4_000, warmPlain.requests() * 1.2))};
      int[] issued = {0};
      int[] warmRound = {0};
      double[] fastest = {0};
      warm("full defence", () -> {
        int r = warmRound[0]++;
        issued[0] = warmOrders[0];
        return List.of(tokens(client, base, work.resolve("warm-" + r + ".txt"), id + "-warm" + r, issued[0]).toString(),
            Integer.toString(THREADS));
      }, args -> {
        Run run = wrk(wrk, defended, base, warmup, args);
        warmOrders[0] = (int) Math.min(MAX_ORDERS, Math.max(4_000, run.requests() * 1.5));
        fastest[0] = Math.max(fastest[0], run.requestsPerSecond());
        return run;
      }, run -> run.requests() <= issued[0], service, warmRuns);
      Path one = tokens(client, base, work.resolve("one.txt"), id + "-again", 1);
      warm("replay", () -> List.of(one.toString()), args -> wrk(wrk, replay, base, warmup, args), run -> true,
          service, warmRuns);
      // Enough tokens that no measured request of the full defence repeats one (a repeat is a replay,
      // not a new order), issued just before the run, outside its CPU time: twice the fastest warm run's
      // rate (the last one may be slower than the measured runs: a run of 5 s on real servers served five
      // times its last warm run's rate), four times a smoke's single, unsettled one.
      double margin = warmRuns > 1 ? 2 : 4;
      // Nor below the path with no defence's warm rate (always the faster): a warm-up on real servers
      // settled at a third of the rate its measured runs then served, and they outran their orders.
      double rate = Math.max(fastest[0], warmPlain.requestsPerSecond());
      int orders = (int) Math.min(MAX_ORDERS, Math.max(2_000, rate * seconds * margin));
      MeasuredPath none = new MeasuredPath("no defence: POST /anti-pattern/orders");
      MeasuredPath full = new MeasuredPath("full defence: POST /orders, each a new order");
      MeasuredPath again = new MeasuredPath("full defence: POST /orders, a duplicate (replayed)");
      List<MeasuredPath> order = List.of(none, full, again);
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < order.size(); k++) {
          MeasuredPath path = order.get((k + r) % order.size());
          List<String> args = path == none ? List.of(id)
              : path == full ? List.of(tokens(client, base, work.resolve("tokens-" + r + ".txt"), id + "-round" + r, orders)
                  .toString(), Integer.toString(THREADS)) : List.of(one.toString());
          Path lua = path == none ? plain : path == full ? defended : replay;
          Duration cpuBefore = cpu(service);
          Run run = wrk(wrk, lua, base, seconds, args);
          Duration cpu = cpu(service).minus(cpuBefore);
          if (path == full && run.requests() > orders) {
            throw new IllegalStateException("the full defence served " + run.requests() + " requests but had "
                + orders + " new orders: some were replays; measure with fewer seconds");
          }
          path.runs.add(run);
          path.cpuPerRequest.add(cpu.toNanos() / 1000.0 / Math.max(1, run.requests()));
        }
      }
      return List.of(none.result(), full.result(), again.result());
    } catch (IOException | InterruptedException | RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      service.destroy();
      if (!service.waitFor(20, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
      if (profiles != null) {
        try {
          deleteWhatTheRunWrote(profiles, id);
        } catch (IOException | RuntimeException e) {
          // The run's own failure, if it had one, is the one to report; this one goes with it.
          if (failure == null) {
            throw e;
          }
          failure.addSuppressed(e);
        }
      }
    }
  }

  /**
   * Deletes the run's keys from Redis and its orders and fence rows from the database, where the
   * profiles put them; the service's other tables hold nothing per order.
   */
  private static void deleteWhatTheRunWrote(String profiles, String id) throws IOException {
    List<String> on = List.of(profiles.split(","));
    if (on.contains("redis")) {
      try (redis.clients.jedis.RedisClient redis = Servers.redis()) {
        Servers.deleteKeys(redis, id);
      }
    }
    for (String database : List.of("postgres", "mariadb")) {
      if (on.contains(database)) {
        try (com.zaxxer.hikari.HikariDataSource pool = Servers.pool(database, "http");
            java.sql.Connection c = pool.getConnection();
            java.sql.PreparedStatement orders = c.prepareStatement("DELETE FROM shop_orders WHERE user_id LIKE ?");
            java.sql.PreparedStatement fences = c.prepareStatement("DELETE FROM shop_fences WHERE fence_key LIKE ?")) {
          orders.setString(1, id + "-%");
          orders.executeUpdate();
          fences.setString(1, "order:" + id + "-%");
          fences.executeUpdate();
        } catch (java.sql.SQLException e) {
          throw new IOException("could not delete the run's orders (user ids " + id + "-...) from " + database, e);
        }
      }
    }
  }

  /** What a warm-up run needs issued before it starts (its wrk arguments), outside its CPU time. */
  private interface WrkArgs {
    List<String> issue() throws IOException, InterruptedException;
  }

  /** A run of wrk that may fail as wrk or the service can. */
  private interface WrkRun {
    Run run(List<String> args) throws IOException, InterruptedException;
  }

  /**
   * Repeats a warm-up run until the service's CPU per request is within {@value #SETTLED} (a
   * fraction) of the run before, at most {@code maxRuns} runs. A run that {@code valid} refuses (the
   * full defence outran its new orders, so some requests were replays) is printed but compared with
   * nothing.
   *
   * @return the last warm-up run
   */
  private static Run warm(String path, WrkArgs args, WrkRun warmRun, java.util.function.Predicate<Run> valid,
      Process service, int maxRuns) throws IOException, InterruptedException {
    double before = Double.NaN;
    Run run = null;
    for (int i = 0; i < maxRuns; i++) {
      List<String> issued = args.issue();
      Duration cpuBefore = cpu(service);
      run = warmRun.run(issued);
      double perRequest = cpu(service).minus(cpuBefore).toNanos() / 1000.0 / Math.max(1, run.requests());
      if (!valid.test(run)) {
        System.out.printf(Locale.ROOT, "HTTP warm-up, %s: %.1f us CPU per request (%d requests outran the new"
            + " orders: not compared)%n", path, perRequest, run.requests());
        before = Double.NaN;
        continue;
      }
      System.out.printf(Locale.ROOT, "HTTP warm-up, %s: %.1f us CPU per request%n", path, perRequest);
      if (Math.abs(perRequest - before) <= SETTLED * before) {
        break;
      }
      before = perRequest;
    }
    return run;
  }

  /** The service process's CPU time so far (user and system), as the OS counts it. */
  private static Duration cpu(Process service) {
    return service.toHandle().info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("this OS does not report a process's CPU time"));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitUp(HttpClient client, String base, Process service, Path work)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the order service exited: " + Files.readString(work.resolve("service.log")));
      }
      try {
        if (client.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the order service did not answer within 90 s; its log: " + work.resolve("service.log"));
  }

  /** Issues one token per order, for users {@code <prefix>-<n>}; writes {@code user,token} lines. */
  private static Path tokens(HttpClient client, String base, Path file, String prefix, int count)
      throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> lines = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String user = prefix + "-" + i;
        lines.add(pool.submit(() -> {
          HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/tokens"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}")).build();
          HttpResponse<String> r;
          try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
          } catch (IOException e) {
            // A connection the client reused was closed by the server meanwhile: once more, on a new one.
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
          }
          Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
          if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("POST /tokens answered " + r.statusCode() + ": " + r.body());
          }
          return user + "," + m.group(1);
        }));
      }
      StringBuilder sb = new StringBuilder();
      for (Future<String> f : lines) {
        sb.append(f.get()).append('\n');
      }
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
      return file;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("issuing tokens failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Path script(Path work, String name, String text) throws IOException {
    return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** Runs wrk and reads its figures. */
  private static Run wrk(Path wrk, Path script, String base, int seconds, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t" + THREADS, "-c" + CONNECTIONS,
        "-d" + seconds + "s", "--latency", "-s", script.toString(), base));
    if (!args.isEmpty()) {
      command.add("--");
      command.addAll(args);
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    Matcher rps = RPS.matcher(out);
    Matcher requests = REQUESTS.matcher(out);
    if (!rps.find() || !requests.find()) {
      throw new IllegalStateException("wrk printed no Requests/sec or request count: " + out);
    }
    Matcher non2xx = NON_2XX.matcher(out);
    long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    Matcher errors = ERRORS.matcher(out);
    if (errors.find()) {
      System.out.println("wrk: " + errors.group());
    }
    return new Run(Double.parseDouble(rps.group(1)), percentile(out, "50%"), percentile(out, "99%"), bad,
        Long.parseLong(requests.group(1)));
  }

  /** A percentile of wrk's latency distribution, in milliseconds. */
  static double percentile(String out, String which) {
    Matcher m = Pattern.compile("^\\s+" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
        .matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("wrk printed no " + which + " latency: " + out);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  private static final String THREAD_IDS = """
      local threads = 0
      function setup(thread)
        thread:set("tid", threads)
        threads = threads + 1
      end
      """;

  /** A new order per request, written with no defence. */
  private static final String PLAIN = THREAD_IDS + """
      local n = 0
      local run = "plain"
      function init(args)
        run = args[1]
      end
      function request()
        n = n + 1
        local body = '{"userId":"' .. run .. '-plain-' .. tid .. '-' .. n .. '","productId":"book-1","quantity":1}'
        return wrk.format("POST", "/anti-pattern/orders", {["Content-Type"] = "application/json"}, body)
      end
      """;

  /** A new order per request through the full defence: its own user, token and key. */
  private static final String DEFENDED = THREAD_IDS + """
      local lines = {}
      local step = 1
      local i = 0
      function init(args)
        for line in io.lines(args[1]) do lines[#lines + 1] = line end
        step = tonumber(args[2])
        i = tid
      end
      function request()
        local line = lines[(i % #lines) + 1]
        i = i + step
        local user, token = line:match("^([^,]+),(.+)$")
        local body = '{"userId":"' .. user .. '","productId":"book-1","quantity":1,"submitToken":"' .. token .. '"}'
        return wrk.format("POST", "/orders", {["Content-Type"] = "application/json", ["Idempotency-Key"] = "key-" .. user}, body)
      end
      """;

  /** One order's request, sent again and again: every request after the first is a replay. */
  private static final String REPLAY = """
      local body = ""
      local key = ""
      function init(args)
        for line in io.lines(args[1]) do
          local user, token = line:match("^([^,]+),(.+)$")
          body = '{"userId":"' .. user .. '","productId":"book-1","quantity":1,"submitToken":"' .. token .. '"}'
          key = "key-" .. user
        end
      end
      function request()
        return wrk.format("POST", "/orders", {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
      end
      """;
}
