package io.openclaw.sync;

import java.util.Map;
import java.util.TreeMap;

/**
 * The replication lag of one heartbeat on one master: how long after the master acknowledged the write each
 * replica first showed the value. A replica that never showed it within the limit counts as the time waited,
 * so a stuck replica reads as at least that slow, never as fast. The master's lag is its worst replica's.
 */
public final class ReplicationLag {
  private final long writtenAtNanos;
  private final Map<String, Long> replicaLagMillis = new TreeMap<>();

  /** {@code writtenAtNanos}: when the master answered the heartbeat write ({@link System#nanoTime()}). */
  public ReplicationLag(long writtenAtNanos) {
    this.writtenAtNanos = writtenAtNanos;
  }

  /** The replica showed the heartbeat at {@code seenAtNanos}. */
  public void seen(String replica, long seenAtNanos) {
    replicaLagMillis.put(replica, millisSince(seenAtNanos));
  }

  /** The replica did not show the heartbeat (or could not be asked) by {@code gaveUpAtNanos}. */
  public void gaveUp(String replica, long gaveUpAtNanos) {
    replicaLagMillis.put(replica, millisSince(gaveUpAtNanos));
  }

  /** Whole milliseconds since the write, rounded up so that any measurable lag is at least 1 ms. */
  private long millisSince(long nanos) {
    long elapsed = Math.max(0, nanos - writtenAtNanos);
    return (elapsed + 999_999) / 1_000_000;
  }

  /** The worst replica's lag in milliseconds, or -1 when no replica was measured. */
  public long worstMillis() {
    return replicaLagMillis.values().stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  public Map<String, Long> byReplica() {
    return Map.copyOf(replicaLagMillis);
  }

  /** The masters of {@code lagByMaster} whose lag is over {@code maxMillis}. */
  public static java.util.List<String> overLimit(Map<String, Long> lagByMaster, long maxMillis) {
    return lagByMaster.entrySet().stream().filter(e -> e.getValue() > maxMillis).map(Map.Entry::getKey)
        .sorted().toList();
  }
}
