package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.memory.InMemoryBackend;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Before storing a new result the engine decodes it once, so that nothing a replay cannot read is
 * stored, unless the codec vouches that it reads all it writes: then the first call decodes nothing
 * and only replays do.
 */
class ResultReadBackTest {

  /** Counts its decodes; vouches for itself or not as built. */
  private static final class Counting implements ResultCodec<String> {
    final AtomicInteger decodes = new AtomicInteger();
    private final boolean vouches;

    Counting(boolean vouches) {
      this.vouches = vouches;
    }

    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      decodes.incrementAndGet();
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean decodesAllItEncodes() {
      return vouches;
    }
  }

  private final IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore()).build();

  @Test
  void aCodecThatDoesNotVouchIsReadBackOnceBeforeTheResultIsStored() {
    Counting codec = new Counting(false);
    IdempotencyKey key = IdempotencyKey.of("read-back", "checked");
    assertThat(engine.execute(key, Fingerprint.none(), codec, c -> "first").value()).isEqualTo("first");
    assertThat(codec.decodes).as("read back before storing").hasValue(1);
    CallResult<String> replay = engine.execute(key, Fingerprint.none(), codec, c -> "again");
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.value()).isEqualTo("first");
    assertThat(codec.decodes).hasValue(2);
  }

  @Test
  void aCodecThatVouchesIsNotDecodedOnTheFirstCallAndItsResultReplays() {
    Counting codec = new Counting(true);
    IdempotencyKey key = IdempotencyKey.of("read-back", "vouched");
    assertThat(engine.execute(key, Fingerprint.none(), codec, c -> "first").value()).isEqualTo("first");
    assertThat(codec.decodes).as("no read-back").hasValue(0);
    CallResult<String> replay = engine.execute(key, Fingerprint.none(), codec, c -> "again");
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.value()).isEqualTo("first");
    assertThat(codec.decodes).hasValue(1);
  }

  @Test
  void onlyTheBuiltInCodecsOfTheirOwnFormatVouch() {
    assertThat(Codecs.string().decodesAllItEncodes()).isTrue();
    assertThat(Codecs.bytes().decodesAllItEncodes()).isTrue();
    assertThat(Codecs.longs().decodesAllItEncodes()).isTrue();
    assertThat(Codecs.json(String.class).decodesAllItEncodes())
        .as("a mapper may write what it cannot construct").isFalse();
  }
}
