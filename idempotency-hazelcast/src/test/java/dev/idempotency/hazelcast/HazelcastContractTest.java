package dev.idempotency.hazelcast;

import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.RecordBackendContract;

/**
 * The whole contract, the record store's own suite included, on a three-member embedded cluster;
 * each client of a test is a backend on another member.
 */
class HazelcastContractTest extends RecordBackendContract {

  @Override
  protected BackendFixture newFixture() {
    return HazelcastCluster.shared().fixture();
  }
}
