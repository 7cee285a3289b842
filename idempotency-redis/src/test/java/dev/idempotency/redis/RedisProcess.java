package dev.idempotency.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A {@code redis-server} this test run starts itself on a free loopback port, for tests that must
 * own their server: killing and restarting it, pausing it, counting its commands, or forming a
 * cluster. Stopped by {@link #stop()} or, at the latest, when the JVM exits.
 */
final class RedisProcess {
  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  /** Starts a server on a free port. */
  static RedisProcess start(String... extraArgs) {
    try {
      RedisProcess p = new RedisProcess(freePort(), Files.createTempDirectory("idem-redis-"), List.of(extraArgs));
      p.launch();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String redisServerBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new IllegalStateException("redis-server is not installed (apt-get install redis-server): "
        + "the fault and cluster tests start their own Redis processes on 127.0.0.1");
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts (or restarts) the server process on its port. */
  synchronized void launch() {
    List<String> cmd = new ArrayList<>(List.of(redisServerBinary(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--logfile", dir.resolve("redis-" + port + ".log").toString()));
    cmd.addAll(extraArgs);
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout-" + port + ".log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    awaitPing(Duration.ofSeconds(10));
  }

  private void awaitPing(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
        if ("PONG".equals(j.ping())) {
          return;
        }
      } catch (redis.clients.jedis.exceptions.JedisAccessControlException e) {
        return; // up, and asking for a password
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("redis-server on port " + port + " did not start; see " + dir, e);
        }
      }
      sleep(20);
    }
  }

  /** Kills the server (SIGKILL), as a crash would. */
  synchronized void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Pauses (SIGSTOP) or resumes (SIGCONT) the server, as a long GC pause or a frozen VM would. */
  synchronized void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop() {
    kill();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
