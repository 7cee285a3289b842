package dev.idempotency.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.RecordBackend;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.support.RecordVersions;
import dev.idempotency.spi.support.Require;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The record-store primitive on a Hazelcast {@link IMap} of byte arrays, one entry per record; the
 * whole backend is {@link #backend(HazelcastInstance)}, every strategy derived in the core by
 * {@link RecordBackend}.
 *
 * <h2>How</h2>
 * Each method is one entry processor, run atomically on the member that owns the key's partition,
 * so each is one round trip (none when that member is the caller). A stored value is the record's
 * version, the end of its life in microseconds of the owner's clock, and its bytes. Expiry is
 * decided by the processors against that end, to the microsecond; the entry's Hazelcast time to
 * live, a second longer, only clears it away. Versions are the owner's clock in microseconds,
 * raised past the key's current version ({@link RecordVersions}). A write's backup carries the
 * bytes the owner wrote, not the processor again, so owner and backup never disagree on a version.
 *
 * <h2>Guarantees and their limits</h2>
 * <ul>
 *   <li>With backups configured (the map's default is one synchronous backup), a member that dies
 *       loses nothing written: its backups take over. Configure at least one backup for the map
 *       (named {@value #DEFAULT_MAP} unless given).</li>
 *   <li>A split brain breaks the guarantee: each side owns every partition and accepts writes, so
 *       a key can be claimed on both sides, and the merge after it keeps one side's records. Use a
 *       split-brain protection (quorum) on the map to refuse writes on the minority side.</li>
 *   <li>Versions, and so fencing tokens, grow across an owner change as long as the members'
 *       clocks agree within the time between a record's end and its key's next write.</li>
 * </ul>
 *
 * <p>Thread-safe. Hazelcast failures reach the caller as {@link StoreUnavailableException}.
 */
public final class HazelcastRecordStore implements RecordStore {
  /** The map's name unless one is given. */
  public static final String DEFAULT_MAP = "idempotency-records";

  private static final int HEADER = 16;
  private static final long NEVER = Long.MAX_VALUE;
  /** How much longer than a record's life its Hazelcast entry lives (so it never goes early). */
  private static final long CLEANUP_MARGIN_MILLIS = 1_000;

  private final IMap<String, byte[]> map;
  private final String name;

  private HazelcastRecordStore(IMap<String, byte[]> map, String name) {
    this.map = map;
    this.name = name;
  }

  /**
   * A store on the instance's map {@value #DEFAULT_MAP}.
   *
   * @param hazelcast a member or a client
   * @return the store
   * @throws dev.idempotency.InvalidInputException if it is null
   */
  public static HazelcastRecordStore on(HazelcastInstance hazelcast) {
    return on(hazelcast, DEFAULT_MAP);
  }

  /**
   * A store on one of the instance's maps.
   *
   * @param hazelcast a member or a client
   * @param mapName the map's name
   * @return the store
   * @throws dev.idempotency.InvalidInputException if one is null or the name is malformed
   */
  public static HazelcastRecordStore on(HazelcastInstance hazelcast, String mapName) {
    Require.nonNull(hazelcast, "hazelcast");
    Require.identifier(mapName, "mapName", 128);
    return new HazelcastRecordStore(hazelcast.getMap(mapName), "hazelcast " + hazelcast.getName() + "/" + mapName);
  }

  /**
   * The whole backend on the instance's map {@value #DEFAULT_MAP}. Closing it leaves the instance
   * running: it is the application's.
   *
   * @param hazelcast a member or a client
   * @return the backend
   * @throws dev.idempotency.InvalidInputException if it is null
   */
  public static RecordBackend backend(HazelcastInstance hazelcast) {
    return RecordBackend.of(on(hazelcast));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Snapshot read(String key) {
    Require.nonNull(key, "key");
    byte[] r = call("read", () -> map.executeOnKey(key, new Read()));
    ByteBuffer b = ByteBuffer.wrap(r);
    long now = b.getLong();
    if (r.length == 8) {
      return new Snapshot(null, now);
    }
    long version = b.getLong();
    long end = b.getLong();
    byte[] value = new byte[b.remaining()];
    b.get(value);
    return new Snapshot(new Entry(value, version, end), now);
  }

  @Override
  public Created create(String key, byte[] value, Duration ttl) {
    Require.nonNull(key, "key");
    Write w = new Write(Write.CREATE, Require.nonNull(value, "value"), ttlMicros(ttl));
    byte[] r = call("create", () -> map.executeOnKey(key, w));
    ByteBuffer b = ByteBuffer.wrap(r);
    long version = b.getLong();
    if (version > 0) {
      return new Created(version, null);
    }
    long existing = b.getLong();
    long end = b.getLong();
    byte[] stored = new byte[b.remaining()];
    b.get(stored);
    return new Created(0, new Entry(stored, existing, end));
  }

  @Override
  public long replace(String key, long expectedVersion, byte[] value, Duration ttl) {
    if (expectedVersion <= 0) {
      throw new InvalidInputException("expectedVersion", "must be positive, was " + expectedVersion);
    }
    Require.nonNull(key, "key");
    Write w = new Write(expectedVersion, Require.nonNull(value, "value"), ttlMicros(ttl));
    return ByteBuffer.wrap(call("replace", () -> map.executeOnKey(key, w))).getLong();
  }

  @Override
  public boolean delete(String key, long expectedVersion) {
    Require.nonNull(key, "key");
    if (expectedVersion < 0) {
      return false;
    }
    Write w = new Write(expectedVersion == 0 ? Write.ANY : expectedVersion, null, 0);
    return ByteBuffer.wrap(call("delete", () -> map.executeOnKey(key, w))).getLong() > 0;
  }

  private static long ttlMicros(Duration ttl) {
    if (ttl == null) {
      return -1;
    }
    Require.positive(ttl, "ttl");
    return ttl.getSeconds() >= Long.MAX_VALUE / 2_000_000L ? -1
        : Math.max(1, ttl.getSeconds() * 1_000_000L + ttl.getNano() / 1_000);
  }

  private <R> R call(String operation, Supplier<R> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      // Hazelcast's own (a member gone, a timeout, an instance shut down) and anything its
      // serialization throws: the outcome of a write is unknown, and the caller reads again.
      throw new StoreUnavailableException(name, operation, e);
    }
  }

  private static boolean live(byte[] stored, long now) {
    return stored != null && stored.length >= HEADER && ByteBuffer.wrap(stored).getLong(8) - now > 0;
  }

  /** Reads the live record and the owner's clock: {@code now}, then the stored bytes if live. */
  static final class Read implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
      long now = RecordVersions.nowMicros();
      byte[] stored = entry.getValue();
      int n = live(stored, now) ? stored.length : 0;
      ByteBuffer b = ByteBuffer.allocate(8 + n).putLong(now);
      if (n > 0) {
        b.put(stored);
      }
      return b.array();
    }

    @Override
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
      return null;
    }
  }

  /**
   * A conditional write: a create, a replace, or a delete (no value). Run on the owner, it
   * remembers what it wrote so that its backup applies exactly that. Answers the new version (1 for
   * a delete), or 0; a create that finds a live record answers 0 followed by that record.
   */
  static final class Write implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    /** The expected version of a create: no live record. */
    static final long CREATE = 0;
    /** The expected version of a delete of whatever live record there is. */
    static final long ANY = -1;

    private final long expected;
    private final byte[] value;
    private final long ttlMicros;
    private transient Apply written;

    Write(long expected, byte[] value, long ttlMicros) {
      this.expected = expected;
      this.value = value;
      this.ttlMicros = ttlMicros;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
      long now = RecordVersions.nowMicros();
      byte[] stored = entry.getValue();
      boolean live = live(stored, now);
      long current = live ? ByteBuffer.wrap(stored).getLong(0) : 0;
      if (expected == CREATE && live) {
        return ByteBuffer.allocate(8 + stored.length).putLong(0).put(stored).array();
      }
      if (expected != CREATE && (!live || (expected != ANY && current != expected))) {
        return answer(0);
      }
      if (value == null) {
        entry.setValue(null);
        written = new Apply(null, 0);
        return answer(1);
      }
      // Past the stored version even when that record has expired: versions grow across expiry.
      long version = RecordVersions.next(stored != null && stored.length >= HEADER ? ByteBuffer.wrap(stored).getLong(0) : 0);
      long end = ttlMicros < 0 || ttlMicros >= NEVER - now ? NEVER : now + ttlMicros;
      byte[] bytes = ByteBuffer.allocate(HEADER + value.length).putLong(version).putLong(end).put(value).array();
      long ttlMillis = end == NEVER ? 0 : ttlMicros / 1_000 + CLEANUP_MARGIN_MILLIS;
      Apply apply = new Apply(bytes, ttlMillis);
      apply.process(entry);
      written = apply;
      return answer(version);
    }

    private static byte[] answer(long version) {
      return ByteBuffer.allocate(8).putLong(version).array();
    }

    @Override
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
      return written;
    }
  }

  /** Sets (or removes) exactly the bytes the owner wrote: the backup of a {@link Write}. */
  static final class Apply implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private final long ttlMillis;

    Apply(byte[] bytes, long ttlMillis) {
      this.bytes = bytes;
      this.ttlMillis = ttlMillis;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
      if (bytes == null) {
        entry.setValue(null);
      } else {
        // A time to live of 0 is for ever in Hazelcast.
        ((ExtendedMapEntry<String, byte[]>) entry).setValue(bytes, ttlMillis, TimeUnit.MILLISECONDS);
      }
      return null;
    }

    @Override
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
      return null;
    }
  }
}
