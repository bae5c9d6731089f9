package io.openclaw.failover;

import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.RedisBucketStore;
import io.openclaw.store.SyncObserver;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The node's failover phase, shared by every shard's store (which report round trips) and the failover
 * verticle (which alone moves the node out of LOCAL). Thread-safe: stores run on several event loops.
 *
 * <p>How an outage is detected: a round trip that failed without an answer from Redis (connection refused,
 * reset or closed, no connection to be had) proves Redis is out of reach and trips LOCAL at once. A round
 * trip slower than {@code sync.timeout_ms}, or an error answer such as CLUSTERDOWN, only counts: LOCAL is
 * tripped when {@code sync.failure_threshold} of them come in a row with no success between, so one slow
 * reply does not flap the mode. Exactly one caller wins the trip, and only it tells the failover verticle.
 */
public final class FailoverState implements SyncObserver {
  /** GLOBAL: deciding in Redis. LOCAL: deciding in memory. RECONCILING: charging the journals to Redis. */
  public enum Phase { GLOBAL, LOCAL, RECONCILING }

  private final NodeStatus status;
  private final int failureThreshold;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.GLOBAL);
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private final AtomicReference<SyncObserver> latency = new AtomicReference<>(SyncObserver.NONE);
  private volatile Consumer<String> onTrip = cause -> { };

  public FailoverState(NodeStatus status, int failureThreshold) {
    this.status = status;
    this.failureThreshold = failureThreshold;
  }

  /** Who hears of a trip (the failover verticle); called once per outage, on the thread that tripped it. */
  public void onTrip(Consumer<String> listener) {
    this.onTrip = listener;
  }

  /** Also told of every round trip, e.g. to time it. */
  public void alsoObserve(SyncObserver observer) {
    latency.set(observer);
  }

  public Phase phase() {
    return phase.get();
  }

  /** Whether a shard decides locally now (it may still hold a journal to charge while RECONCILING). */
  public boolean local() {
    return phase.get() == Phase.LOCAL;
  }

  @Override
  public void succeeded(long nanos) {
    failuresInARow.set(0);
    latency.get().succeeded(nanos);
  }

  @Override
  public void failed(Throwable cause) {
    latency.get().failed(cause);
    boolean unreachable = !RedisBucketStore.isAnswerOrTimeout(cause);
    if (unreachable || failuresInARow.incrementAndGet() >= failureThreshold) {
      trip(describe(cause));
    }
  }

  /** Moves GLOBAL to LOCAL; the first caller of an outage wins and tells the listener. */
  public boolean trip(String cause) {
    if (!phase.compareAndSet(Phase.GLOBAL, Phase.LOCAL)) {
      return false;
    }
    failuresInARow.set(0);
    status.mode(Mode.LOCAL);
    onTrip.accept(cause);
    return true;
  }

  /** LOCAL to RECONCILING, by the failover verticle once a probe found Redis back. */
  boolean startReconciling() {
    return phase.compareAndSet(Phase.LOCAL, Phase.RECONCILING);
  }

  /** RECONCILING back to LOCAL: a journal could not be charged, try again after the next window. */
  void reconcileFailed() {
    phase.compareAndSet(Phase.RECONCILING, Phase.LOCAL);
  }

  /** RECONCILING to GLOBAL: every journal is charged. */
  void recovered() {
    if (phase.compareAndSet(Phase.RECONCILING, Phase.GLOBAL)) {
      failuresInARow.set(0);
      status.mode(Mode.GLOBAL);
    }
  }

  static String describe(Throwable cause) {
    if (RedisBucketStore.isTimeout(cause)) {
      return "Redis round trip timed out";
    }
    if (RedisBucketStore.isCutOff(cause)) {
      return "Redis connection closed during a round trip";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }
}
