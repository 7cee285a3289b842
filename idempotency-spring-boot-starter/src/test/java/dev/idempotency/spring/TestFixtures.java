package dev.idempotency.spring;

/** {@link Servers} for the tests of other packages. */
public final class TestFixtures {
  private TestFixtures() {}

  /**
   * The Redis URI.
   *
   * @return it
   */
  public static String redisUri() {
    return Servers.redisUri();
  }

  /**
   * PostgreSQL: URL, user, password.
   *
   * @return them
   */
  public static String[] postgres() {
    return Servers.postgres();
  }
}
