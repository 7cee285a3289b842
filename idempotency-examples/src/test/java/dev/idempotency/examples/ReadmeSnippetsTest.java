package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README and the pages it links honest ({@code docs/*.md}, the example's
 * {@code README.md}): every {@code java} block in them compiles, as written, with the imports its
 * page and section list and against exactly the modules that section names (the sections on core
 * alone compile without Redis, JDBC, Spring or the test kit on the class path). Each page with Java
 * in it starts with its own core import block, so a reader copying from one page finds its imports
 * there. Type declarations in a snippet become members of one generated class;
 * statements become the body of a method of their own. The names the prose takes for granted
 * ({@code userId}, {@code dataSource}, {@code payments}, ...) are declared once in {@link #CONTEXT}.
 * The snippets are compiled, not run: they talk to servers the reader has.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE_START = Pattern.compile(
      "^(public\\s+|abstract\\s+|final\\s+|static\\s+)*(interface|record|class|enum)\\s+\\w+.*");

  /**
   * What the pages' prose assumes the reader has. Compiled with every snippet; types outside the
   * root package are named in full, so that a page imports only what its own snippets use.
   */
  private static final String CONTEXT = """
      String userId = "u1", requestKey = "k1", canonicalBody = "{}", body = "{}", orderId = "o-1";
      String sku = "sku-1", card = "4242", submittedToken = "t", idempotencyKey = "ik-1";
      long amount = 1_000;
      javax.sql.DataSource dataSource, hikariDataSource;
      InMemoryBackend backend;
      IdempotencyEngine engine;
      IdempotencyKey key;
      Fingerprint fingerprint;
      dev.idempotency.token.OneTimeTokens tokens;
      dev.idempotency.lock.DistributedLocks locks;
      dev.idempotency.lock.LockOptions lockOptions;
      dev.idempotency.dedup.Deduplicator dedup;
      dev.idempotency.state.StateMachine<OrderStatus> orders;
      OrderRequest request;
      RefundRequest refundRequest;
      PlaceOrder command;
      Message message;
      Payments payments;
      Inventory inventory;
      Shipping shipping;

      enum OrderStatus { NEW, PLACED, PAID, SHIPPED, CANCELLED }
      static final OrderStatus NEW = OrderStatus.NEW, PLACED = OrderStatus.PLACED, PAID = OrderStatus.PAID,
          SHIPPED = OrderStatus.SHIPPED, CANCELLED = OrderStatus.CANCELLED;
      record OrderRequest(String userId, String submitToken) {}
      record OrderConfirmation(String orderId) {}
      record RefundRequest(long amount) {}
      record Refund(String id, long amount) {}
      record Receipt(String id) {}
      record Message(String id, String orderId) {}
      record OrderPaid(String messageId, String orderId) {}
      record PlaceOrder(String userId, String formToken, IdempotencyKey key, String body, String orderId) {}
      public static class PaymentDeclinedException extends RuntimeException {
        public PaymentDeclinedException(String message) { super(message); }
      }
      static class Busy extends RuntimeException {}
      interface Payments { Receipt charge(String card, long amount, FencingToken fencingToken); }
      interface Inventory { void decrement(String sku, FencingToken fencingToken); }
      interface Shipping { void ship(String orderId); }
      dev.idempotency.ratelimit.RateLimiter perUserLimit() { return null; }
      dev.idempotency.ratelimit.RateLimiter overallLimit() { return null; }
      String placeOrder(String body) { return body; }
      String placeOrder(PlaceOrder order) { return order.orderId(); }
      """;

  /** The implementation a page's {@code OrderService} interface is proxied around, where a page declares it. */
  private static final String ORDER_SERVICE_CONTEXT = """
      static class DefaultOrderService implements OrderService {
        public OrderConfirmation place(OrderRequest request) { return new OrderConfirmation("o-1"); }
        public CompletableFuture<Refund> refund(String key, RefundRequest request) {
          return CompletableFuture.completedFuture(new Refund("r-1", request.amount()));
        }
      }
      """;

  /** What sections on idempotency-jdbc also assume. */
  private static final String JDBC_CONTEXT = """
      JdbcBackend db;
      void shipOrder(Connection c, String orderId) {}
      String insertOrder(Connection c, String body) throws java.sql.SQLException { return body; }
      """;

  /**
   * What each of the library's modules brings onto the class path, by path fragments of its own jar
   * and of the dependencies only it brings: a section compiles with the entries of the modules it
   * names and without the others'.
   */
  private static final Map<String, List<String>> MODULE_PATHS = Map.of(
      "idempotency-redis", List.of("idempotency-redis", "/redis/clients/"),
      "idempotency-jdbc", List.of("idempotency-jdbc", "/com/zaxxer/"),
      "idempotency-hazelcast", List.of("idempotency-hazelcast", "/com/hazelcast/"),
      "idempotency-spring-boot-starter", List.of("idempotency-spring-boot-starter", "/org/springframework/"),
      "idempotency-testkit", List.of("idempotency-testkit", "/org/junit/", "/org/assertj/"));

  /** A {@code ## } section of a page: its heading, its own import block (or null) and its other Java blocks. */
  private record Section(String heading, String imports, List<String> blocks) {
    /** The library's modules the section names in its import block's first line, core always. */
    Set<String> modules() {
      Set<String> named = new TreeSet<>(Set.of("idempotency-core"));
      if (imports != null) {
        Matcher m = Pattern.compile("idempotency-[a-z-]+").matcher(imports.lines().findFirst().orElse(""));
        while (m.find()) {
          named.add(m.group());
        }
      }
      return named;
    }
  }

  @Test
  void everyJavaSnippetOfEveryPageCompilesWithExactlyTheModulesItsSectionNames(@TempDir Path out) throws IOException {
    Path root = readme().getParent();
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("idempotency-examples/README.md")));
    try (var docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> failures = new ArrayList<>();
    int total = 0;
    for (Path page : pages) {
      int n = compilePage(root.relativize(page).toString(), Files.readString(page, StandardCharsets.UTF_8),
          out.resolve(page.getFileName() + "-" + pages.indexOf(page)), failures);
      if (page.equals(root.resolve("README.md"))) {
        assertThat(n).as("java snippets in the README's quick starts").isGreaterThanOrEqualTo(3);
      }
      total += n;
    }
    assertThat(total).as("java snippets in the README and docs").isGreaterThanOrEqualTo(15);
    assertThat(failures).as("the pages' snippets compile").isEmpty();
  }

  /** Compiles one page's snippets; returns how many there were. */
  private static int compilePage(String name, String text, Path out, List<String> failures) {
    List<Section> sections = sections(text);
    if (sections.stream().allMatch(x -> x.blocks().isEmpty())) {
      return 0;
    }
    Section coreImports = sections.stream().filter(x -> x.imports() != null && x.modules().size() == 1).findFirst()
        .orElse(null);
    if (coreImports == null) {
      failures.add(name + " has Java snippets but no idempotency-core import block");
      return 0;
    }
    // The sections on core alone compile together; each section on another module compiles with them.
    StringBuilder coreMembers = new StringBuilder();
    StringBuilder coreMethods = new StringBuilder();
    int[] snippets = {0};
    for (Section section : sections) {
      if (section.modules().size() == 1) {
        collect(section, coreMembers, coreMethods, snippets);
      }
    }
    compile(out.resolve("core"), coreImports.imports(), Set.of("idempotency-core"), coreMembers.toString(),
        coreMethods.toString(), failures, name + ": the sections on idempotency-core alone");
    for (Section section : sections) {
      if (section.modules().size() > 1) {
        StringBuilder members = new StringBuilder(coreMembers);
        StringBuilder methods = new StringBuilder();
        collect(section, members, methods, snippets);
        compile(out.resolve("s" + snippets[0]), coreImports.imports() + section.imports(), section.modules(),
            members.toString(), methods.toString(), failures, name + ": " + section.heading() + " " + section.modules());
      }
    }
    return snippets[0];
  }

  @Test
  void aSnippetNeedingAModuleItsSectionDoesNotNameFailsToCompile(@TempDir Path out) {
    List<String> failures = new ArrayList<>();
    compile(out, "import dev.idempotency.*;\n", Set.of("idempotency-core"), "",
        "  void snippet() { dev.idempotency.redis.RedisBackend.builder(); }\n", failures, "redis without its module");
    assertThat(failures).hasSize(1);
  }

  private static List<Section> sections(String readme) {
    List<Section> sections = new ArrayList<>();
    String[] parts = readme.split("\n(?=## )");
    for (String part : parts) {
      String heading = part.lines().findFirst().orElse("");
      String imports = null;
      List<String> blocks = new ArrayList<>();
      Matcher m = JAVA_BLOCK.matcher(part);
      while (m.find()) {
        if (onlyImports(m.group(1)) && imports == null) {
          imports = m.group(1);
        } else {
          blocks.add(m.group(1));
        }
      }
      sections.add(new Section(heading, imports, blocks));
    }
    return sections;
  }

  private static void collect(Section section, StringBuilder members, StringBuilder methods, int[] snippets) {
    for (String block : section.blocks()) {
      snippets[0]++;
      StringBuilder statements = new StringBuilder();
      split(block, members, statements);
      if (!statements.toString().isBlank()) {
        String returnType = statements.toString().matches("(?s).*^\\s*return .*") ? "Object" : "void";
        methods.append("  ").append(returnType).append(" snippet").append(snippets[0]).append("() throws Exception {\n")
            .append(statements).append("  }\n\n");
      }
    }
  }

  /** Compiles one unit against the class path of the named modules only; adds a failure if it does not compile. */
  private static void compile(Path out, String imports, Set<String> modules, String members, String methods,
      List<String> failures, String what) {
    String context = CONTEXT + (modules.contains("idempotency-jdbc") ? JDBC_CONTEXT : "")
        + (members.contains("interface OrderService") ? ORDER_SERVICE_CONTEXT : "");
    String source = imports + "\nclass ReadmeSnippets {\n" + context + "\n" + members + "\n" + methods + "}\n";
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String path = entry.replace('\\', '/');
      boolean excluded = MODULE_PATHS.entrySet().stream().anyMatch(e -> !modules.contains(e.getKey())
          && e.getValue().stream().anyMatch(path::contains));
      if (!excluded) {
        classPath.add(entry);
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeSnippets.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    boolean ok = javac.getTask(diagnostics, null, null,
        List.of("-d", out.toString(), "-classpath", String.join(java.io.File.pathSeparator, classPath), "-parameters",
            "-proc:none", "-Xlint:none"), null, List.of(file)).call();
    if (!ok) {
      failures.add(what + ":\n" + diagnostics + "\n--- generated source ---\n" + numbered(source));
    }
  }

  private static Path readme() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("idempotency-core"))) {
        return dir.resolve("README.md");
      }
    }
    throw new AssertionError("README.md not found above " + Paths.get("").toAbsolutePath());
  }

  private static boolean onlyImports(String block) {
    return block.lines().allMatch(l -> l.isBlank() || l.startsWith("import ") || l.startsWith("//"));
  }

  /** Sends top-level type declarations to {@code members}, everything else to {@code statements}. */
  private static void split(String block, StringBuilder members, StringBuilder statements) {
    int depth = 0;
    boolean inType = false;
    String[] lines = block.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (depth == 0 && (TYPE_START.matcher(line.trim()).matches() || annotatesType(lines, i))) {
        inType = true;
      }
      (inType ? members : statements).append("    ").append(line).append('\n');
      depth += braces(line);
      if (inType && depth == 0 && line.contains("}")) {
        inType = false;
      }
    }
  }

  /** Whether line i is an annotation (such as {@code @Service}) of a type declared below it. */
  private static boolean annotatesType(String[] lines, int i) {
    int j = i;
    while (j < lines.length && lines[j].trim().startsWith("@")) {
      j++;
    }
    return j > i && j < lines.length && TYPE_START.matcher(lines[j].trim()).matches();
  }

  /** The net count of braces on a line, outside string and char literals and line comments. */
  private static int braces(String line) {
    int n = 0;
    boolean string = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (string) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          string = false;
        }
      } else if (c == '"') {
        string = true;
      } else if (c == '\'' && i + 2 < line.length()) {
        i += line.charAt(i + 1) == '\\' ? 3 : 2;
      } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
        break;
      } else if (c == '{') {
        n++;
      } else if (c == '}') {
        n--;
      }
    }
    return n;
  }

  private static String numbered(String source) {
    StringBuilder sb = new StringBuilder();
    String[] lines = source.split("\n");
    for (int i = 0; i < lines.length; i++) {
      sb.append(String.format("%4d  %s%n", i + 1, lines[i]));
    }
    return sb.toString();
  }
}
