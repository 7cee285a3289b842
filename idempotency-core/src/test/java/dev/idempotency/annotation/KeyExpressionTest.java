package dev.idempotency.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.memory.InMemoryBackend;
import java.io.File;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Key templates, fingerprints and the checks made when a proxy is created. */
class KeyExpressionTest {
  private final InMemoryBackend backend = InMemoryBackend.create();
  private final IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();

  public record Address(String city, String zip) {}

  public record Customer(String id, Address address, Map<String, String> tags, Map<String, Address> places) {}

  public static final class Bean {
    private final String code;
    private final boolean vip;
    public final int level;

    public Bean(String code, boolean vip, int level) {
      this.code = code;
      this.vip = vip;
      this.level = level;
    }

    public String getCode() {
      return code;
    }

    public boolean isVip() {
      return vip;
    }
  }

  public enum Tier { GOLD, SILVER }

  public interface Keys {
    @Idempotent(namespace = "nested", key = "{c.id}/{c.address.city}/{c.tags.channel}/{c.places.home.zip}")
    String nested(Customer c);

    @Idempotent(namespace = "bean", key = "{b.code}:{b.vip}:{b.level}:{tier}:{n}")
    String bean(Bean b, Tier tier, long n);

    @Idempotent(namespace = "braces", key = "{{literal}}-{id}")
    String braces(String id);

    @Idempotent(namespace = "multi")
    String multi(@Key String tenant, @Key int number, String payload);

    @Idempotent(namespace = "fp", key = "{id}", fingerprint = "amount")
    String fingerprintOnly(String id, BigDecimal amount, String comment);

    @Idempotent(namespace = "whole", key = "{req.id}")
    String partial(Customer req);

    @Idempotent(key = "{id}")
    String derived(String id);
  }

  public static final class KeysImpl implements Keys {
    @Override
    public String nested(Customer c) {
      return "n";
    }

    @Override
    public String bean(Bean b, Tier tier, long n) {
      return "b";
    }

    @Override
    public String braces(String id) {
      return "x";
    }

    @Override
    public String multi(String tenant, int number, String payload) {
      return payload;
    }

    @Override
    public String fingerprintOnly(String id, BigDecimal amount, String comment) {
      return comment;
    }

    @Override
    public String partial(Customer req) {
      return req.id();
    }

    @Override
    public String derived(String id) {
      return id;
    }
  }

  private final Keys keys = Idempotency.proxy(Keys.class, new KeysImpl(), engine);

  private static IdempotencyKey lastKey() {
    return Idempotency.lastCall().orElseThrow().key();
  }

  private static Customer customer(String id) {
    return new Customer(id, new Address("Zürich", "8001"), Map.of("channel", "web"), Map.of("home", new Address("Bern", "3000")));
  }

  @Test
  void pathsReachRecordComponentsNestedRecordsAndMapEntries() {
    keys.nested(customer("c-1"));
    assertThat(lastKey().value()).isEqualTo("c-1/Zürich/web/3000");
    assertThat(lastKey().namespace()).isEqualTo("nested");
  }

  @Test
  void pathsReachGettersBooleanGettersPublicFieldsEnumsAndPrimitives() {
    keys.bean(new Bean("B7", true, 3), Tier.GOLD, 42L);
    assertThat(lastKey().value()).isEqualTo("B7:true:3:GOLD:42");
  }

  @Test
  void doubledBracesAreLiteralAndKeyParametersJoinWithColons() {
    keys.braces("x1");
    assertThat(lastKey().value()).isEqualTo("{literal}-x1");
    keys.multi("acme", 7, "p");
    assertThat(lastKey().value()).isEqualTo("acme:7");
  }

  @Test
  void unicodeValuesAreKeptAndTheNamespaceIsDerivedWhenAbsent() {
    keys.derived("ключ-🔑-Zoë");
    assertThat(lastKey().value()).isEqualTo("ключ-🔑-Zoë");
    assertThat(lastKey().namespace()).isEqualTo("Keys.derived");
  }

