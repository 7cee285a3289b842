package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.RedisClient;

/**
 * What a report ran on: processor, cores, memory, operating system, JDK, the servers' versions and
 * the libraries'.
 *
 * @param lines one fact per line, as the report prints them
 */
record Machine(List<String> lines) {

  /** Reads the facts of this machine; a server that cannot be asked is named as such. */
  static Machine describe() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "Processor: %s, %d cores as Java sees them; %s", cpu(),
        Runtime.getRuntime().availableProcessors(), memory()));
    lines.add("Operating system: " + System.getProperty("os.name") + " " + System.getProperty("os.version")
        + " (" + System.getProperty("os.arch") + ")");
    lines.add("JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    lines.add("Servers (all on 127.0.0.1, beside the benchmark on the same cores): Redis " + redisVersion()
        + "; PostgreSQL " + sqlVersion("postgres", "SHOW server_version") + "; MariaDB "
        + sqlVersion("mariadb", "SELECT VERSION()") + "; H2 " + version("com.h2database", "h2", org.h2.Driver.class) + " in memory");
    lines.add("Libraries: JMH " + version("org.openjdk.jmh", "jmh-core") + ", Jedis "
        + version("redis.clients", "jedis") + ", HikariCP " + version("com.zaxxer", "HikariCP")
        + ", PostgreSQL JDBC " + version("org.postgresql", "postgresql", org.postgresql.Driver.class) + ", MariaDB Connector/J "
        + version("org.mariadb.jdbc", "mariadb-java-client") + ", Spring Framework "
        + version("org.springframework", "spring-aop", org.springframework.aop.Advisor.class));
    return new Machine(lines);
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the architecture will do.
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "%.0f GiB of memory", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return "memory unknown";
  }

  private static String redisVersion() {
    try (RedisClient redis = Servers.redis()) {
      for (String line : redis.info("server").split("\r?\n")) {
        if (line.startsWith("redis_version:")) {
          return line.substring("redis_version:".length());
        }
      }
      return "(version not reported)";
    } catch (RuntimeException e) {
      return "(not reachable: " + e.getClass().getSimpleName() + ")";
    }
  }

  private static String sqlVersion(String database, String query) {
    try (HikariDataSource pool = Servers.pool(database, "version")) {
      return Servers.query(pool, query).get(0);
    } catch (Exception e) {
      return "(not reachable: " + e.getClass().getSimpleName() + ")";
    }
  }

  /** A library's version, from its {@code pom.properties}, or else its jar's manifest. */
  private static String version(String group, String artifact, Class<?> type) {
    String v = version(group, artifact);
    if (v.equals("(unknown)") && type.getPackage() != null && type.getPackage().getImplementationVersion() != null) {
      return type.getPackage().getImplementationVersion();
    }
    return v.equals("(unknown)") ? pinned(group, artifact) : v;
  }

  /** A library's version, from the {@code pom.properties} Maven puts in its jar. */
  private static String version(String group, String artifact) {
    return properties("/META-INF/maven/" + group + "/" + artifact + "/pom.properties").getProperty("version", "(unknown)");
  }

  /**
   * The version the root pom pins for a library whose jar keeps neither a {@code pom.properties} nor,
   * once shaded, its manifest (H2, pgjdbc and Spring are built with Gradle).
   */
  private static String pinned(String group, String artifact) {
    String v = properties("pinned-versions.properties").getProperty(group + "/" + artifact);
    return v == null || v.startsWith("${") ? "(unknown)" : v;
  }

  /** A properties resource beside this class (or absolute), empty if it is missing or unreadable. */
  private static java.util.Properties properties(String resource) {
    java.util.Properties p = new java.util.Properties();
    try (var in = Machine.class.getResourceAsStream(resource)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Unknown, then.
    }
    return p;
  }
}
