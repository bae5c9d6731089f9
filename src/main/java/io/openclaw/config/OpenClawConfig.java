package io.openclaw.config;

import io.openclaw.bucket.BucketPolicy;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The validated configuration of one node. Immutable; shared by every verticle. */
public record OpenClawConfig(
    String region,
    String node,
    Http http,
    Sync sync,
    Buckets buckets,
    Failover failover,
    Cluster cluster,
    Metrics metrics,
    Logging logging) {

  /**
   * The HTTP server. A connection on which nothing is read or written for {@code idleTimeoutSeconds} is closed,
   * whether idle between requests or stalled in the middle of one.
   */
  public record Http(String host, int port, int bodyLimitBytes, int eventLoops, int idleTimeoutSeconds) {
  }

  /**
   * The global store. {@code failureThreshold} is how many Redis round trips in a row must fail (error, closed
   * connection or slower than {@code timeoutMillis}) before the node decides locally. Every
   * {@code heartbeatIntervalMillis} the sync watch reads the topology, checks the scripts and measures lag.
   */
  public record Sync(boolean enabled, String backend, List<String> clusterNodes, long timeoutMillis,
      long replicationLagMaxMillis, int failureThreshold, long heartbeatIntervalMillis) {
  }

  /** The default bucket and the per-service ones; a service without an entry gets the default. */
  public record Buckets(String keyPrefix, BucketPolicy defaults, Map<String, BucketPolicy> services) {
    /** The service of a request that names none; its bucket is {@code bucket:}, never a {@code services:} entry. */
    public static final String DEFAULT_SERVICE = "default";

    /**
     * A built-in service for checking that regions agree: a large bucket that never refills, so what one region
     * spends is seen exactly by the others however long the check takes. Its buckets expire after
     * {@link #PROBE_TTL_MILLIS}.
     */
    public static final String PROBE_SERVICE = "openclaw-probe";
    public static final BucketPolicy PROBE_POLICY = BucketPolicy.of(1_000_000, BigDecimal.ZERO, BigDecimal.ZERO);
    public static final long PROBE_TTL_MILLIS = 600_000;

    public BucketPolicy policyFor(String service) {
      return services.getOrDefault(service, defaults);
    }

    public boolean isConfigured(String service) {
      return services.containsKey(service);
    }

    /** The largest request any bucket can ever satisfy, to bound what a request may ask for. */
    public long largestCapacity() {
      long largest = defaults.capacity();
      for (BucketPolicy policy : services.values()) {
        largest = Math.max(largest, policy.capacity());
      }
      return largest;
    }
  }

  public record Failover(long graceWindowSeconds, BigDecimal localCapacityRatio, long retryAfterSeconds) {
  }

  /**
   * The region's Vert.x cluster: whether this node joins one, the Hazelcast file it starts from, the number
   * of bucket shards, this member's Hazelcast port (auto-incremented when taken) and the TCP-IP members.
   */
  public record Cluster(boolean enabled, String hazelcastConfig, int shards, int port, List<String> members) {
  }

  public record Metrics(boolean enabled) {
  }

  public record Logging(String format, String level) {
  }

  private List<String> configuredServices() {
    return buckets.services().keySet().stream().filter(name -> !name.equals(Buckets.PROBE_SERVICE)).sorted().toList();
  }

  /**
   * One line that says what this node runs, for the start-up log.
   *
   * @param httpPort the port the HTTP server is bound to, which differs from {@code http.port} when that is 0
   */
  public String summary(int httpPort) {
    String store = sync.enabled()
        ? "global store " + sync.backend() + " " + String.join(",", sync.clusterNodes())
        : "standalone, sync disabled";
    String topology = cluster.enabled()
        ? "clustered (" + cluster.hazelcastConfig() + ", hazelcast port " + cluster.port() + ", members "
            + String.join(",", cluster.members()) + ")"
        : "single node";
    return String.format("region=%s node=%s %s, %s, shards=%d, http=%s:%d, default bucket capacity=%d refill_rate=%s,"
        + " services=%s", region, node, store, topology, cluster.shards(), http.host(), httpPort,
        buckets.defaults().capacity(), buckets.defaults().refillRate().toPlainString(), configuredServices());
  }
}
