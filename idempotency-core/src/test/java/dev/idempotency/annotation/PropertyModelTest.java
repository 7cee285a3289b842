package dev.idempotency.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.InvalidInputException;
import dev.idempotency.memory.InMemoryBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key templates and fingerprints see a type's properties through one model. */
class PropertyModelTest {

  /** A bean with every kind of property and a fluent method that is not one. */
  public static final class Request {
    private final String name;
    private final Boolean active;
    private final boolean urgent;
    public final int tier;
    private final String code;

    Request(String name, Boolean active, boolean urgent, int tier, String code) {
      this.name = name;
      this.active = active;
      this.urgent = urgent;
      this.tier = tier;
      this.code = code;
    }

    public String getName() {
      return name;
    }

    public Boolean isActive() {
      return active;
    }

    public boolean isUrgent() {
      return urgent;
    }

    public String code() {
      return code;
    }
  }

  /** Keys naming each kind of property. */
  public interface Requests {
    @Idempotent(namespace = "model", key = "{r.name}:{r.active}:{r.urgent}:{r.tier}")
    String handle(Request r);
  }

  /** A key naming a fluent method, which is not a property. */
  public interface FluentKey {
    @Idempotent(namespace = "model", key = "{r.code}")
    String handle(Request r);
  }

  @Test
  void everyPropertyAKeyCanNameIsPartOfTheFingerprint() {
    List<String> names = Properties.of(Request.class).stream().map(Properties.Accessor::name).toList();
    assertThat(names).containsExactly("active", "name", "tier", "urgent");

    Request base = new Request("n", Boolean.TRUE, false, 1, "c");
    assertThat(Canonical.of(new Request("n", Boolean.FALSE, false, 1, "c"))).isNotEqualTo(Canonical.of(base));
    assertThat(Canonical.of(new Request("m", Boolean.TRUE, false, 1, "c"))).isNotEqualTo(Canonical.of(base));
    assertThat(Canonical.of(new Request("n", Boolean.TRUE, true, 1, "c"))).isNotEqualTo(Canonical.of(base));
    assertThat(Canonical.of(new Request("n", Boolean.TRUE, false, 2, "c"))).isNotEqualTo(Canonical.of(base));
  }

  @Test
  void aKeyReadsThePropertiesOfTheModelAndRefusesAFluentMethodWhenTheProxyIsCreated() {
    IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore()).build();
    Requests requests = Idempotency.proxy(Requests.class, r -> "ok", engine);
    requests.handle(new Request("n", Boolean.TRUE, true, 3, "c"));
    assertThat(Idempotency.lastCall().orElseThrow().key().value()).isEqualTo("n:true:true:3");

    assertThatThrownBy(() -> Idempotency.proxy(FluentKey.class, r -> "ok", engine))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("code");
  }
}
