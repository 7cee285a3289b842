/**
 * This project's test plumbing: Redis and Sentinel processes on free loopback ports, child JVMs, and
 * the Docker check behind the fixtures' server resolution. Not published.
 */
module dev.idempotency.testsupport {
  exports dev.idempotency.testsupport;
}
