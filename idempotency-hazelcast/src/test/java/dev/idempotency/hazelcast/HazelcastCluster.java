package dev.idempotency.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.RecordBackend;
import dev.idempotency.testkit.BackendFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedded Hazelcast members on loopback, joined over TCP on free ports (no multicast, nothing
 * beyond 127.0.0.1), with one synchronous backup per map; and the contract's fixture on them.
 */
final class HazelcastCluster implements AutoCloseable {
  private static HazelcastCluster shared;

  final List<HazelcastInstance> members = new ArrayList<>();

  private HazelcastCluster(int size) {
    String cluster = "idem-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(freePort());
    }
    for (int port : ports) {
      members.add(Hazelcast.newHazelcastInstance(config(cluster, port, ports)));
    }
  }

  /**
   * Starts a cluster of its own, for a test that harms it.
   *
   * @param size how many members
   * @return the cluster, every member joined
   */
  static HazelcastCluster start(int size) {
    return new HazelcastCluster(size);
  }

  /**
   * The three-member cluster every contract test of this JVM shares, started on first use and
   * stopped when the JVM ends.
   *
   * @return the cluster
   */
  static synchronized HazelcastCluster shared() {
    if (shared == null) {
      shared = start(3);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  private static Config config(String cluster, int port, List<Integer> ports) {
    Config c = new Config().setClusterName(cluster).setInstanceName(cluster + "-" + port);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.partition.count", "71");
    // A killed member is declared dead within seconds, not the default minute.
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (int p : ports) {
      join.getTcpIpConfig().addMember("127.0.0.1:" + p);
    }
    c.addMapConfig(new MapConfig("*").setBackupCount(1));
    return c;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A fixture on a map of its own (so that what it counts is its own), whose clients are backends
   * on the members in turn, as service instances on each member would be.
   *
   * @return the fixture
   */
  BackendFixture fixture() {
    String map = "t" + UUID.randomUUID().toString().replace("-", "");
    AtomicInteger next = new AtomicInteger();
    return new BackendFixture() {
      @Override
      public Backend newClient() {
        HazelcastInstance member = members.get(next.getAndIncrement() % members.size());
        return RecordBackend.of(HazelcastRecordStore.on(member, map));
      }

      @Override
      public long storedEntries() {
        return members.get(0).getMap(map).size();
      }

      @Override
      public void close() {
        members.get(0).getMap(map).destroy();
      }
    };
  }

  @Override
  public void close() {
    for (HazelcastInstance m : members) {
      m.getLifecycleService().terminate();
    }
  }
}
