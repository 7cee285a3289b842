package dev.idempotency.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.ResultCodecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stored form of a response reads back all it writes: what it could not read back is refused
 * when written, with the library's codec error, which is why the engine may skip decoding each new
 * response before storing it.
 */
class StoredResponseCodecTest {

  @Test
  void aResponseReadsBackAsWritten() {
    StoredResponse r = new StoredResponse(201, List.of("Content-Type", "application/json", "Location", "/orders/1"),
        "{\"orderId\":\"1\"}".getBytes(StandardCharsets.UTF_8));
    StoredResponse back = StoredResponse.CODEC.decode(StoredResponse.CODEC.encode(r));
    assertThat(back.status()).isEqualTo(201);
    assertThat(back.headers()).isEqualTo(r.headers());
    assertThat(back.body()).isEqualTo(r.body());
    assertThat(StoredResponse.CODEC.decodesAllItEncodes()).isTrue();
  }

  @Test
  void moreHeadersThanTheFormCountsAreRefusedWhenWritten() {
    List<String> headers = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      headers.add("X-Many");
      headers.add(Integer.toString(i));
    }
    StoredResponse r = new StoredResponse(200, headers, new byte[0]);
    assertThatThrownBy(() -> StoredResponse.CODEC.encode(r)).isInstanceOf(ResultCodecException.class)
        .hasMessageContaining("20000 headers");
  }

  @Test
  void aHeaderLongerThanTheFormHoldsIsRefusedWithTheCodecError() {
    StoredResponse r = new StoredResponse(200, List.of("X-Long", "v".repeat(70_000)), new byte[0]);
    assertThatThrownBy(() -> StoredResponse.CODEC.encode(r)).isInstanceOf(ResultCodecException.class);
  }

  @Test
  void aStatusOutsideHttpIsRefusedWhenWritten() {
    StoredResponse r = new StoredResponse(99, List.of(), new byte[0]);
    assertThatThrownBy(() -> StoredResponse.CODEC.encode(r)).isInstanceOf(ResultCodecException.class);
  }
}
