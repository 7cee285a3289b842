package dev.idempotency.testkit.soak;

import dev.idempotency.CallRecord;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.testkit.Race;
import dev.idempotency.testkit.TamperedRecordContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

// Size: the soak's builder, its fault scripts (kill, pause, restart) and the probe for tampered
// records; what a worker runs is SoakWorker, what is checked afterwards SoakChecks.
/**
 * The multi-process soak: several worker JVMs ({@link SoakWorker}), each with its own connections
 * and many threads, make guarded calls on a shared key space while a test may inject a fault into
 * the store. Afterwards it counts what matters: keys whose action ran more than once (doubles, from
 * the {@link EffectsTable}), keys answered with success that have no completed record (lost
 * completions), and exceptions outside the library's root (untyped).
 *
 * <p>Everything is bounded: each worker stops at its deadline and is killed if it outlives it.
 * Workers talk only to the servers the test configured (loopback in the project's own tests).
 */
public final class Soak {
  private final Builder b;

  private Soak(Builder b) {
    this.b = b;
  }

  /**
   * Starts a soak's configuration.
   *
   * @param target how a worker opens the store under test
   * @param effects the side-effect table (created by the run, and dropped after it)
   * @return a builder
   */
  public static Builder builder(Class<? extends SoakTarget> target, EffectsTable effects) {
    return new Builder(target, effects);
  }

  /** What a fault sees of the running soak. */
  public interface Progress {
    /**
     * Executions so far (rows in the effects table).
     *
     * @return the count
     */
    long executions();

    /**
     * Waits until at least this many executions happened, or the wait ends.
     *
     * @param n the count
     * @param max the longest wait
     * @throws InterruptedException if interrupted
     */
    default void awaitExecutions(long n, Duration max) throws InterruptedException {
      long end = System.nanoTime() + max.toNanos();
      while (executions() < n && System.nanoTime() < end) {
        Thread.sleep(20);
      }
    }
  }

  /** A fault injected while the workers run, on the test's thread. */
  @FunctionalInterface
  public interface Fault {
    /**
     * Injects the fault (and ends it: the soak expects the store back before the workers finish).
     *
     * @param progress the running soak
     * @throws Exception a failure to inject
     */
    void inject(Progress progress) throws Exception;
  }

  /**
   * What the soak found.
   *
   * @param processes worker processes
   * @param threads threads per process
   * @param calls calls made in all
   * @param executed calls that ran the action and stored the result
   * @param replayed calls answered with a stored result
   * @param typed library exceptions callers saw, by simple class name
   * @param untyped anything else callers saw, by class name (must stay empty)
   * @param untypedSamples a few of those, as strings
   * @param effectFailures actions whose own side-effect write failed
   * @param wrongResults successes whose value was not the key's
   * @param doubles keys whose action ran more than once: key to {count, first ms, last ms}
   * @param lost keys answered with success that have no completed record at the end
   * @param executions rows in the effects table
   * @param elapsed wall time of the workers
   * @param timedOut whether a worker stopped at its deadline before making all its calls
   */
  public record Report(int processes, int threads, long calls, long executed, long replayed,
      Map<String, Long> typed, Map<String, Long> untyped, List<String> untypedSamples, long effectFailures,
      long wrongResults, Map<String, long[]> doubles, List<String> lost, long executions, Duration elapsed,
      boolean timedOut) {

    /**
     * Calls per second over the run.
     *
     * @return the rate
     */
    public long callsPerSecond() {
      return Math.round(calls * 1000.0 / Math.max(1, elapsed.toMillis()));
    }

    @Override
    public String toString() {
      return String.format("%d processes x %d threads: %,d calls (%,d executed, %,d replayed, typed %s, untyped %s %s),"
          + " %,d executions, %d doubles, %d lost, %d effect failures, %d wrong results, %,d calls/s in %d ms%s",
          processes, threads, calls, executed, replayed, typed, untyped, untypedSamples, executions, doubles.size(),
          lost.size(), effectFailures, wrongResults, callsPerSecond(), elapsed.toMillis(), timedOut ? " (timed out)" : "");
    }
  }

