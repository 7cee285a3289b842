package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.testkit.BackendContract;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public surface as the module path sees it: each artifact exports its API packages and
 * nothing else; core shares nothing with the library's own modules that a third-party backend
 * could not use.
 */
class ModuleDescriptorTest {

  private static ModuleDescriptor descriptor(Class<?> type) throws URISyntaxException {
    Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(jar).findAll().iterator().next().descriptor();
  }

  private static Map<String, Set<String>> exports(ModuleDescriptor d) {
    Map<String, Set<String>> out = new TreeMap<>();
    d.exports().forEach(e -> out.put(e.source(), e.targets()));
    return out;
  }

  @Test
  void coreExportsItsApiItsSpiAndTheBackendHelpersToEveryoneAndItsInternalsToNoOne() throws Exception {
    ModuleDescriptor core = descriptor(IdempotencyEngine.class);
    assertThat(core.name()).isEqualTo("dev.idempotency.core");
    Map<String, Set<String>> exports = exports(core);
    assertThat(exports.keySet()).containsExactlyInAnyOrder("dev.idempotency", "dev.idempotency.annotation",
        "dev.idempotency.cache", "dev.idempotency.codec", "dev.idempotency.dedup", "dev.idempotency.defence", "dev.idempotency.lock",
        "dev.idempotency.memory", "dev.idempotency.optimistic", "dev.idempotency.ratelimit", "dev.idempotency.spi",
        "dev.idempotency.spi.support", "dev.idempotency.state", "dev.idempotency.stock", "dev.idempotency.token");
    assertThat(exports.values()).as("no qualified export: a third-party backend sees what ours see")
        .allMatch(Set::isEmpty);
    assertThat(core.opens()).isEmpty();
  }

  @Test
  void eachBackendExportsOnePackageAndTheTestKitItsSuitesAndItsSoak() throws Exception {
    for (Class<?> type : new Class<?>[] {RedisBackend.class, JdbcBackend.class,
        dev.idempotency.hazelcast.HazelcastRecordStore.class, BackendContract.class}) {
      ModuleDescriptor d = descriptor(type);
      if (type == BackendContract.class) {
        assertThat(exports(d)).as(d.name()).containsOnlyKeys(type.getPackageName(), type.getPackageName() + ".soak");
      } else {
        assertThat(exports(d)).as(d.name()).containsOnlyKeys(type.getPackageName());
      }
      assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name)).as(d.name()).contains("dev.idempotency.core");
    }
  }

  @Test
  void theStarterIsANamedModuleExportingItsTwoPackagesAndOpeningThemOnlyToSpring() throws Exception {
    ModuleDescriptor d = descriptor(dev.idempotency.spring.IdempotencyAutoConfiguration.class);
    assertThat(d.name()).isEqualTo("dev.idempotency.spring");
    assertThat(exports(d)).containsOnlyKeys("dev.idempotency.spring", "dev.idempotency.spring.web");
    assertThat(d.opens()).allSatisfy(o -> assertThat(o.targets()).isNotEmpty()
        .allMatch(m -> m.startsWith("spring.")));
    assertThat(d.requires().stream().filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .map(ModuleDescriptor.Requires::name))
        .as("Redis, JDBC, MVC, WebFlux and Micrometer stay optional")
        .doesNotContain("dev.idempotency.redis", "dev.idempotency.jdbc", "spring.webmvc", "spring.webflux",
            "micrometer.core", "jakarta.servlet");
  }
}
