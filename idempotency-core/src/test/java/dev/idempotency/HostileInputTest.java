package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.token.OneTimeTokens;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and absurd input, which once got raw errors, {@code OutOfMemoryError}, or a record
 * without an expiry; a refused class was loaded before being refused; JSON without Jackson threw
 * outside the exception root.
 */
class HostileInputTest {
  private final InMemoryBackend memory = InMemoryBackend.create();

  @Test
  void absurdDurationsAreRefusedWhereTheyAreSetBeforeAnythingIsWritten() {
    List<Duration> absurd = List.of(Duration.ofMillis(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE),
        Duration.ofDays(365L * 20_000), Limits.MAX_STORED_DURATION.plusMillis(1));
    for (Duration d : absurd) {
      assertThatThrownBy(() -> CallOptions.builder().lease(d)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("lease").hasMessageContaining("MAX_STORED_DURATION");
      assertThatThrownBy(() -> CallOptions.builder().retention(d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> LockOptions.builder().lease(d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> LockOptions.builder().maxWait(d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> InProgressPolicy.await(d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> OneTimeTokens.builder(memory.tokenStore()).ttl(d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> Deduplicator.builder(memory.dedupStore()).retention(d)).isInstanceOf(InvalidInputException.class);
      // The SPI itself refuses too, for callers that use a store directly.
      assertThatThrownBy(() -> memory.idempotencyStore().claim("k", "fp", d)).isInstanceOf(InvalidInputException.class);
    }
    assertThat(memory.idempotencyStore().find("k")).isEmpty();
    assertThat(CallOptions.builder().retention(Limits.MAX_STORED_DURATION).build().retention())
        .isEqualTo(Limits.MAX_STORED_DURATION);
    assertThat(LockOptions.builder().maxWait(Limits.MAX_WAIT).build().maxWait()).isEqualTo(Limits.MAX_WAIT);
  }

  @Test
  void aTamperedFailureRecordIsCorruptNotAnOutOfMemoryError() {
    IdempotencyStore store = memory.idempotencyStore();
    IdempotencyEngine engine = IdempotencyEngine.builder(store).build();
    List<byte[]> tampered = List.of(
        new byte[] {2, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},     // a 2 GB length prefix
        new byte[] {2, (byte) 0x80, 0, 0, 0},                             // a negative one
        new byte[] {2, 0, 0, 0, 5, 'a', 'b'},                             // truncated
        new byte[] {2, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b', 'c'},             // trailing bytes
        new byte[] {9, 1, 2, 3},                                          // an unknown kind
        new byte[0]);
    AtomicInteger runs = new AtomicInteger();
    for (int i = 0; i < tampered.size(); i++) {
      IdempotencyKey key = IdempotencyKey.of("orders", "tampered-" + i);
      long token = ((ClaimResult.Acquired) store.claim(key.storageKey(), Fingerprint.none().value(), Duration.ofMinutes(1)))
          .fencingToken();
      assertThat(store.complete(key.storageKey(), token, tampered.get(i), Duration.ofMinutes(1))).isTrue();
      assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(),
          CallOptions.builder().terminalOn(IllegalStateException.class).build(), c -> "" + runs.incrementAndGet()))
          .as("record %d", i).isInstanceOf(CorruptRecordException.class);
    }
    assertThat(runs).as("nothing runs while a corrupt record is there").hasValue(0);
  }

  /** A class that must never be loaded by a decoder whose allow-list does not name it. */
  public static final class NeverLoadedGadget implements Serializable {
    private static final long serialVersionUID = 1L;
    final String payload = "rm -rf /";
  }

  /** Run in a separate JVM: decodes the bytes in args[0] with an allow-list of java.lang.* only. */
  public static final class DecodeProbe {
    public static void main(String[] args) throws Exception {
      byte[] bytes = Files.readAllBytes(Paths.get(args[0]));
      try {
        Codecs.javaSerialization(Object.class, "java.lang.*").decode(bytes);
        System.out.println("DECODED");
      } catch (ResultCodecException e) {
        System.out.println("REFUSED " + e.getCause());
      }
    }
  }

  @Test
  void aClassOutsideTheJavaSerializationAllowListIsNeverLoaded(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(new NeverLoadedGadget());
    }
    Path bytes = dir.resolve("gadget.bin");
    Files.write(bytes, out.toByteArray());
    Path log = dir.resolve("classes.log");
    Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
        DecodeProbe.class.getName(), bytes.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String loaded = Files.readString(log);
    assertThat(loaded).as("the log works").contains("DecodeProbe");
    assertThat(loaded).doesNotContain("NeverLoadedGadget");
    assertThat(output).contains("REFUSED").contains("not in the allow-list");
  }

  @Test
  void theAllowListStillAdmitsWhatItNames() {
    ResultCodec<Object> codec = Codecs.javaSerialization(Object.class, "java.util.ArrayList;java.lang.*");
    java.util.ArrayList<String> list = new java.util.ArrayList<>(List.of("a", "b"));
    assertThat(codec.decode(codec.encode(list))).isEqualTo(list);
    ResultCodec<Object> narrow = Codecs.javaSerialization(Object.class, "java.util.*;!java.util.ArrayList");
    byte[] encoded = narrow.encode(list);
    assertThatThrownBy(() -> narrow.decode(encoded)).isInstanceOf(ResultCodecException.class);
  }

  @Test
  void jsonWithoutJacksonIsATypedErrorInsideTheExceptionRoot() throws Exception {
    URL coreClasses = Codecs.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader noJackson = new URLClassLoader(new URL[] {coreClasses}, ClassLoader.getPlatformClassLoader())) {
      Class<?> codecs = Class.forName(Codecs.class.getName(), true, noJackson);
      Method json = codecs.getMethod("json", Class.class);
      assertThatThrownBy(() -> json.invoke(null, String.class))
          .isInstanceOf(InvocationTargetException.class)
          .extracting(Throwable::getCause)
          .satisfies(cause -> {
            assertThat(cause.getClass().getName()).isEqualTo(InvalidInputException.class.getName());
            assertThat(cause.getClass().getSuperclass().getName()).isEqualTo("dev.idempotency.IdempotencyException");
            assertThat(cause.getMessage()).contains("jackson-databind");
          });
    }
  }
}
