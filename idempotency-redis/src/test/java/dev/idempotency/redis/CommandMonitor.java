package dev.idempotency.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * Counts the commands clients send to a server (its round trips), through MONITOR: commands that a
 * script runs inside the server are reported as {@code [0 lua]} and are not counted, nor are the
 * connection upkeep commands (PING, HELLO, CLIENT) and this monitor's own markers.
 */
final class CommandMonitor implements AutoCloseable {
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Jedis monitor;
  private final Jedis marker;
  private final Thread thread;
  private final AtomicInteger sequence = new AtomicInteger();

  CommandMonitor(String host, int port) {
    monitor = new Jedis(host, port, 0);
    marker = new Jedis(host, port, 2000);
    thread = new Thread(() -> {
      try {
        monitor.monitor(new JedisMonitor() {
          @Override
          public void onCommand(String command) {
            lines.add(command.toLowerCase(java.util.Locale.ROOT));
          }
        });
      } catch (RuntimeException closed) {
        // the monitor connection was closed: done
      }
    }, "redis-monitor");
    thread.setDaemon(true);
    thread.start();
    // MONITOR starts asynchronously: repeat a marker until the monitor reports one.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String ready = "ready-" + System.nanoTime();
      marker.echo(ready);
      if (awaitFor(ready, 200) != null) {
        lines.clear();
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("MONITOR did not start");
      }
    }
  }

  /** The client commands sent while {@code op} ran. */
  List<String> commandsOf(Runnable op) {
    int n = sequence.incrementAndGet();
    String start = "start-" + n;
    String end = "end-" + n;
    marker.echo(start);
    await(start);
    op.run();
    marker.echo(end);
    List<String> sent = new ArrayList<>();
    for (String line : await(end)) {
      if (line.contains(" lua]")) {
        continue;
      }
      String command = line.substring(line.indexOf(']') + 1).trim();
      if (command.startsWith("\"ping\"") || command.startsWith("\"hello\"") || command.startsWith("\"client\"")) {
        continue;
      }
      sent.add(command.length() > 40 ? command.substring(0, 40) : command);
    }
    return sent;
  }

  private List<String> await(String echo) {
    List<String> before = awaitFor(echo, 10_000);
    if (before == null) {
      throw new IllegalStateException("MONITOR did not report " + echo);
    }
    return before;
  }

  /** The lines before the marker, or null if it did not come within the time. */
  private List<String> awaitFor(String echo, long millis) {
    List<String> before = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      String line;
      try {
        line = lines.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (line == null) {
        continue;
      }
      if (line.contains("\"echo\" \"" + echo + "\"")) {
        return before;
      }
      if (!line.contains("\"echo\"")) {
        before.add(line);
      }
    }
    return null;
  }

  @Override
  public void close() {
    marker.close();
    monitor.close();
  }
}
