package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one page that lists every exception names each with the HTTP status it really suggests. */
class ExceptionTableTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/idempotency");

  @Test
  void theRootsJavadocListsEverySubclassWithItsSuggestedStatus() throws IOException {
    String root = Files.readString(SOURCES.resolve("IdempotencyException.java"));
    List<Path> subclasses;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      subclasses = files.filter(p -> p.toString().endsWith(".java")).filter(p -> read(p).contains("extends IdempotencyException"))
          .collect(Collectors.toList());
    }
    assertThat(subclasses).hasSizeGreaterThanOrEqualTo(9);
    for (Path file : subclasses) {
      String name = file.getFileName().toString().replace(".java", "");
      Matcher status = Pattern.compile("suggestedHttpStatus\\(\\) \\{\\s*return (\\d+);").matcher(read(file));
      String expected = status.find() ? status.group(1) : "500";
      String link = file.getParent().equals(SOURCES) ? name : "dev.idempotency." + file.getParent().getFileName() + "." + name;
      assertThat(root).as(name + " in the table with " + expected)
          .containsPattern("\\{@link " + Pattern.quote(link) + "\\}</td><td>[^<]*(\\n \\*[^<]*)*</td><td>" + expected + "</td>");
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
