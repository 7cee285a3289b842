package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a user's IDE and build see of the published artifacts: property descriptions, the license. */
class PackagingTest {

  @Test
  void propertyDescriptionsArePlainTextWithoutJavadocTags() throws Exception {
    String json;
    try (InputStream in = IdempotencyProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the generated metadata").isNotNull();
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("\"description\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    List<String> descriptions = new ArrayList<>();
    while (m.find()) {
      descriptions.add(m.group(1));
    }
    assertThat(descriptions).hasSizeGreaterThan(25);
    assertThat(descriptions).noneMatch(d -> d.contains("{@") || d.contains("<code>") || d.isBlank());
  }

  @Test
  void everyModuleCarriesTheLicense() throws Exception {
    for (Class<?> type : List.of(dev.idempotency.IdempotencyEngine.class, dev.idempotency.redis.RedisBackend.class,
        dev.idempotency.jdbc.JdbcBackend.class, dev.idempotency.testkit.BackendContract.class,
        IdempotencyAutoConfiguration.class)) {
      URL location = type.getProtectionDomain().getCodeSource().getLocation();
      Path path = Path.of(location.toURI());
      boolean found;
      if (Files.isDirectory(path)) {
        found = Files.isRegularFile(path.resolve("META-INF/LICENSE"));
      } else {
        try (JarFile jar = new JarFile(path.toFile())) {
          found = jar.getEntry("META-INF/LICENSE") != null;
        }
      }
      assertThat(found).as("META-INF/LICENSE in %s", path).isTrue();
    }
  }
}
