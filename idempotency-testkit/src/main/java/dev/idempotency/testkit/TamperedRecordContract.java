package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Tampered stored records: whatever bytes sit in a completed record (garbage, truncated, a length
 * prefix past the end, another type, a Java serialization stream naming a class outside the
 * allow-list), a duplicate gets one of the library's typed exceptions, never an {@code Error} or a
 * raw one, and the action does not run. Each record is written through the SPI, as an attacker with
 * write access to the store would leave it. (Records with missing or malformed <em>fields</em> are
 * backend-specific: each backend's own tests tamper its layout.)
 */
public abstract class TamperedRecordContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected TamperedRecordContract() {}

  /**
   * A client of the store under test.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected IdempotencyStore newClient() {
    return fixture().newClient().idempotencyStore();
  }

  /**
   * A Java serialization stream of one object of the named class, written by hand so that the class
   * need not exist (or be loaded) to write it.
   *
   * @param className the class the stream names
   * @return the stream's bytes
   */
  public static byte[] serializedObjectOf(String className) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(out)) {
      d.writeShort(0xACED);
      d.writeShort(5);
      d.writeByte(0x73); // TC_OBJECT
      d.writeByte(0x72); // TC_CLASSDESC
      d.writeUTF(className);
      d.writeLong(1L); // serialVersionUID
      d.writeByte(0x02); // SC_SERIALIZABLE
      d.writeShort(0); // no fields
      d.writeByte(0x78); // TC_ENDBLOCKDATA
      d.writeByte(0x70); // TC_NULL: no superclass
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] valueOf(byte[] encoded) {
    byte[] out = new byte[encoded.length + 1];
    out[0] = 1;
    System.arraycopy(encoded, 0, out, 1, encoded.length);
    return out;
  }

  private static byte[] serialized(Object o) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.io.ObjectOutputStream oos = new java.io.ObjectOutputStream(out)) {
      oos.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Test
  void everyTamperedPayloadIsATypedErrorAndNothingRuns() {
    Map<String, byte[]> payloads = new LinkedHashMap<>();
    payloads.put("empty", new byte[0]);
    payloads.put("unknown kind", bytes(9, 1, 2, 3));
    payloads.put("garbage", bytes(0x7f, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0));
    payloads.put("failure truncated", bytes(2, 0, 0, 0, 5, 'a'));
    payloads.put("failure length past the end", bytes(2, 0x7f, 0xff, 0xff, 0xff, 'a'));
    payloads.put("failure negative length", bytes(2, 0xff, 0xff, 0xff, 0xfe));
    payloads.put("failure trailing bytes", bytes(2, 0, 0, 0, 1, 'X', 0xff, 0xff, 0xff, 0xff, 1, 2, 3));
    payloads.put("java stream truncated", valueOf(bytes(0xac, 0xed, 0x00)));
    payloads.put("java stream of another type", valueOf(serialized("a string, not an integer")));
    payloads.put("java gadget outside the allow-list", valueOf(serializedObjectOf("dev.idempotency.testkit.soak.TamperGadget")));
    ResultCodec<Integer> codec = Codecs.javaSerialization(Integer.class, "java.lang.Integer;java.lang.Number;java.lang.String");
    IdempotencyStore store = newClient();
    IdempotencyEngine engine = IdempotencyEngine.builder(store).build();
    AtomicInteger runs = new AtomicInteger();
    payloads.forEach((name, payload) -> {
      IdempotencyKey key = IdempotencyKey.of(ns, name.replace(' ', '-'));
      long token = ((ClaimResult.Acquired) store.claim(key.storageKey(), Fingerprint.none().value(), LONG)).fencingToken();
      assertThat(store.complete(key.storageKey(), token, payload, LONG)).isTrue();
      Throwable t = catchThrowable(() -> engine.execute(key, Fingerprint.none(), codec, c -> runs.incrementAndGet()));
      assertThat(t).as(name).isInstanceOf(IdempotencyException.class);
    });
    assertThat(runs).as("nothing runs while a tampered record is there").hasValue(0);
  }
}