  /** A worker that claimed one key and hangs inside its action until it is killed. */
  public static final class Held {
    private final Process process;
    private final long token;

    private Held(Process process, long token) {
      this.process = process;
      this.token = token;
    }

    /**
     * The fencing token of the held claim.
     *
     * @return the token
     */
    public long token() {
      return token;
    }

    /**
     * The key the worker claimed, in the soak's namespace.
     *
     * @param namespace the soak's namespace ({@link Soak#namespace()})
     * @return the key
     */
    public static IdempotencyKey key(String namespace) {
      return IdempotencyKey.of(namespace, "held");
    }

    /**
     * Kills the worker with SIGKILL (no shutdown hook, no release) and waits for it to end.
     *
     * @throws InterruptedException if interrupted
     */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The namespace the workers' keys live in.
   *
   * @return the namespace
   */
  public String namespace() {
    return b.namespace;
  }

  /**
   * The backend's name in reports.
   *
   * @return the label
   */
  public String label() {
    return b.label;
  }

  /**
   * Runs the soak without a fault.
   *
   * @return the report
   */
  public Report run() {
    return run(p -> {});
  }

  /**
   * Runs the soak and injects a fault while it runs, once every worker has opened its backend.
   *
   * @param fault the fault
   * @return the report
   */
  public Report run(Fault fault) {
    Path dir = tempDir();
    b.effects.drop();
    b.effects.create();
    List<Process> workers = new ArrayList<>();
    long started = System.nanoTime();
    try {
      int perWorker = (b.calls + b.processes - 1) / b.processes;
      for (int w = 0; w < b.processes; w++) {
        workers.add(launch(dir, w, "soak", perWorker));
      }
      awaitOpened(dir, workers);
      try {
        fault.inject(b.effects::executions);
      } catch (Exception e) {
        throw new IllegalStateException("the fault could not be injected: " + e, e);
      }
      for (int w = 0; w < workers.size(); w++) {
        Process p = workers.get(w);
        if (!p.waitFor(b.maxRun.toSeconds() + 30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("soak worker " + w + " outlived its deadline; " + logs(dir, w));
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException("soak worker " + w + " exited with " + p.exitValue() + "; " + logs(dir, w));
        }
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      return report(dir, elapsed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      workers.forEach(Process::destroyForcibly);
    }
  }

  /**
   * Waits until every worker has opened its backend (each leaves a {@code worker-N.ready} file), so
   * that a fault lands on the storm, not on a worker's start; a worker that exits first is reported
   * with its logs.
   */
  private void awaitOpened(Path dir, List<Process> workers) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int w = 0; w < workers.size(); w++) {
      while (!Files.exists(dir.resolve("worker-" + w + ".ready"))) {
        if (!workers.get(w).isAlive()) {
          throw new IllegalStateException("soak worker " + w + " exited with " + workers.get(w).exitValue()
              + " before it opened its backend; " + logs(dir, w));
        }
        if (System.nanoTime() > end) {
          throw new IllegalStateException("soak worker " + w + " did not open its backend within 60 s; " + logs(dir, w));
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * Starts one worker that claims {@link Held#key(String)} and hangs inside the action, and waits
   * until it has claimed.
   *
   * @return the held claim, to kill
   */
  public Held hold() {
    Path dir = tempDir();
    Process p = launch(dir, 0, "hold", 1);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (System.nanoTime() < end) {
        String out = Files.readString(dir.resolve("worker-0.out"), StandardCharsets.UTF_8);
        int at = out.indexOf("CLAIMED ");
        if (at >= 0 && out.indexOf('\n', at) > 0) {
          return new Held(p, Long.parseLong(out.substring(at + 8, out.indexOf('\n', at)).trim()));
        }
        if (!p.isAlive()) {
          throw new IllegalStateException("the holding worker exited with " + p.exitValue() + "; " + logs(dir, 0));
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.destroyForcibly();
    throw new IllegalStateException("the holding worker did not claim within 60 s; " + logs(dir, 0));
  }

  /**
   * What {@link #killOwnerAndRace(int)} saw.
   *
   * @param racers callers racing after the lease
   * @param runs how many of them ran the action (must be exactly one)
   * @param heldToken the killed owner's fencing token
   * @param newToken the new owner's fencing token
   * @param failures what the other racers were told, by simple class name
   */
  public record Takeover(int racers, int runs, long heldToken, long newToken, Map<String, Long> failures) {}

  /**
   * Starts a worker that claims a key, kills it with SIGKILL while it is inside the action, waits out
   * the lease, and lets racers on fresh clients of this JVM call the same key at once.
   *
   * @param racers how many callers race
   * @return what happened
   * @throws Exception if the race cannot be run
   */
  public Takeover killOwnerAndRace(int racers) throws Exception {
    Held held = hold();
    held.kill();
    try (Backend backend = open()) {
      IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
      AtomicInteger runs = new AtomicInteger();
      AtomicLong token = new AtomicLong();
      Thread.sleep(b.lease.toMillis() + 200);
      List<Race.Outcome<String>> outcomes = Race.run(racers,
          i -> () -> engine.execute(Held.key(b.namespace), Fingerprint.sha256("fp-held"),
              Codecs.string(), c -> {
                runs.incrementAndGet();
                token.set(c.fencingToken().value());
                Thread.sleep(50);
                return "taken over";
              }).value());
      Map<String, Long> failures = new TreeMap<>();
      outcomes.stream().filter(o -> !o.succeeded())
          .forEach(o -> failures.merge(o.failure().getClass().getSimpleName(), 1L, Long::sum));
      Takeover t = new Takeover(racers, runs.get(), held.token(), token.get(), failures);
      System.out.println("RELIABILITY | " + b.label + " owner SIGKILLed after claiming | " + t);
      return t;
    }
  }

  /**
   * What {@link #probeTamperedGadget()} saw.
   *
   * @param outcome what the probing process was told, as {@code class: message}
   * @param gadgetLoaded whether the class-load log shows the gadget class
   * @param logWorks whether the log shows the probe's own classes (so that the check means something)
   */
  public record Probe(String outcome, boolean gadgetLoaded, boolean logWorks) {}

  /**
   * Leaves a completed record whose payload is a Java serialization stream naming
   * {@link TamperGadget}, then lets a fresh worker JVM, logging every class it loads
   * ({@code -Xlog:class+load}), replay the key with an allow-list of {@code java.lang.*} only.
   *
   * @return what the probe saw
   * @throws Exception if the probe cannot be run
   */
  public Probe probeTamperedGadget() throws Exception {
    byte[] stream = TamperedRecordContract.serializedObjectOf(TamperGadget.class.getName());
    byte[] payload = new byte[stream.length + 1];
    payload[0] = 1;
    System.arraycopy(stream, 0, payload, 1, stream.length);
    try (Backend backend = open()) {
      String key = IdempotencyKey.of(b.namespace, "tampered").storageKey();
      long token = ((ClaimResult.Acquired) backend.idempotencyStore()
          .claim(key, Fingerprint.none().value(), Duration.ofMinutes(1))).fencingToken();
      backend.idempotencyStore().complete(key, token, payload, Duration.ofMinutes(10));
    }
    Path dir = tempDir();
    Path log = dir.resolve("classes.log");
    Process p = launch(dir, 0, "probe", 1, "-Xlog:class+load=info:file=" + log);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the probe failed; " + logs(dir, 0));
    }
    String out = Files.readString(dir.resolve("worker-0.out"), StandardCharsets.UTF_8);
    String loaded = Files.readString(log, StandardCharsets.UTF_8);
    int at = out.indexOf("OUTCOME ");
    Probe probe = new Probe(at < 0 ? out : out.substring(at + 8).trim(), loaded.contains(TamperGadget.class.getName()),
        loaded.contains(SoakWorker.class.getName()));
    System.out.println("RELIABILITY | " + b.label + " tampered record naming a gadget class | " + probe);
    return probe;
  }

  private Process launch(Path dir, int worker, String mode, int calls, String... jvmArgs) {
    Properties job = new Properties();
    job.setProperty("target", b.target.getName());
    b.settings.forEach((k, v) -> job.setProperty("setting." + k, v));
    job.setProperty("effects.url", b.effects.url());
    if (b.effects.user() != null) {
      job.setProperty("effects.user", b.effects.user());
      job.setProperty("effects.password", Objects.requireNonNullElse(b.effects.password(), ""));
    }
    job.setProperty("effects.table", b.effects.table());
    job.setProperty("namespace", b.namespace);
    job.setProperty("worker", Integer.toString(worker));
    job.setProperty("mode", mode);
    job.setProperty("threads", Integer.toString(b.threads));
    job.setProperty("calls", Integer.toString(calls));
    job.setProperty("keys", Integer.toString(b.keys));
    job.setProperty("leaseMs", Long.toString(b.lease.toMillis()));
    job.setProperty("awaitMs", Long.toString(b.await.toMillis()));
    job.setProperty("maxSeconds", Long.toString(b.maxRun.toSeconds()));
    job.setProperty("out", dir.resolve("worker-" + worker + ".result").toString());
    Path jobFile = dir.resolve("worker-" + worker + ".job");
    try (OutputStream o = Files.newOutputStream(jobFile)) {
      job.store(o, "soak job");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SoakWorker.class.getName(), jobFile.toString()));
    try {
      return new ProcessBuilder(command)
          .redirectOutput(dir.resolve("worker-" + worker + ".out").toFile())
          .redirectError(dir.resolve("worker-" + worker + ".err").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a soak worker JVM", e);
    }
  }

  private Report report(Path dir, Duration elapsed) {
    long executed = 0;
    long replayed = 0;
    long effectFailures = 0;
    long wrongResults = 0;
    boolean timedOut = false;
    Map<String, Long> typed = new LinkedHashMap<>();
    Map<String, Long> untyped = new LinkedHashMap<>();
    List<String> samples = new ArrayList<>();
    Set<String> answered = new TreeSet<>();
    for (int w = 0; w < b.processes; w++) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(dir.resolve("worker-" + w + ".result"))) {
        p.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("soak worker " + w + " left no result; " + logs(dir, w), e);
      }
      executed += Long.parseLong(p.getProperty("executed"));
      replayed += Long.parseLong(p.getProperty("replayed"));
      effectFailures += Long.parseLong(p.getProperty("effectFailures"));
      wrongResults += Long.parseLong(p.getProperty("wrongResults"));
      timedOut |= Boolean.parseBoolean(p.getProperty("timedOut"));
      for (String name : p.stringPropertyNames()) {
        if (name.startsWith("typed.")) {
          typed.merge(name.substring(6), Long.parseLong(p.getProperty(name)), Long::sum);
        } else if (name.startsWith("untyped.")) {
          untyped.merge(name.substring(8), Long.parseLong(p.getProperty(name)), Long::sum);
        } else if (name.startsWith("untypedSample.")) {
          samples.add(p.getProperty(name));
        }
      }
      String keys = p.getProperty("answered", "");
      if (!keys.isEmpty()) {
        answered.addAll(Arrays.asList(keys.split(",")));
      }
    }
    List<String> lost = new ArrayList<>();
    try (Backend backend = open()) {
      IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
      for (String k : answered) {
        Optional<CallRecord> r = engine.lookup(IdempotencyKey.of(b.namespace, k));
        if (r.isEmpty() || r.get().status() != CallRecord.Status.COMPLETED) {
          lost.add(k);
        }
      }
    }
    long calls = executed + replayed + effectFailures + typed.values().stream().mapToLong(Long::longValue).sum()
        + untyped.values().stream().mapToLong(Long::longValue).sum();
    return new Report(b.processes, b.threads, calls, executed, replayed, typed, untyped, samples, effectFailures,
        wrongResults, b.effects.doubles(), lost, b.effects.executions(), elapsed, timedOut);
  }

  /**
   * Opens a client of the store under test in this JVM, as the workers do.
   *
   * @return an open backend
   */
  public Backend open() {
    try {
      return b.target.getDeclaredConstructor().newInstance().open(b.settings);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + b.target.getName(), e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("idempotency-soak");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String logs(Path dir, int worker) {
    StringBuilder s = new StringBuilder();
    for (String suffix : List.of(".out", ".err")) {
      Path f = dir.resolve("worker-" + worker + suffix);
      try {
        String text = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        s.append(suffix).append(": ").append(text.length() > 4000 ? text.substring(text.length() - 4000) : text).append(' ');
      } catch (IOException e) {
        s.append(suffix).append(": unreadable ");
      }
    }
    return s.toString();
  }

  /** A soak's configuration; {@link #build()} checks it. */
  public static final class Builder {
    private final Class<? extends SoakTarget> target;
    private final EffectsTable effects;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String namespace = "soak-" + UUID.randomUUID().toString().substring(0, 8);
    private int processes = 3;
    private int threads = 16;
    private int calls = 21_000;
    private int keys = 1_000;
    private Duration lease = Duration.ofSeconds(30);
    private Duration await = Duration.ofSeconds(10);
    private Duration maxRun = Duration.ofSeconds(120);
    private String label;

    private Builder(Class<? extends SoakTarget> target, EffectsTable effects) {
      this.target = Objects.requireNonNull(target, "target");
      this.effects = Objects.requireNonNull(effects, "effects");
    }

    /**
     * Passes a setting to {@link SoakTarget#open(Map)}.
     *
     * @param name the name
     * @param value the value
     * @return this
     */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /**
     * Worker processes (default 3).
     *
     * @param n the count
     * @return this
     */
    public Builder processes(int n) {
      processes = positive(n, "processes");
      return this;
    }

    /**
     * Threads per process (default 16).
     *
     * @param n the count
     * @return this
     */
    public Builder threads(int n) {
      threads = positive(n, "threads");
      return this;
    }

    /**
     * Calls in all, shared among the processes (default 21,000); {@code -Dsoak.calls} overrides it.
     *
     * @param n the count
     * @return this
     */
    public Builder calls(int n) {
      calls = positive(n, "calls");
      return this;
    }

    /**
     * Distinct keys the calls pick from at random (default 1,000).
     *
     * @param n the count
     * @return this
     */
    public Builder keys(int n) {
      keys = positive(n, "keys");
      return this;
    }

    /**
     * The claims' lease (default 30 s).
     *
     * @param d the lease
     * @return this
     */
    public Builder lease(Duration d) {
      lease = d;
      return this;
    }

    /**
     * How long a duplicate waits for the first call (default 10 s).
     *
     * @param d the wait
     * @return this
     */
    public Builder await(Duration d) {
      await = d;
      return this;
    }

    /**
     * The workers' deadline (default 120 s).
     *
     * @param d the deadline
     * @return this
     */
    public Builder maxRun(Duration d) {
      maxRun = d;
      return this;
    }

    /**
     * Names the backend in the {@code RELIABILITY} lines (default: the target's simple name).
     *
     * @param name for example {@code "redis"}
     * @return this
     */
    public Builder label(String name) {
      label = name;
      return this;
    }

    /**
     * Checks the configuration.
     *
     * @return the soak
     */
    public Soak build() {
      String override = System.getProperty("soak.calls");
      if (override != null && !override.isBlank()) {
        calls = positive(Integer.parseInt(override.trim()), "soak.calls");
      }
      if (label == null) {
        label = target.getSimpleName();
      }
      return new Soak(this);
    }

    private static int positive(int n, String what) {
      if (n <= 0) {
        throw new IllegalArgumentException(what + " must be positive: " + n);
      }
      return n;
    }
  }
}
