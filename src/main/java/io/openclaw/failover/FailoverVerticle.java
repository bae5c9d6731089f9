package io.openclaw.failover;

import io.openclaw.config.OpenClawConfig;
import io.openclaw.metrics.Metrics;
import io.openclaw.node.Addresses;
import io.openclaw.store.RedisBucketStore;
import io.openclaw.sync.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's mode machine: GLOBAL -> LOCAL -> RECONCILING -> GLOBAL.
 *
 * <p>A shard's store trips LOCAL when Redis is out of reach (see {@link FailoverState}); this verticle then
 * logs one WARN line, counts the failure and publishes one {@code sync_failure} event on the clustered bus.
 * When {@code failover.grace_window_seconds} have passed it probes Redis Cluster (a fresh connection to every
 * node of the slot map and {@code cluster_state:ok}). If the probe fails the node stays LOCAL for another
 * window. If it answers, the node goes RECONCILING: every shard of this node charges its journal to the
 * global buckets, holding its own requests meanwhile, and so does the {@link JournalKeeper} with the journals of
 * shards that left the node while it was local; only when every one of them has confirmed does the node
 * return to GLOBAL and publish {@code sync_recovered}. A shard whose charge failed keeps its journal and the
 * node goes back to LOCAL for another window; charges carry batch ids, so what was applied is not applied
 * again.
 */
public final class FailoverVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverVerticle.class);

  private final OpenClawConfig config;
  private final FailoverState state;
  private final Metrics metrics;
  private long outageStartMillis;
  private String outageCause;
  private int failedProbes;
  private long windowTimer = -1;

  public FailoverVerticle(OpenClawConfig config, FailoverState state, Metrics metrics) {
    this.config = config;
    this.state = state;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    state.onTrip(cause -> context.runOnContext(v -> enterLocal(cause)));
    probeAtStart(1);
    return Future.succeededFuture();
  }

  /**
   * The first look at Redis. A cold connection to every node on a busy host can be slow, so a probe that only
   * timed out is tried again, up to {@code sync.failure_threshold} times in all, as a slow round trip would be;
   * anything else (a refused connection, a cluster that is not ok) starts the node in LOCAL at once.
   */
  private void probeAtStart(int attempt) {
    probe().onFailure(e -> {
      if (RedisBucketStore.isTimeout(e) && attempt < config.sync().failureThreshold()) {
        LOG.debug("Start-up probe of Redis Cluster timed out, trying again: attempt={}", attempt);
        probeAtStart(attempt + 1);
      } else {
        state.trip("Redis Cluster not reachable at start-up: " + FailoverState.describe(e));
      }
    });
  }

  @Override
  public Future<?> stop() {
    state.onTrip(cause -> { });
    vertx.cancelTimer(windowTimer);
    return Future.succeededFuture();
  }

  private void enterLocal(String cause) {
    outageStartMillis = System.currentTimeMillis();
    outageCause = cause;
    failedProbes = 0;
    long window = config.failover().graceWindowSeconds();
    LOG.warn("Redis unreachable, deciding locally for {} s with {} of each bucket: region={} node={} cause={}",
        window, config.failover().localCapacityRatio().toPlainString(), config.region(), config.node(), cause);
    metrics.syncFailure();
    vertx.eventBus().publish(Addresses.SYNC_FAILURE, new JsonObject()
        .put("event", "sync_failure")
        .put("region", config.region())
        .put("node", config.node())
        .put("cause", cause)
        .put("detected_at", Instant.ofEpochMilli(outageStartMillis).toString())
        .put("grace_window_seconds", window)
        .put("local_capacity_ratio", config.failover().localCapacityRatio().doubleValue()));
    scheduleWindow();
  }

  private void scheduleWindow() {
    windowTimer = vertx.setTimer(config.failover().graceWindowSeconds() * 1000, id -> windowOver());
  }

  private void windowOver() {
    probe()
        .onSuccess(v -> reconcile())
        .onFailure(this::stayLocal);
  }

  private void stayLocal(Throwable cause) {
    failedProbes++;
    String message = "Redis still unreachable, deciding locally for another {} s: cause={}";
    if (failedProbes == 1) {
      LOG.warn(message, config.failover().graceWindowSeconds(), FailoverState.describe(cause));
    } else {
      LOG.debug(message, config.failover().graceWindowSeconds(), FailoverState.describe(cause));
    }
    scheduleWindow();
  }

  /** Succeeds when every node of the cluster's slot map accepts a connection and the cluster state is ok. */
  Future<Void> probe() {
    Redis client = RedisClients.cluster(vertx, config.sync());
    long timeout = Math.max(1000, 4 * config.sync().timeoutMillis());
    return client.connect()
        .compose(conn -> clusterState(conn).eventually(conn::close))
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .eventually(client::close);
  }

  private static Future<Void> clusterState(RedisConnection conn) {
    return conn.send(Request.cmd(Command.CLUSTER).arg("INFO")).compose(info -> {
      String text = info.toString();
      return text.contains("cluster_state:ok")
          ? Future.succeededFuture()
          : Future.failedFuture("cluster_state is not ok");
    });
  }

  private void reconcile() {
    if (!state.startReconciling()) {
      return;
    }
    LOG.info("Redis reachable again, charging locally granted tokens to the global buckets: region={} node={}",
        config.region(), config.node());
    List<Future<JsonObject>> shards = new ArrayList<>();
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(Math.max(2000, 8 * config.sync().timeoutMillis()));
    for (int shard = 0; shard < config.cluster().shards(); shard++) {
      shards.add(vertx.eventBus().<JsonObject>request(Addresses.reconcile(shard), null, delivery)
          .map(reply -> reply.body())
          .recover(FailoverVerticle::notOnThisNode));
    }
    shards.add(vertx.eventBus().<JsonObject>request(Addresses.RECONCILE_HANDED_OVER, null, delivery)
        .map(reply -> reply.body())
        .recover(FailoverVerticle::notOnThisNode));
    Future.join(shards).onComplete(done -> finishReconcile(shards));
  }

  private static Future<JsonObject> notOnThisNode(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return Future.succeededFuture(new JsonObject());
    }
    return Future.failedFuture(failure);
  }

  private void finishReconcile(List<Future<JsonObject>> shards) {
    long buckets = 0;
    long granted = 0;
    long charged = 0;
    Throwable failure = null;
    for (Future<JsonObject> shard : shards) {
      if (shard.failed()) {
        failure = shard.cause();
        continue;
      }
      buckets += shard.result().getLong("buckets", 0L);
      granted += shard.result().getLong("granted_tokens", 0L);
      charged += shard.result().getLong("charged_tokens", 0L);
    }
    if (failure != null) {
      state.reconcileFailed();
      LOG.warn("Could not charge every journal, deciding locally for another {} s: cause={}",
          config.failover().graceWindowSeconds(), FailoverState.describe(failure));
      scheduleWindow();
      return;
    }
    state.recovered();
    long outageMillis = System.currentTimeMillis() - outageStartMillis;
    LOG.info("Back to global mode after {} ms: reconciled_buckets={} granted_tokens={} charged_tokens={}",
        outageMillis, buckets, granted, charged);
    vertx.eventBus().publish(Addresses.SYNC_RECOVERED, new JsonObject()
        .put("event", "sync_recovered")
        .put("region", config.region())
        .put("node", config.node())
        .put("cause", outageCause)
        .put("outage_ms", outageMillis)
        .put("reconciled_buckets", buckets)
        .put("granted_tokens", granted)
        .put("charged_tokens", charged)
        .put("recovered_at", Instant.now().toString()));
  }
}
