package dev.idempotency.testsupport;

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

/**
 * A {@code redis-server} this test run starts itself on a free loopback port, for tests that must
 * own their server: killing and restarting it, pausing it, counting its commands, or forming a
 * cluster. Stopped by {@link #stop()} or, at the latest, when the JVM exits. Needs {@code redis-server}
 * on the {@code PATH}. Thread-safe.
 */
public final class RedisProcess {
  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  /**
   * Starts a server on a free loopback port, without persistence unless the arguments say otherwise.
   *
   * @param extraArgs more {@code redis-server} arguments, for example {@code "--requirepass", "s3cret"}
   * @return the running server
   * @throws IllegalStateException if {@code redis-server} is not installed or does not start
   */
  public static RedisProcess start(String... extraArgs) {
    try {
      RedisProcess p = new RedisProcess(freePort(), Files.createTempDirectory("idem-redis-"), List.of(extraArgs));
      p.launch();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return a loopback port nobody listens on now */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the path of {@code redis-server} */
  public static String redisServerBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new IllegalStateException("redis-server is not installed (apt-get install redis-server): "
        + "the fault and cluster tests start their own Redis processes on 127.0.0.1");
  }

  /** @return the port */
  public int port() {
    return port;
  }

  /** @return {@code redis://127.0.0.1:<port>} */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts (or restarts) the server process on its port. */
  public synchronized void launch() {
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
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
        s.setSoTimeout(500);
        s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] reply = new byte[64];
        int n = s.getInputStream().read(reply);
        String r = n > 0 ? new String(reply, 0, n, java.nio.charset.StandardCharsets.US_ASCII) : "";
        if (r.startsWith("+PONG") || r.startsWith("-NOAUTH")) {
          return; // up (and perhaps asking for a password)
        }
      } catch (IOException e) {
        // not yet listening
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " did not start; see " + dir);
      }
      sleep(20);
    }
  }

  /**
   * Waits until this many replicas replicate from this server and have finished their first sync
   * ({@code state=online} in {@code INFO replication}; a replica counted as connected may still be
   * waiting for its snapshot, and acknowledges nothing until it has it).
   *
   * @param count how many
   * @throws IllegalStateException if they are not online within 30 s
   */
  public void awaitOnlineReplicas(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String info = (String) RedisSentinel.command(port, "INFO", "replication");
      if (info.split("state=online", -1).length - 1 >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " replicas of port " + port + " not online: " + info);
      }
      sleep(20);
    }
  }

  /**
   * Whether the server process is running.
   *
   * @return true if it was launched and has not ended
   */
  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Kills the server (SIGKILL), as a crash would. */
  public synchronized void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Pauses (SIGSTOP) or resumes (SIGCONT) the server, as a long GC pause or a frozen VM would.
   *
   * @param signal {@code STOP} or {@code CONT}
   */
  public synchronized void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server (SIGKILL). */
  public void stop() {
    kill();
  }

  /**
   * Sleeps.
   *
   * @param millis how long
   */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
