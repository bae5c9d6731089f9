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

  public record Http(String host, int port, int bodyLimitBytes, int eventLoops) {
  }

  public record Sync(boolean enabled, String backend, List<String> clusterNodes, long timeoutMillis,
      long replicationLagMaxMillis) {
  }

  /** The default bucket and the per-service ones; a service without an entry gets the default. */
  public record Buckets(String keyPrefix, BucketPolicy defaults, Map<String, BucketPolicy> services) {
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

  /** One line that says what this node runs, for the start-up log. */
  public String summary() {
    String store = sync.enabled()
        ? "global store " + sync.backend() + " " + String.join(",", sync.clusterNodes())
        : "standalone, sync disabled";
    String topology = cluster.enabled()
        ? "clustered (" + cluster.hazelcastConfig() + ", hazelcast port " + cluster.port() + ", members "
            + String.join(",", cluster.members()) + ")"
        : "single node";
    return String.format("region=%s node=%s %s, %s, shards=%d, http=%s:%d, default bucket capacity=%d refill_rate=%s,"
        + " services=%s", region, node, store, topology, cluster.shards(), http.host(), http.port(),
        buckets.defaults().capacity(), buckets.defaults().refillRate().toPlainString(), buckets.services().keySet());
  }
}
