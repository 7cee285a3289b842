/**
 * The behaviour contract as JUnit 5 suites, and the fixture that runs them all on one backend.
 */
module dev.idempotency.testkit {
  requires transitive dev.idempotency.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires transitive java.sql;
  requires transitive reactor.core;

  exports dev.idempotency.testkit;
  exports dev.idempotency.testkit.soak;
  // JUnit instantiates the suites' nested classes reflectively.
  opens dev.idempotency.testkit to org.junit.platform.commons;
}
