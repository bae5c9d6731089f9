package io.openclaw.node;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this node knows about itself, for /health and the gauges. Each fact has one writer (the verticle
 * that owns it) and is published as an immutable snapshot, so readers on any thread see a consistent view.
 */
public final class NodeStatus {

  /** Redis as the sync verticle last saw it. */
  public record Redis(boolean enabled, boolean reachable, String clusterState, Map<String, Long> replicationLagMillis,
      String lastError) {
    public static final Redis DISABLED = new Redis(false, false, "disabled", Map.of(), null);
  }

  private final AtomicReference<Mode> mode;
  private final AtomicReference<Redis> redis = new AtomicReference<>(Redis.DISABLED);
  private volatile List<Integer> ownedShards = List.of();

  public NodeStatus(Mode initialMode) {
    this.mode = new AtomicReference<>(initialMode);
  }

  public Mode mode() {
    return mode.get();
  }

  public void mode(Mode newMode) {
    mode.set(newMode);
  }

  public Redis redis() {
    return redis.get();
  }

  public void redis(Redis snapshot) {
    redis.set(snapshot);
  }

  public int shardsOwned() {
    return ownedShards.size();
  }

  /** Records that this node owns shards {@code 0..count-1}, as a single node owns them all. */
  public void shardsOwned(int count) {
    Integer[] shards = new Integer[count];
    for (int i = 0; i < count; i++) {
      shards[i] = i;
    }
    ownedShards = List.of(shards);
  }

  /** The shards this node owns right now, in ascending order. */
  public List<Integer> ownedShards() {
    return ownedShards;
  }

  public void ownedShards(List<Integer> shards) {
    ownedShards = List.copyOf(shards);
  }
}
