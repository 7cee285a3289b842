package dev.idempotency.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a JVM of its own and returns everything it
 * printed (standard output and error together): for tests that need a fresh JVM, such as one with
 * every logger at debug or with class-load logging. Bounded: a child that outlives its time is
 * killed and the test fails.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** A call a child's {@code main} makes, which may fail. */
  @FunctionalInterface
  public interface Attempt {
    /**
     * Makes the call.
     *
     * @return what it returned
     * @throws Exception anything
     */
    Object call() throws Exception;
  }

  /**
   * For a child's {@code main}: makes a call and prints what came of it, an exception in full
   * (message, causes, stack trace), so that the parent can scan it.
   *
   * @param call the call
   * @return 1 if it threw, 0 if it returned
   */
  public static int attempt(Attempt call) {
    try {
      System.out.println("RETURNED " + call.call());
      return 0;
    } catch (Throwable t) {
      java.io.StringWriter w = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(w));
      System.out.println("EXCEPTION " + w);
      return 1;
    }
  }

  /**
   * Runs the class and waits for it.
   *
   * @param main the class with the {@code main} method
   * @param jvmArgs JVM options, such as {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}
   * @param args the program's arguments
   * @param max the longest it may run
   * @return its output
   * @throws IllegalStateException if it does not end in time or exits with another status than 0
   */
  public static String run(Class<?> main, List<String> jvmArgs, List<String> args, Duration max) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[][] out = new byte[1][];
      Thread reader = new Thread(() -> {
        try {
          out[0] = p.getInputStream().readAllBytes();
        } catch (IOException e) {
          out[0] = ("unreadable: " + e).getBytes(StandardCharsets.UTF_8);
        }
      });
      reader.start();
      if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(main.getName() + " did not end within " + max);
      }
      reader.join(10_000);
      String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(main.getName() + " exited with " + p.exitValue() + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
