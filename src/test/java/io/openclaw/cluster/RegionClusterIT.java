package io.openclaw.cluster;

import static io.openclaw.cluster.RegionFixture.SHARDS;
import static io.openclaw.cluster.RegionFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.node.Addresses;
import io.openclaw.node.OpenClawNode;
import io.openclaw.store.BucketKey;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three clustered nodes of one region in this JVM, standalone store (sync disabled). The tests run in
 * order on the same region: ownership, a hot key, a node stopping, the node coming back, and events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionClusterIT {
  private static final Logger LOG = LoggerFactory.getLogger(RegionClusterIT.class);

  private RegionFixture region;
  private OpenClawNode nodeA;
  private OpenClawNode nodeB;
  private OpenClawNode nodeC;

  @BeforeAll
  void startRegion() throws Exception {
    region = new RegionFixture(4);
    nodeA = region.start(0);
    nodeB = region.start(1);
    nodeC = region.start(2);
  }

  @AfterAll
  void stopRegion() throws Exception {
    region.close();
  }

  @Test
  @Order(1)
  void everyShardHasExactlyOneConsumerInTheRegion() throws Exception {
    eventually(Duration.ofSeconds(10), region::ownershipSettled);

    int owned = nodeA.status().shardsOwned() + nodeB.status().shardsOwned() + nodeC.status().shardsOwned();
    assertThat(owned).isEqualTo(SHARDS);
    for (int shard = 0; shard < SHARDS; shard++) {
      assertThat(RegionFixture.consumersOf(nodeB, shard)).as("consumers of shard %d", shard).hasSize(1);
    }
  }

  @Test
  @Order(2)
  void aHotKeyHammeredThroughEveryNodeIsAdmittedAsOneBucketWould() throws Exception {
    List<OpenClawNode> nodes = List.of(nodeA, nodeB, nodeC);
    ExecutorService clients = Executors.newFixedThreadPool(12);
    List<Future<Integer>> answers = new ArrayList<>();

    for (int i = 0; i < 450; i++) {
      OpenClawNode node = nodes.get(i % nodes.size());
      answers.add(clients.submit(() -> region.rate(node, "hot", "hot-client")));
    }
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    for (Future<Integer> answer : answers) {
      statuses.merge(answer.get(30, TimeUnit.SECONDS), 1, Integer::sum);
    }
    clients.shutdown();

    assertThat(statuses).containsOnly(Map.entry(200, 300), Map.entry(429, 150));
  }

  @Test
  @Order(3)
  void survivorsTakeOverTheShardsOfAStoppedNodeWithinSeconds() throws Exception {
    SteadyLoad load = new SteadyLoad(region, List.of(nodeA, nodeB));
    load.start();

    region.stop(nodeC);
    Duration rebalance = eventually(Duration.ofSeconds(5), region::ownershipSettled);
    load.stop();

    LOG.info("Survivors owned every shard {} ms after the node stopped; answers during the move: {} {}",
        rebalance.toMillis(), load.statuses(), load.unavailable());
    assertThat(load.failures()).as("requests that got no HTTP answer").isZero();
    assertThat(load.statuses().keySet()).isSubsetOf(Set.of(200, 429, 503));
    for (int shard = 0; shard < SHARDS; shard++) {
      assertThat(region.rate(nodeA, "default", clientOfShard(shard))).isEqualTo(200);
      assertThat(region.rate(nodeB, "default", clientOfShard(shard))).isEqualTo(200);
    }
  }

  @Test
  @Order(4)
  void aRestartedNodeTakesItsShareOfTheShardsBack() throws Exception {
    SteadyLoad load = new SteadyLoad(region, List.of(nodeA, nodeB));
    load.start();

    nodeC = region.start(3);
    eventually(Duration.ofSeconds(10), region::ownershipSettled);
    load.stop();

    LOG.info("Answers while shards moved to the restarted node: {} {}", load.statuses(), load.unavailable());
    assertThat(load.failures()).as("requests that got no HTTP answer").isZero();
    assertThat(load.statuses().keySet()).isSubsetOf(Set.of(200, 429, 503));

    List<String> members = nodeA.clusterManager().getNodes();
    Set<Integer> expected = new ShardOwnership(SHARDS).shardsOf(nodeC.clusterManager().getNodeId(), members);
    assertThat(members).hasSize(3);
    assertThat(nodeC.status().ownedShards()).containsExactlyElementsOf(expected);
    assertThat(nodeA.status().shardsOwned() + nodeB.status().shardsOwned() + nodeC.status().shardsOwned())
        .isEqualTo(SHARDS);
  }

  @Test
  @Order(5)
  void aSyncFailureEventPublishedOnOneNodeReachesEveryNode() throws Throwable {
    VertxTestContext test = new VertxTestContext();
    JsonObject event = new JsonObject().put("event", "sync_failure").put("region", region.region)
        .put("node", "a").put("cause", "connection refused").put("grace_window_seconds", 30);
    Set<String> reached = ConcurrentHashMap.newKeySet();
    for (OpenClawNode node : List.of(nodeA, nodeB, nodeC)) {
      node.vertx().eventBus().<JsonObject>consumer(Addresses.SYNC_FAILURE, message -> test.verify(() -> {
        assertThat(message.body()).isEqualTo(event);
        reached.add(node.config().node());
        if (reached.size() == 3) {
          test.completeNow();
        }
      })).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    long timer = nodeA.vertx().setPeriodic(0, 200, id -> nodeA.vertx().eventBus().publish(Addresses.SYNC_FAILURE,
        event));
    boolean completed = test.awaitCompletion(10, TimeUnit.SECONDS);
    nodeA.vertx().cancelTimer(timer);

    if (test.failed()) {
      throw test.causeOfFailure();
    }
    assertThat(completed).as("event reached %s", reached).isTrue();
  }

  private static String clientOfShard(int shard) {
    for (int i = 0; ; i++) {
      String clientId = "probe-" + i;
      if (new BucketKey("default", clientId).shard(SHARDS) == shard) {
        return clientId;
      }
    }
  }
}
