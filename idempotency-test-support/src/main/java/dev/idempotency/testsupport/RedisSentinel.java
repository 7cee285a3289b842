package dev.idempotency.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Redis Sentinel this test starts on a free loopback port, watching one primary with quorum 1
 * and a down-after of one second, so that a killed primary is replaced within a few seconds.
 * Stopped by {@link #close()} (SIGKILL of its pid) or when the JVM exits.
 */
public final class RedisSentinel implements AutoCloseable {
  /** The master's name in the configuration. */
  public static final String MASTER = "idem";

  private final int port;
  private final Process process;

  private RedisSentinel(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /**
   * Starts a Sentinel watching a primary on {@code 127.0.0.1}.
   *
   * @param primaryPort the primary's port
   * @return the running Sentinel, answering PING
   */
  public static RedisSentinel watching(int primaryPort) {
    try {
      int port = RedisProcess.freePort();
      Path dir = Files.createTempDirectory("idem-sentinel-");
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "logfile " + dir.resolve("sentinel.log"),
          "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 1",
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 10000",
          "sentinel parallel-syncs " + MASTER + " 1", ""));
      Process p = new ProcessBuilder(RedisProcess.redisServerBinary(), conf.toString(), "--sentinel")
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      RedisSentinel s = new RedisSentinel(port, p);
      s.await("Sentinel answering", Duration.ofSeconds(10), () -> "PONG".equals(command(port, "PING")));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return {@code 127.0.0.1:<port>} */
  public String node() {
    return "127.0.0.1:" + port;
  }

  /**
   * Waits until Sentinel knows this many replicas of the primary, all connected.
   *
   * @param count how many
   */
  public void awaitReplicas(int count) {
    await(count + " replicas known to Sentinel", Duration.ofSeconds(30), () -> {
      List<?> replicas = (List<?>) command(port, "SENTINEL", "REPLICAS", MASTER);
      return replicas.size() == count && replicas.stream().map(r -> fields((List<?>) r))
          .allMatch(r -> "slave".equals(r.get("flags")) && "ok".equals(r.get("master-link-status")));
    });
  }

  /**
   * Waits until Sentinel names a primary other than this port.
   *
   * @param oldPort the port of the primary before
   * @param max how long to wait
   */
  public void awaitPrimaryOtherThan(int oldPort, Duration max) {
    await("a new primary", max, () -> {
      List<?> address = (List<?>) command(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
      return Integer.parseInt((String) address.get(1)) != oldPort;
    });
  }

  private static Map<String, String> fields(List<?> pairs) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      m.put((String) pairs.get(i), (String) pairs.get(i + 1));
    }
    return m;
  }

  /** One command over RESP, without a client library: strings, numbers, errors and arrays. */
  static Object command(int port, String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      socket.setSoTimeout(2_000);
      StringBuilder out = new StringBuilder("*" + args.length + "\r\n");
      for (String a : args) {
        out.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      OutputStream o = socket.getOutputStream();
      o.write(out.toString().getBytes(StandardCharsets.UTF_8));
      o.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case ':':
        return Long.parseLong(line);
      case '-':
        throw new IllegalStateException(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        String value = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        line(in);
        return value;
      }
      case '*': {
        int n = Integer.parseInt(line);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("not RESP: " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\r'; ) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.append((char) c);
    }
    in.read();
    return b.toString();
  }

  private void await(String what, Duration max, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      RedisProcess.sleep(50);
    }
  }

  /** Stops the Sentinel (SIGKILL). */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
