package dev.idempotency.spring.web;

/** The test servers, for this package. */
final class WebServers {
  private WebServers() {}

  static String redisUri() {
    return dev.idempotency.spring.TestFixtures.redisUri();
  }

  static String[] postgres() {
    return dev.idempotency.spring.TestFixtures.postgres();
  }
}
