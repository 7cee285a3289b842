package dev.idempotency.benchmarks;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.idempotency.hazelcast.HazelcastRecordStore;
import dev.idempotency.spi.Backend;
import java.io.Serial;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Every strategy on the Hazelcast backend (the record-store primitive, every strategy derived in
 * core) beside raw {@code IMap} calls through the same client, in the same run: a member in this
 * JVM on loopback, and a client connected to it over TCP, so that each call is a network round trip
 * as it is to a cluster. The derived stores make one round trip for a first claim or a mark and two
 * (read, then compare-and-set) for most others; the ratios show what that costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class HazelcastBenchmarks extends StrategyBenchmarks {
  private final String cluster = "bench-" + UUID.randomUUID();
  private HazelcastInstance member;
  private HazelcastInstance client;
  private IMap<String, String> raw;

  /** An increment of a counter entry, the baseline of server-side logic on one key. */
  static final class Increment implements EntryProcessor<String, String, Long> {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, String> entry) {
      long n = entry.getValue() == null ? 1 : Long.parseLong(entry.getValue()) + 1;
      entry.setValue(Long.toString(n));
      return n;
    }
  }

  /** Starts the member and connects the client. */
  @Setup(Level.Trial)
  public void setUp() {
    Config config = new Config().setClusterName(cluster);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPort(15801).setPortAutoIncrement(true).setPortCount(200);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    member = Hazelcast.newHazelcastInstance(config);
    InetSocketAddress at = (InetSocketAddress) member.getLocalEndpoint().getSocketAddress();
    ClientConfig cc = new ClientConfig().setClusterName(cluster);
    cc.setProperty("hazelcast.logging.type", "none");
    cc.getNetworkConfig().addAddress("127.0.0.1:" + at.getPort());
    client = HazelcastClient.newHazelcastClient(cc);
    raw = client.getMap("raw");
    raw.set("stored", "stored");
    Backend backend = HazelcastRecordStore.backend(client);
    useStores(backend.idempotencyStore(), backend.tokenStore(), backend.lockStore(), backend.dedupStore(),
        backend.stateStore("bench"), backend.stockStore(), backend.rateLimitStore());
  }

  /** Stops the client and the member. */
  @TearDown(Level.Trial)
  public void tearDown() {
    closeStrategies();
    client.shutdown();
    member.getLifecycleService().terminate();
  }

  /**
   * Baseline of a first call: {@code putIfAbsent} of a fresh key (the claim), then {@code set} of
   * the result (the completion), each with a time to live.
   *
   * @return the previous value
   */
  @Benchmark
  public String baselineCallFirst() {
    String key = next();
    String previous = raw.putIfAbsent(key, "claimed", 1, TimeUnit.HOURS);
    raw.set(key, "r", 1, TimeUnit.HOURS);
    return previous;
  }

  /**
   * Baseline of a replay: {@code get} of a stored value.
   *
   * @return the value
   */
  @Benchmark
  public String baselineCallReplay() {
    return raw.get("stored");
  }

  /**
   * Baseline of a lock: {@code putIfAbsent} of an owner, then {@code remove(key, owner)}.
   *
   * @return whether it was removed
   */
  @Benchmark
  public boolean baselineLockAcquireAndRelease() {
    raw.putIfAbsent("rawlock", "owner", 1, TimeUnit.HOURS);
    return raw.remove("rawlock", "owner");
  }

  /**
   * Baseline of a token: {@code set} of a fresh key (issue), then {@code delete} (consume).
   *
   * @return the key
   */
  @Benchmark
  public String baselineTokenIssueAndConsume() {
    String key = "token:" + next();
    raw.set(key, "1", 1, TimeUnit.HOURS);
    raw.delete(key);
    return key;
  }

  /**
   * Baseline of a dedup mark and of a transition: one {@code putIfAbsent} of a fresh key.
   *
   * @return the previous value
   */
  @Benchmark
  public String baselineSetNx() {
    return raw.putIfAbsent("nx:" + next(), "1", 1, TimeUnit.HOURS);
  }

  /**
   * Baseline of a reservation and its release: two entry processors on one key.
   *
   * @return the count after the second
   */
  @Benchmark
  public long baselineStockReserveAndRelease() {
    raw.executeOnKey("rawstock", new Increment());
    return raw.executeOnKey("rawstock", new Increment());
  }

  /**
   * Baseline of a rate-limit decision: one entry processor on one key.
   *
   * @return the count
   */
  @Benchmark
  public long baselineRateLimitAcquire() {
    return raw.executeOnKey("rawrate", new Increment());
  }
}
