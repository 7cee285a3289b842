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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README honest: every {@code java} block in it compiles, as written, with the one import
 * block the README lists. Type declarations in a snippet become members of one generated class;
 * statements become the body of a method of their own. The names the prose takes for granted
 * ({@code userId}, {@code dataSource}, {@code payments}, ...) are declared once in {@link #CONTEXT}.
 * The snippets are compiled, not run: they talk to servers the reader has.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE_START = Pattern.compile(
      "^(public\\s+|abstract\\s+|final\\s+|static\\s+)*(interface|record|class|enum)\\s+\\w+.*");

  /** What the README's prose assumes the reader has. Compiled with every snippet. */
  private static final String CONTEXT = """
      String userId = "u1", requestKey = "k1", canonicalBody = "{}", body = "{}", orderId = "o-1";
      String sku = "sku-1", card = "4242", submittedToken = "t", idempotencyKey = "ik-1";
      long amount = 1_000;
      javax.sql.DataSource dataSource, hikariDataSource;
      JdbcBackend db;
      InMemoryBackend backend;
      IdempotencyEngine engine;
      IdempotencyKey key;
      Fingerprint fingerprint;
      OneTimeTokens tokens;
      DistributedLocks locks;
      LockOptions lockOptions;
      Deduplicator dedup;
      StateMachine<OrderStatus> orders;
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
      static class DefaultOrderService implements OrderService {
        public OrderConfirmation place(OrderRequest request) { return new OrderConfirmation("o-1"); }
        public CompletableFuture<Refund> refund(String key, RefundRequest request) {
          return CompletableFuture.completedFuture(new Refund("r-1", request.amount()));
        }
      }
      RateLimiter perUserLimit() { return null; }
      RateLimiter overallLimit() { return null; }
      String placeOrder(String body) { return body; }
      String placeOrder(PlaceOrder order) { return order.orderId(); }
      void shipOrder(Connection c, String orderId) {}
      String insertOrder(Connection c, String body) throws java.sql.SQLException { return body; }
      """;

  @Test
  void everyJavaSnippetInTheReadmeCompilesAsWritten(@TempDir Path out) throws IOException {
    String readme = Files.readString(readme(), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    String imports = blocks.stream().filter(ReadmeSnippetsTest::onlyImports).findFirst()
        .orElseThrow(() -> new AssertionError("the README lists no import block"));
    StringBuilder members = new StringBuilder();
    StringBuilder methods = new StringBuilder();
    int snippets = 0;
    for (String block : blocks) {
      if (block == imports) {
        continue;
      }
      snippets++;
      StringBuilder statements = new StringBuilder();
      split(block, members, statements);
      if (!statements.toString().isBlank()) {
        String returnType = statements.toString().matches("(?s).*^\\s*return .*") ? "Object" : "void";
        methods.append("  ").append(returnType).append(" snippet").append(snippets).append("() throws Exception {\n")
            .append(statements).append("  }\n\n");
      }
    }
    assertThat(snippets).as("java snippets in the README").isGreaterThanOrEqualTo(8);
    String source = imports + "\nclass ReadmeSnippets {\n" + CONTEXT + "\n" + members + "\n" + methods + "}\n";

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeSnippets.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    boolean ok = javac.getTask(diagnostics, null, null,
        List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"), "-parameters",
            "-proc:none", "-Xlint:none"), null, List.of(file)).call();
    assertThat(ok).as("the README's snippets compile:\n%s\n--- generated source ---\n%s", diagnostics, numbered(source))
        .isTrue();
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
    return block.lines().allMatch(l -> l.isBlank() || l.startsWith("import "));
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
