/**
 * The Hazelcast backend: the record-store primitive on an {@code IMap}, every strategy derived in
 * the core.
 */
module dev.idempotency.hazelcast {
  requires transitive dev.idempotency.core;
  requires transitive com.hazelcast.core;

  exports dev.idempotency.hazelcast;
}
