package io.openclaw.sync;

import io.openclaw.config.OpenClawConfig;
import io.openclaw.failover.FailoverState;
import io.openclaw.http.HealthReporter;
import io.openclaw.metrics.Metrics;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.SyncObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Redis Cluster for a node in global mode. Every {@code sync.heartbeat_interval_ms} one round: read
 * the topology ({@code CLUSTER NODES} and {@code CLUSTER INFO}) from a seed over a long-lived connection, make
 * sure every master has the Lua scripts (a promoted replica or a flushed master has none), and measure each
 * master's replication lag with a heartbeat (see {@link HeartbeatProbe}). The result is published as the
 * immutable {@link NodeStatus.Redis} snapshot that /health and the lag gauges read.
 *
 * <p>NOTE: the mode follows the bucket stores' own round trips (see {@link FailoverState}), so a slow or failed
 * heartbeat never moves a node to local mode. The one exception is a cluster of which no node answers at all for
 * {@code sync.failure_threshold} rounds in a row: then the watch trips failover itself, so a node that serves no
 * requests does not go on reporting global mode through a whole outage.
 */
public final class SyncVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SyncVerticle.class);
  static final String UNKNOWN_STATE = "unknown";
  /**
   * Lag over the limit is logged only after this many rounds in a row: the measurement includes this node's
   * own scheduling delays, and one late timer on a busy machine is not a lagging replica.
   */
  static final int LAG_ROUNDS_BEFORE_WARNING = 3;
  /** Start-up waits this long at most for the first round, so the scripts are loaded before traffic comes. */
  static final long FIRST_ROUND_WAIT_MILLIS = 3000;

  private final OpenClawConfig config;
  private final NodeStatus status;
  private final FailoverState failover;
  private final Metrics metrics;
  private final HealthReporter health;
  private NodeConnections nodes;
  private ScriptKeeper scripts;
  private HeartbeatProbe heartbeat;
  private long timer = -1;
  private boolean roundRunning;
  private boolean troubleLogged;
  private int unreachableRounds;
  private int lagOverRounds;
  private String topologySource;
  private final Set<String> knownNodes = new LinkedHashSet<>();
  private List<String> masters = List.of();

  /** What one round learned. */
  private record Observed(ClusterTopology topology, String clusterState) {
  }

  public SyncVerticle(OpenClawConfig config, NodeStatus status, FailoverState failover, Metrics metrics,
      HealthReporter health) {
    this.config = config;
    this.status = status;
    this.failover = failover;
    this.metrics = metrics;
    this.health = health;
  }

  /** How long one Redis request of the watch may take: generous, the watch is not on the request path. */
  long requestTimeoutMillis() {
    return Math.max(1000, 4 * config.sync().timeoutMillis());
  }

  /** How long a replica may take to show a heartbeat before it counts as lagging by at least that much. */
  long lagLimitMillis() {
    return Math.max(1000, 10 * config.sync().replicationLagMaxMillis());
  }

  @Override
  public Future<?> start() {
    nodes = new NodeConnections(vertx, requestTimeoutMillis());
    scripts = new ScriptKeeper(nodes);
    heartbeat = new HeartbeatProbe(vertx, nodes, config.region() + ":" + config.node(), lagLimitMillis());
    failover.alsoObserve(latencyObserver());
    health.registerRedisCheck();
    status.redis(new NodeStatus.Redis(true, false, UNKNOWN_STATE, Map.of(), null));
    timer = vertx.setPeriodic(config.sync().heartbeatIntervalMillis(), id -> tick());
    Promise<Void> firstRound = Promise.promise();
    round().onComplete(done -> firstRound.tryComplete());
    vertx.setTimer(FIRST_ROUND_WAIT_MILLIS, id -> firstRound.tryComplete());
    return firstRound.future();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return nodes.closeAll();
  }

  /** Times the stores' Redis round trips as sync_latency_seconds. Called on the stores' event loops. */
  private SyncObserver latencyObserver() {
    return new SyncObserver() {
      @Override
      public void succeeded(long nanos) {
        metrics.recordSyncLatency(nanos);
      }

      @Override
      public void failed(Throwable cause) {
        LOG.debug("Redis round trip failed: {}", cause.toString());
      }
    };
  }

  private void tick() {
    if (!roundRunning) {
      round();
    }
  }

  /** One round; always succeeds, what went wrong is in the published snapshot. */
  Future<Void> round() {
    roundRunning = true;
    return observe()
        .compose(this::maintain)
        .recover(this::unreachable)
        .eventually(() -> {
          roundRunning = false;
          return Future.succeededFuture();
        });
  }

  private Future<Observed> observe() {
    List<String> candidates = new ArrayList<>();
    if (topologySource != null) {
      candidates.add(topologySource);
    }
    candidates.addAll(config.sync().clusterNodes());
    candidates.addAll(knownNodes);
    return observeFrom(new ArrayList<>(new LinkedHashSet<>(candidates)), 0, null);
  }

  /** Asks the candidates in turn until one answers; fails with the last failure when none does. */
  private Future<Observed> observeFrom(List<String> candidates, int index, Throwable last) {
    if (index >= candidates.size()) {
      return Future.failedFuture(last);
    }
    String source = candidates.get(index);
    return nodes.send(source, false, Request.cmd(Command.CLUSTER).arg("NODES"))
        .compose(text -> nodes.send(source, false, Request.cmd(Command.CLUSTER).arg("INFO"))
            .map(info -> new Observed(ClusterTopology.parse(text.toString()), clusterState(info.toString()))))
        .onSuccess(observed -> topologySource = source)
        .recover(e -> observeFrom(candidates, index + 1, e));
  }

  static String clusterState(String clusterInfo) {
    for (String line : clusterInfo.split("\n")) {
      if (line.startsWith("cluster_state:")) {
        return line.substring("cluster_state:".length()).strip();
      }
    }
    return UNKNOWN_STATE;
  }

  /** Loads scripts where missing and measures the lag, then publishes what was seen. */
  private Future<Void> maintain(Observed observed) {
    ClusterTopology topology = observed.topology();
    noteMasters(topology);
    Map<String, Long> lags = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    Future<Void> loaded = scripts.ensureLoaded(topology.masterAddresses())
        .onFailure(e -> errors.add("script load: " + describe(e)));
    List<Future<Long>> measured = new ArrayList<>();
    for (ClusterTopology.Master master : topology.masters()) {
      measured.add(heartbeat.measure(master)
          .onSuccess(lag -> record(lags, master.address(), lag))
          .onFailure(e -> errors.add("heartbeat on " + master.address() + ": " + describe(e))));
    }
    List<Future<?>> all = new ArrayList<>(measured);
    all.add(loaded);
    return Future.join(all).otherwiseEmpty().map(v -> {
      publish(observed.clusterState(), lags, errors);
      return null;
    });
  }

  private static void record(Map<String, Long> lags, String master, long lagMillis) {
    if (lagMillis >= 0) {
      lags.put(master, lagMillis);
    }
  }

  private void noteMasters(ClusterTopology topology) {
    List<String> now = topology.masterAddresses();
    if (!now.equals(masters)) {
      LOG.info("Redis Cluster masters: {} (before: {})", now, masters.isEmpty() ? "none known" : masters);
      masters = now;
    }
    knownNodes.clear();
    for (ClusterTopology.Master master : topology.masters()) {
      knownNodes.add(master.address());
      knownNodes.addAll(master.replicas());
    }
    List<String> keep = new ArrayList<>(knownNodes);
    keep.add(topologySource);
    nodes.retainOnly(keep);
  }

  private void publish(String clusterState, Map<String, Long> lags, List<String> errors) {
    unreachableRounds = 0;
    String lastError = errors.isEmpty() ? null : errors.get(0);
    status.redis(new NodeStatus.Redis(true, true, clusterState, Map.copyOf(lags), lastError));
    List<String> over = ReplicationLag.overLimit(lags, config.sync().replicationLagMaxMillis());
    lagOverRounds = over.isEmpty() ? 0 : lagOverRounds + 1;
    if (lastError != null || !"ok".equals(clusterState)) {
      trouble("Redis Cluster answers but is not all well, watching on: cluster_state={} error={}",
          clusterState, lastError);
    } else if (lagOverRounds >= LAG_ROUNDS_BEFORE_WARNING) {
      trouble("Redis replication lag over the limit, watching on: masters={} lag_ms={} limit_ms={}",
          over, lags, config.sync().replicationLagMaxMillis());
    } else if (troubleLogged && over.isEmpty()) {
      troubleLogged = false;
      LOG.info("Redis Cluster is well again: cluster_state={} replication_lag_ms={}", clusterState, lags);
    }
  }

  private Future<Void> unreachable(Throwable failure) {
    String cause = describe(failure);
    status.redis(new NodeStatus.Redis(true, false, UNKNOWN_STATE, Map.of(), cause));
    trouble("Redis Cluster not reachable from the sync watch, trying again every {} ms: nodes={} cause={}",
        config.sync().heartbeatIntervalMillis(), config.sync().clusterNodes(), cause);
    if (++unreachableRounds >= config.sync().failureThreshold()) {
      failover.trip("no node of Redis Cluster answered the sync watch " + unreachableRounds + " times in a row: "
          + cause);
    }
    return Future.succeededFuture();
  }

  /** A repeating problem logs once at WARN, then at DEBUG until the cluster is well again. */
  private void trouble(String message, Object... facts) {
    if (troubleLogged) {
      LOG.debug(message, facts);
    } else {
      troubleLogged = true;
      LOG.warn(message, facts);
    }
  }

  static String describe(Throwable failure) {
    if (failure == null) {
      return "no node to ask";
    }
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }
}
