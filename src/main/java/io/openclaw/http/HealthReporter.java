package io.openclaw.http;

import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /health}: the node's facts (mode, region, node, Redis, replication lag, shards) on top of the
 * health-check procedures. A node deciding locally is {@code DEGRADED} and still answers 200, since it
 * keeps limiting; only a failed procedure makes it {@code DOWN} with 503.
 */
public final class HealthReporter {
  private final OpenClawConfig config;
  private final NodeStatus status;
  private final HealthChecks checks;

  public HealthReporter(Vertx vertx, OpenClawConfig config, NodeStatus status) {
    this.config = config;
    this.status = status;
    this.checks = HealthChecks.create(vertx);
    checks.register("shards", promise -> promise.complete(shardStatus()));
  }

  /** Further procedures, e.g. the Redis reachability check of the sync verticle. */
  public HealthChecks checks() {
    return checks;
  }

  /**
   * The {@code redis} procedure: what the sync watch last saw of Redis Cluster (reachable, cluster state,
   * replication lag per master and which masters are over {@code sync.replication_lag_max_ms}).
   *
   * <p>NOTE: it always reports UP. Redis trouble does not stop the node from limiting: an unreachable cluster
   * shows as mode {@code local} (status DEGRADED, still 200), and replication lag over the limit is a fact in
   * the data and in {@code replication_lag_over_limit}, for alerts, not a reason to take the node out of a
   * load balancer (its answers come from the masters, which lag does not touch).
   */
  public void registerRedisCheck() {
    checks.register("redis", promise -> promise.complete(Status.OK(redisData())));
  }

  private JsonObject redisData() {
    NodeStatus.Redis redis = status.redis();
    return new JsonObject()
        .put("reachable", redis.reachable())
        .put("cluster_state", redis.clusterState())
        .put("replication_lag_ms", lagJson(redis))
        .put("replication_lag_max_ms", config.sync().replicationLagMaxMillis())
        .put("replication_lag_over_limit", new JsonArray(lagOverLimit(redis)))
        .put("last_error", redis.lastError());
  }

  private static JsonObject lagJson(NodeStatus.Redis redis) {
    JsonObject lag = new JsonObject();
    new TreeMap<>(redis.replicationLagMillis()).forEach(lag::put);
    return lag;
  }

  private List<String> lagOverLimit(NodeStatus.Redis redis) {
    long max = config.sync().replicationLagMaxMillis();
    return redis.replicationLagMillis().entrySet().stream().filter(e -> e.getValue() > max)
        .map(Map.Entry::getKey).sorted().toList();
  }

  private Status shardStatus() {
    int owned = status.shardsOwned();
    JsonObject data = new JsonObject()
        .put("owned", owned)
        .put("total", config.cluster().shards())
        .put("shards", new JsonArray(status.ownedShards()));
    return config.cluster().enabled() || owned == config.cluster().shards() ? Status.OK(data) : Status.KO(data);
  }

  public void handle(RoutingContext ctx) {
    checks.checkStatus().onComplete(result -> {
      JsonObject body = facts();
      boolean up = result.succeeded() && CheckResult.isUp(result.result());
      String state = !up ? "DOWN" : status.mode() == Mode.LOCAL ? "DEGRADED" : "UP";
      body.put("status", state);
      if (result.succeeded()) {
        JsonArray procedures = new JsonArray();
        for (CheckResult check : result.result().getChecks()) {
          procedures.add(check.toJson());
        }
        body.put("checks", procedures);
      }
      Buffer encoded = body.toBuffer();
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      if (ctx.request().method() == HttpMethod.HEAD) {
        // the same head as GET, without the body: Vert.x would otherwise send it after the head
        ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(encoded.length())).end();
      } else {
        ctx.response().end(encoded);
      }
    });
  }

  private JsonObject facts() {
    NodeStatus.Redis redis = status.redis();
    return new JsonObject()
        .put("status", "UP")
        .put("mode", status.mode().label())
        .put("region", config.region())
        .put("node", config.node())
        .put("shards_owned", status.shardsOwned())
        .put("shards_total", config.cluster().shards())
        .put("redis", new JsonObject()
            .put("enabled", redis.enabled())
            .put("reachable", redis.reachable())
            .put("cluster_state", redis.clusterState())
            .put("last_error", redis.lastError()))
        .put("replication_lag_ms", lagJson(redis))
        .put("replication_lag_max_ms", config.sync().replicationLagMaxMillis())
        .put("replication_lag_over_limit", new JsonArray(lagOverLimit(redis)));
  }
}