  @Test
  void aNullOnThePathIsATypedErrorNotTheWordNullAndWritesNothing() {
    Customer noAddress = new Customer("c-2", null, Map.of("channel", "web"), Map.of());
    assertThatThrownBy(() -> keys.nested(noAddress)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.getMessage()).contains("{c.address.city}").contains("\"address\""));
    Customer noTag = new Customer("c-3", new Address("a", "b"), Map.of(), Map.of());
    assertThatThrownBy(() -> keys.nested(noTag)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("channel");
    assertThatThrownBy(() -> keys.nested(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.multi(null, 1, "p")).isInstanceOf(InvalidInputException.class);
    assertThat(engine.lookup(IdempotencyKey.of("nested", "c-2/null/web/null"))).isEmpty();
  }

  @Test
  void aValueOverTheKeyLimitIsATypedError() {
    assertThatThrownBy(() -> keys.derived("k".repeat(IdempotencyKey.MAX_VALUE_LENGTH + 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 256");
    assertThat(keys.derived("k".repeat(IdempotencyKey.MAX_VALUE_LENGTH))).hasSize(256);
    assertThatThrownBy(() -> keys.derived("line\nbreak")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void theFingerprintCoversTheNamedArgumentsOnly() {
    assertThat(keys.fingerprintOnly("f1", new BigDecimal("10.50"), "first")).isEqualTo("first");
    assertThat(keys.fingerprintOnly("f1", new BigDecimal("10.5"), "second")).as("10.50 equals 10.5; comment ignored")
        .isEqualTo("first");
    assertThatThrownBy(() -> keys.fingerprintOnly("f1", new BigDecimal("11"), "first")).isInstanceOf(KeyReusedException.class);
  }

  @Test
  void anArgumentOnlyPartlyUsedByTheKeyStaysInTheFingerprint() {
    keys.partial(customer("p-1"));
    Customer changed = new Customer("p-1", new Address("Genève", "1200"), Map.of("channel", "web"), Map.of());
    assertThatThrownBy(() -> keys.partial(changed)).isInstanceOf(KeyReusedException.class);
    assertThat(keys.partial(customer("p-1"))).isEqualTo("p-1");
  }

  @Test
  void theCanonicalFormIsStableAcrossEqualValues() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("b", List.of(1, 2));
    a.put("a", Set.of("y", "x"));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("a", Set.of("x", "y"));
    b.put("b", List.of(1, 2));
    assertThat(Canonical.of(a)).isEqualTo(Canonical.of(b)).isEqualTo("{\"a\":[\"x\",\"y\"],\"b\":[1,2]}");
    assertThat(Canonical.of(new Bean("c", false, 1))).isEqualTo("{\"code\":\"c\",\"level\":1,\"vip\":false}");
    assertThat(Canonical.of(new BigDecimal("1.000"))).isEqualTo(Canonical.of(new BigDecimal("1")));
    assertThatThrownBy(() -> Canonical.of(new Object() { })).isInstanceOf(InvalidInputException.class);
  }

  // ---- mistakes caught when the proxy is created ---------------------------------------------

  public interface UnknownParameter {
    @Idempotent(key = "{request.id}")
    String call(String id);
  }

  public interface UnknownProperty {
    @Idempotent(key = "{c.address.street}")
    String call(Customer c);
  }

  public interface UntypedPath {
    @Idempotent(key = "{o.id}")
    String call(Object o);
  }

  public interface Unclosed {
    @Idempotent(key = "{id")
    String call(String id);
  }

  public interface NoPlaceholder {
    @Idempotent(key = "constant")
    String call(String id);
  }

  public interface NoKey {
    @Idempotent
    String call(String id);
  }

  public interface BothKeys {
    @Idempotent(key = "{id}")
    String call(@Key String id);
  }

  public interface BadDuration {
    @Idempotent(key = "{id}", retention = "forever")
    String call(String id);
  }

  public interface BadNamespace {
    @Idempotent(namespace = "has space", key = "{id}")
    String call(String id);
  }

  public interface UnknownFingerprint {
    @Idempotent(key = "{id}", fingerprint = "body")
    String call(String id);
  }

  public interface UntypedResult {
    @Idempotent(key = "{id}")
    Object call(String id);
  }

  public interface RawFuture {
    @SuppressWarnings("rawtypes")
    @Idempotent(key = "{id}")
    CompletableFuture call(String id);
  }

  @Test
  void mistakesFailAtProxyCreationNamingTheInterfaceMethodAndExpression() {
    Map<Class<?>, String> expected = new LinkedHashMap<>();
    expected.put(UnknownParameter.class, "no parameter \"request\"");
    expected.put(UnknownProperty.class, "no property \"street\"");
    expected.put(UntypedPath.class, "java.lang.Object");
    expected.put(Unclosed.class, "unclosed");
    expected.put(NoPlaceholder.class, "no {placeholder}");
    expected.put(NoKey.class, "has no key");
    expected.put(BothKeys.class, "choose one");
    expected.put(BadDuration.class, "\"forever\" is not a duration");
    expected.put(BadNamespace.class, "namespace \"has space\"");
    expected.put(UnknownFingerprint.class, "unknown parameter \"body\"");
    expected.put(UntypedResult.class, "no codec for java.lang.Object");
    expected.put(RawFuture.class, "raw");
    expected.forEach((iface, message) -> assertThatThrownBy(() -> proxyOf(iface))
        .as(iface.getSimpleName())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(iface.getName() + ".call")
        .hasMessageContaining(message));
  }

  @SuppressWarnings("unchecked")
  private <T> T proxyOf(Class<T> iface) {
    Object target = java.lang.reflect.Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
        (p, m, a) -> null);
    return Idempotency.proxy(iface, (T) target, engine);
  }

  @Test
  void anInterfaceCompiledWithoutParametersFailsAtCreationSayingSo() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path dir = Files.createTempDirectory("no-parameters");
    Path src = dir.resolve("NoNames.java");
    Files.writeString(src, "public interface NoNames {\n"
        + "  @dev.idempotency.annotation.Idempotent(key = \"{orderId}\") String call(String orderId);\n}\n");
    String classpath = System.getProperty("java.class.path");
    int rc = javac.run(null, null, null, "-cp", classpath, "-d", dir.toString(), src.toString());
    assertThat(rc).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> iface = loader.loadClass("NoNames");
      assertThatThrownBy(() -> proxyOf(iface)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("NoNames.call").hasMessageContaining("-parameters");
    } finally {
      for (File f : dir.toFile().listFiles()) {
        f.delete();
      }
      dir.toFile().delete();
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theTargetMustImplementTheInterface() {
    assertThatThrownBy(() -> Idempotency.proxy(KeysImpl.class, new KeysImpl(), engine)).isInstanceOf(InvalidInputException.class);
    Class raw = Keys.class;
    assertThatThrownBy(() -> Idempotency.proxy(raw, "not a service", engine))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not implement");
  }
}
