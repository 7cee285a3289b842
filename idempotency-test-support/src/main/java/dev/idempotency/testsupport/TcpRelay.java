package dev.idempotency.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay on a free loopback port in front of a server, for faults of the network rather than of
 * the server: {@link #freeze()} holds every byte in both directions (a partition that leaves the
 * connections open, as a dropped route does), and {@link #delay(Duration)} forwards each byte from
 * the server only after a delay (a replication stream that lags, while the replica's
 * acknowledgements travel at once). Bounded to the test that starts it; {@link #close()}
 * closes every connection. Thread-safe.
 */
public final class TcpRelay implements AutoCloseable {
  private record Chunk(byte[] bytes, long readAtNanos) {}

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;
  private volatile long delayNanos;
  private volatile boolean closed;
  private volatile boolean refusing;

  private TcpRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "relay-accept-" + listener.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /**
   * Starts a relay to {@code 127.0.0.1:targetPort}.
   *
   * @param targetPort the server's port
   * @return the running relay
   */
  public static TcpRelay to(int targetPort) {
    try {
      return new TcpRelay(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the loopback port clients connect to */
  public int port() {
    return listener.getLocalPort();
  }

  /** Holds every byte in both directions until {@link #thaw()}. */
  public void freeze() {
    frozen = true;
  }

  /** Lets bytes flow again after {@link #freeze()}. */
  public void thaw() {
    frozen = false;
  }

  /**
   * Forwards each byte from the server this long after it was read.
   *
   * @param delay how long (zero: at once)
   */
  public void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  /**
   * Closes every connection now, dropping the bytes still held: what a primary that dies loses of
   * the replication stream it had not yet delivered. New connections are still relayed.
   */
  public void cutAll() {
    sockets.forEach(TcpRelay::closeQuietly);
    sockets.clear();
  }

  /**
   * The server goes away: every connection is closed now, and a new one is closed as soon as it is
   * accepted, until {@link #restore()}. What a client sees of a server that died or was cut off.
   */
  public void refuse() {
    refusing = true;
    cutAll();
  }

  /** New connections are relayed again. */
  public void restore() {
    refusing = false;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client = null;
      try {
        client = listener.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket server = new Socket();
        try {
          server.connect(new InetSocketAddress("127.0.0.1", targetPort), 2_000);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pipe(client, server, false);
        pipe(server, client, true);
      } catch (IOException e) {
        if (!closed) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean delayed) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          queue.put(new Chunk(Arrays.copyOf(buf, n), System.nanoTime()));
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
      queue.add(new Chunk(null, 0));
    }, "relay-read");
    Thread writer = new Thread(() -> {
      try {
        while (true) {
          Chunk c = queue.take();
          if (c.bytes() == null) {
            break;
          }
          while (frozen || (delayed && System.nanoTime() < c.readAtNanos() + delayNanos)) {
            if (closed) {
              return;
            }
            Thread.sleep(1);
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
      closeQuietly(to);
      closeQuietly(from);
    }, "relay-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(TcpRelay::closeQuietly);
  }
}
