package dev.idempotency.testkit.soak;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.Backend;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One soak process: {@code threads} threads make {@code calls} guarded calls in all on random keys
 * out of {@code keys}; each execution writes a row into the {@link EffectsTable}. It writes what its
 * callers were told (executed, replayed, each typed exception, anything untyped, and every key that
 * was answered with success) to the result file the driver named, and exits by itself at its
 * deadline. In mode {@code hold} it claims one key, prints {@code CLAIMED <token>} and hangs inside
 * the action until it is killed.
 *
 * <p>Started by {@link Soak}; not an API.
 */
public final class SoakWorker {
  private SoakWorker() {}

  /** An action's own failure (its side-effect insert failed), told apart from the library's. */
  static final class EffectFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EffectFailed(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Runs one worker.
   *
   * @param args the path of the job's properties file
   * @throws Exception anything that keeps the worker from starting
   */
  public static void main(String[] args) throws Exception {
    Properties job = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      job.load(in);
    }
    Map<String, String> settings = new HashMap<>();
    for (String name : job.stringPropertyNames()) {
      if (name.startsWith("setting.")) {
        settings.put(name.substring("setting.".length()), job.getProperty(name));
      }
    }
    SoakTarget target = (SoakTarget) Class.forName(job.getProperty("target")).getDeclaredConstructor().newInstance();
    EffectsTable effects = new EffectsTable(job.getProperty("effects.url"), job.getProperty("effects.user"),
        job.getProperty("effects.password"), job.getProperty("effects.table"));
    int worker = Integer.parseInt(job.getProperty("worker"));
    String namespace = job.getProperty("namespace");
    CallOptions options = CallOptions.builder()
        .lease(Duration.ofMillis(Long.parseLong(job.getProperty("leaseMs"))))
        .retention(Duration.ofHours(1))
        .inProgress(InProgressPolicy.await(Duration.ofMillis(Long.parseLong(job.getProperty("awaitMs")))))
        .build();
    try (Backend backend = target.open(settings)) {
      IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).defaults(options).build();
      if ("hold".equals(job.getProperty("mode"))) {
        hold(engine, namespace);
        return;
      }
      if ("probe".equals(job.getProperty("mode"))) {
        probe(engine, namespace);
        System.exit(0);
      }
      // The soak injects its fault only once every worker has its backend open: a store killed
      // while a worker still starts would fail that start, not the storm the fault is aimed at.
      Files.createFile(Path.of(args[0]).resolveSibling("worker-" + worker + ".ready"));
      soak(job, engine, effects, worker, namespace);
    }
    System.exit(0);
  }

  /** Reads the tampered record with an allow-list of {@code java.lang.*} only, and prints what it was told. */
  private static void probe(IdempotencyEngine engine, String namespace) {
    try {
      engine.execute(IdempotencyKey.of(namespace, "tampered"), Fingerprint.none(),
          Codecs.javaSerialization(Object.class, "java.lang.*"), c -> "ran");
      System.out.println("OUTCOME returned");
    } catch (Throwable t) {
      System.out.println("OUTCOME " + t.getClass().getName() + ": " + t.getMessage());
    }
  }

  private static void hold(IdempotencyEngine engine, String namespace) throws InterruptedException {
    engine.execute(IdempotencyKey.of(namespace, "held"), Fingerprint.sha256("fp-held"), Codecs.string(), c -> {
      System.out.println("CLAIMED " + c.fencingToken().value());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
      return "never";
    });
  }

  private static void soak(Properties job, IdempotencyEngine engine, EffectsTable effects, int worker,
      String namespace) throws Exception {
    int threads = Integer.parseInt(job.getProperty("threads"));
    int calls = Integer.parseInt(job.getProperty("calls"));
    int keys = Integer.parseInt(job.getProperty("keys"));
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(job.getProperty("maxSeconds"))).toNanos();
    AtomicLong next = new AtomicLong();
    Tally tally = new Tally();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        EffectsConnection effectsConnection = new EffectsConnection(effects);
        try {
          while (next.getAndIncrement() < calls) {
            if (System.nanoTime() > deadline) {
              tally.timedOut.set(true);
              return;
            }
            String k = "k" + ThreadLocalRandom.current().nextInt(keys);
            callOnce(engine, namespace, k, worker, effectsConnection, tally);
          }
        } finally {
          effectsConnection.close();
        }
      }, "soak-" + worker + "-" + t);
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    try (OutputStream o = Files.newOutputStream(Path.of(job.getProperty("out")))) {
      tally.toProperties().store(o, "soak worker " + worker);
    }
  }

  /** One idempotent call of the soak, counted by how it ended. */
  private static void callOnce(IdempotencyEngine engine, String namespace, String k, int worker,
      EffectsConnection effectsConnection, Tally tally) {
    try {
      CallResult<String> r = engine.execute(IdempotencyKey.of(namespace, k), Fingerprint.sha256("fp-" + k),
          Codecs.string(), c -> {
            effectsConnection.record(k, worker, c.fencingToken().value());
            return "v:" + k + ":" + worker;
          });
      (r.replayed() ? tally.replayed : tally.executed).incrementAndGet();
      if (!r.value().startsWith("v:" + k + ":")) {
        tally.wrongResults.incrementAndGet();
      }
      tally.answered.add(k);
    } catch (EffectFailed e) {
      tally.effectFailures.incrementAndGet();
    } catch (IdempotencyException e) {
      tally.typed.computeIfAbsent(e.getClass().getSimpleName(), n -> new AtomicLong()).incrementAndGet();
    } catch (RuntimeException | Error e) {
      tally.untyped.computeIfAbsent(e.getClass().getName(), n -> new AtomicLong()).incrementAndGet();
      if (tally.untypedSamples.size() < 5) {
        tally.untypedSamples.add(e.toString());
      }
    }
  }

  /** What one worker's threads saw, counted together and written for the parent. Thread-safe. */
  private static final class Tally {
    final AtomicLong executed = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong wrongResults = new AtomicLong();
    final AtomicLong effectFailures = new AtomicLong();
    final Map<String, AtomicLong> typed = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> untyped = new ConcurrentHashMap<>();
    final List<String> untypedSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    final Set<String> answered = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();

    Properties toProperties() {
      Properties out = new Properties();
      out.setProperty("executed", Long.toString(executed.get()));
      out.setProperty("replayed", Long.toString(replayed.get()));
      out.setProperty("wrongResults", Long.toString(wrongResults.get()));
      out.setProperty("effectFailures", Long.toString(effectFailures.get()));
      out.setProperty("timedOut", Boolean.toString(timedOut.get()));
      new TreeMap<>(typed).forEach((n, c) -> out.setProperty("typed." + n, Long.toString(c.get())));
      new TreeMap<>(untyped).forEach((n, c) -> out.setProperty("untyped." + n, Long.toString(c.get())));
      for (int i = 0; i < untypedSamples.size(); i++) {
        out.setProperty("untypedSample." + i, untypedSamples.get(i));
      }
      out.setProperty("answered", String.join(",", answered));
      return out;
    }
  }

  /** One worker thread's connection to the effects table, opened on first use and again after a failure. */
  private static final class EffectsConnection {
    private final EffectsTable effects;
    private Connection connection;

    EffectsConnection(EffectsTable effects) {
      this.effects = effects;
    }

    void record(String key, int worker, long token) {
      try {
        if (connection == null) {
          connection = effects.connect();
        }
        effects.insert(connection, key, worker, token);
      } catch (SQLException e) {
        close();
        throw new EffectFailed(e);
      }
    }

    void close() {
      closeQuietly(connection);
      connection = null;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a connection that already failed
      }
    }
  }
}
