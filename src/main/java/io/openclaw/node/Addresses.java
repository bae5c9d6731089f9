package io.openclaw.node;

/** Every event-bus address the service uses. */
public final class Addresses {
  /** Prefix of the per-shard addresses; shard k listens on {@code openclaw.bucket.k}. */
  public static final String BUCKET_PREFIX = "openclaw.bucket.";
  /** Node-local: the failover verticle asks shard k to charge its journal on {@code openclaw.reconcile.k}. */
  public static final String RECONCILE_PREFIX = "openclaw.reconcile.";
  /** Node-local: the failover verticle asks the journal keeper to charge the journals of shards that left. */
  public static final String RECONCILE_HANDED_OVER = "openclaw.reconcile.handed-over";
  public static final String SYNC_FAILURE = "openclaw.sync_failure";
  public static final String SYNC_RECOVERED = "openclaw.sync_recovered";
  /** A member of the region announces, with its node id, that it is stopping and hands its shards over. */
  public static final String CLUSTER_LEAVING = "openclaw.cluster.leaving";

  private static final String[] BUCKETS = new String[4096];

  static {
    for (int i = 0; i < BUCKETS.length; i++) {
      BUCKETS[i] = BUCKET_PREFIX + i;
    }
  }

  private Addresses() {
  }

  public static String reconcile(int shard) {
    return RECONCILE_PREFIX + shard;
  }

  public static String bucket(int shard) {
    return BUCKETS[shard];
  }
}
