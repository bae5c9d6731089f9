package io.openclaw.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.cluster.RegionFixture;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.TestClient;
import io.openclaw.node.OpenClawNode;
import io.openclaw.store.BucketKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A region's node grants tokens locally while Redis is down, then a second node joins the region and takes about
 * half of the shards over before Redis comes back. The first node no longer owns those shards, yet it charges what
 * they granted when it reconciles: every bucket ends at exactly its capacity less every grant. Uses its own Redis
 * Cluster ({@link OwnRedisCluster}), stopped and started again; buckets never refill.
 */
class ShardMoveWhileLocalIT {
  private static final int SHARDS = 16;
  private static final long CAPACITY = 1_000;
  private static final long GLOBAL_GRANT = 1;
  private static final long LOCAL_GRANT = 3;
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final int FIRST_HAZELCAST_PORT = 5951;
  private static final int LAST_HAZELCAST_PORT = 5970;

  private final String region = "sm-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final String keyPrefix = region + ":tb";
  private final List<OpenClawNode> nodes = new ArrayList<>();
  private OwnRedisCluster redis;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      List<Future<?>> stops = new ArrayList<>();
      nodes.forEach(node -> stops.add(node.stop()));
      await(Future.join(new ArrayList<>(stops)), 60);
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  @Test
  void grantsOfShardsThatMovedAwayWhileLocalAreChargedByTheNodeTheyLeft() throws Exception {
    redis = new OwnRedisCluster();
    redis.start();
    List<Integer> ports = freeHazelcastPorts();
    OpenClawNode first = start("sm-a", ports.get(0), ports);
    TestClient client = new TestClient(first.httpPort());
    RegionFixture.eventually(WAIT, () -> first.status().shardsOwned() == SHARDS);
    List<String> clients = new ArrayList<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      clients.add(clientOfShard(shard));
    }
    for (String clientId : clients) {
      assertThat(mode(client.rate(clientId, GLOBAL_GRANT, "default"))).isEqualTo("global");
    }

    redis.stop();
    RegionFixture.eventually(WAIT, () -> {
      client.rate("outage-probe", 0, "default");  // round trips that fail are what switch the node to local
      return "local".equals(health(client).getString("mode"));
    });
    for (String clientId : clients) {
      assertThat(mode(client.rate(clientId, LOCAL_GRANT, "default"))).isEqualTo("local");
    }

    OpenClawNode second = start("sm-b", ports.get(1), ports);
    RegionFixture.eventually(WAIT, () -> second.status().shardsOwned() > 0
        && first.status().shardsOwned() + second.status().shardsOwned() == SHARDS);
    int moved = second.status().shardsOwned();

    redis.start();
    RegionFixture.eventually(WAIT, () -> "global".equals(health(client).getString("mode")));
    for (String clientId : clients) {
      assertThat(redis.level(redisKey(clientId)))
          .as("bucket of %s: capacity less the global and the local grant (%d shards moved)", clientId, moved)
          .isEqualTo((CAPACITY - GLOBAL_GRANT - LOCAL_GRANT) * BucketPolicy.MICROS_PER_TOKEN);
    }
  }

  private OpenClawNode start(String name, int hazelcastPort, List<Integer> ports) throws Exception {
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: " + region,
        "node: " + name,
        "http: {host: 127.0.0.1, port: 0, event_loops: 2}",
        "sync: {enabled: true, cluster_nodes: " + redis.seedsYaml() + ", timeout_ms: 2000, failure_threshold: 3,"
            + " heartbeat_interval_ms: 60000}",
        "bucket: {capacity: " + CAPACITY + ", refill_rate: 0, burst_grace_ratio: 0, key_prefix: '" + keyPrefix + "'}",
        "failover: {grace_window_seconds: 2, local_capacity_ratio: 0.5, retry_after_seconds: 1}",
        "cluster: {enabled: true, shards: " + SHARDS + ", port: " + hazelcastPort + ", members: "
            + ports.stream().map(port -> "'127.0.0.1:" + port + "'").toList() + "}",
        "metrics: {enabled: false}",
        ""));
    OpenClawNode node = await(OpenClawNode.start(config), 60);
    nodes.add(node);
    return node;
  }

  private static String mode(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return TestClient.json(answer).getString("mode");
  }

  private static JsonObject health(TestClient client) {
    return TestClient.json(client.send(client.request("/health").GET().build()));
  }

  private static String clientOfShard(int shard) {
    for (int i = 0; ; i++) {
      if (new BucketKey("default", "moving-" + i).shard(SHARDS) == shard) {
        return "moving-" + i;
      }
    }
  }

  private String redisKey(String clientId) {
    return new BucketKey("default", clientId).redisKey(keyPrefix);
  }

  private static List<Integer> freeHazelcastPorts() {
    return RegionFixture.freePorts(FIRST_HAZELCAST_PORT, LAST_HAZELCAST_PORT, 2);
  }


  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
