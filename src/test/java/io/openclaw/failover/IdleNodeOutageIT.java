package io.openclaw.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.cluster.RegionFixture;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.TestClient;
import io.openclaw.metrics.Scrape;
import io.openclaw.node.OpenClawNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that serves no requests still notices an outage: when no node of its Redis Cluster answers the sync
 * watch, it goes local on its own and says so in /health and the mode gauge, then returns to global once the
 * cluster is back. Uses its own Redis Cluster ({@link OwnRedisCluster}), stopped and started again.
 */
class IdleNodeOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private OwnRedisCluster redis;
  private OpenClawNode node;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (node != null) {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  @Test
  void anIdleNodeGoesLocalWhenNoRedisNodeAnswersAndComesBackByItself() throws Exception {
    redis = new OwnRedisCluster();
    redis.start();
    String region = "idle-it-" + UUID.randomUUID().toString().substring(0, 8);
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: " + region,
        "node: idle",
        "http: {host: 127.0.0.1, port: 0, event_loops: 1}",
        "sync: {enabled: true, cluster_nodes: " + redis.seedsYaml() + ", timeout_ms: 2000, failure_threshold: 3,"
            + " heartbeat_interval_ms: 200}",
        "bucket: {key_prefix: '" + region + ":tb'}",
        "failover: {grace_window_seconds: 2}",
        "cluster: {shards: 2}",
        ""));
    node = OpenClawNode.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    TestClient client = new TestClient(node.httpPort());
    RegionFixture.eventually(WAIT, () -> health(client).getJsonObject("redis").getBoolean("reachable"));
    assertThat(health(client).getString("mode")).isEqualTo("global");

    redis.stop();
    RegionFixture.eventually(WAIT, () -> "local".equals(health(client).getString("mode")));

    JsonObject local = health(client);
    assertThat(local.getString("status")).isEqualTo("DEGRADED");
    assertThat(local.getJsonObject("redis").getBoolean("reachable")).isFalse();
    assertThat(syncMode(client)).as("openclaw_sync_mode, which the local-mode alert watches").isEqualTo(0);

    redis.start();
    RegionFixture.eventually(WAIT, () -> "global".equals(health(client).getString("mode")));
    assertThat(syncMode(client)).isEqualTo(1);
    assertThat(TestClient.json(client.rate("after-outage", 1, "default")).getString("mode")).isEqualTo("global");
  }

  private static JsonObject health(TestClient client) {
    return TestClient.json(client.send(client.request("/health").GET().build()));
  }

  private static double syncMode(TestClient client) {
    return Scrape.parse(client.send(client.request("/metrics").GET().build()).body())
        .value("openclaw_sync_mode", Map.of());
  }
}
