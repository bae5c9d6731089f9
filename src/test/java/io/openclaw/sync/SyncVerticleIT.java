package io.openclaw.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.http.TestClient;
import io.openclaw.http.TestPorts;
import io.openclaw.metrics.Scrape;
import io.openclaw.node.OpenClawNode;
import io.openclaw.store.RedisScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sync watch of a real node against the test Redis Cluster: scripts, replication lag, /health, gauges. */
class SyncVerticleIT {
  private static final long WAIT_MILLIS = 20_000;
  private static Vertx vertx;
  private static OpenClawNode node;
  private static TestClient client;
  private static List<String> masters;
  /** Whether each master had the scripts right after start, before any test flushed them. */
  private static final Map<String, Boolean> LOADED_AT_START = new java.util.TreeMap<>();

  @BeforeAll
  static void startNode() throws Exception {
    vertx = Vertx.vertx();
    masters = TestRedis.topology(vertx).masterAddresses();
    flushScripts();
    node = start("""
        region: sync-it
        node: sync-it-node
        http: {host: 127.0.0.1, port: 0}
        sync: {enabled: true, cluster_nodes: %s, heartbeat_interval_ms: 200}
        failover: {grace_window_seconds: 1}
        cluster: {shards: 2}
        """.formatted(TestRedis.yamlList()));
    client = new TestClient(node.httpPort());
    for (String master : masters) {
      LOADED_AT_START.put(master, scriptsLoadedOn(master));
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static OpenClawNode start(String yaml) throws Exception {
    return OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Leaves no script on any master, so that what a test finds loaded was loaded by the node. */
  private static void flushScripts() throws Exception {
    for (String master : masters) {
      TestRedis.send(vertx, master, Request.cmd(Command.SCRIPT).arg("FLUSH"));
    }
  }

  /**
   * Flushes the scripts of one master and counts the node's scripts still there, in one transaction: the node's
   * watch cannot load them again in between.
   */
  private static long flushAndCount(String master) throws Exception {
    Request exists = Request.cmd(Command.SCRIPT).arg("EXISTS");
    ScriptKeeper.SCRIPTS.forEach(script -> exists.arg(script.sha()));
    Response exec = TestRedis.sendAll(vertx, master, List.of(Request.cmd(Command.MULTI),
        Request.cmd(Command.SCRIPT).arg("FLUSH"), exists, Request.cmd(Command.EXEC)));
    Response counts = exec.get(1);
    return counts.get(0).toLong() + counts.get(1).toLong();
  }

  private static boolean scriptsLoadedOn(String master) throws Exception {
    Request exists = Request.cmd(Command.SCRIPT).arg("EXISTS");
    ScriptKeeper.SCRIPTS.forEach(script -> exists.arg(script.sha()));
    Response reply = TestRedis.send(vertx, master, exists);
    return reply.get(0).toInteger() == 1 && reply.get(1).toInteger() == 1;
  }

  private static JsonObject healthUntil(TestClient of, Predicate<JsonObject> wanted) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    JsonObject health = TestClient.json(of.send(of.request("/health").GET().build()));
    while (!wanted.test(health) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      health = TestClient.json(of.send(of.request("/health").GET().build()));
    }
    return health;
  }

  private static boolean lagForEveryMaster(JsonObject health) {
    return health.getJsonObject("replication_lag_ms").fieldNames().containsAll(masters);
  }

  @Test
  void scriptsArePresentOnEveryMasterOnceTheNodeHasStarted() throws Exception {
    assertThat(masters).hasSize(3);
    assertThat(LOADED_AT_START).hasSize(3).allSatisfy((master, loaded) -> assertThat(loaded).as(master).isTrue());
  }

  @Test
  void scriptsComeBackAfterAFlushOfEveryMaster() throws Exception {
    for (String master : masters) {
      assertThat(flushAndCount(master)).as("scripts left on %s right after the flush", master).isZero();
    }

    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!allLoaded() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }

    assertThat(allLoaded()).as("scripts reloaded on every master within %d ms", WAIT_MILLIS).isTrue();
    healthUntil(client, health -> "global".equals(health.getString("mode")));
    JsonObject decided = TestClient.json(client.rate("sync-it-" + java.util.UUID.randomUUID(), 1, "default"));
    assertThat(decided.getString("mode")).isEqualTo("global");
    assertThat(decided.getLong("remaining_tokens")).isEqualTo(9999);
  }

  private static boolean allLoaded() throws Exception {
    for (String master : masters) {
      if (!scriptsLoadedOn(master)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void promotedReplicaGetsTheScriptsAndItsOwnLagEntry() throws Exception {
    ClusterTopology.Master first = TestRedis.topology(vertx).masters().get(0);
    String replica = first.replicas().get(0);
    TestRedis.send(vertx, replica, Request.cmd(Command.SCRIPT).arg("FLUSH"));
    assertThat(scriptsLoadedOn(replica)).as("scripts on %s before its promotion", replica).isFalse();
    try {
      promote(replica, false);

      JsonObject health = healthUntil(client, h -> lagShownFor(h, replica) && !lagShownFor(h, first.address()));

      assertThat(health.getJsonObject("replication_lag_ms").getLong(replica)).isBetween(0L, 1000L);
      assertThat(scriptsLoadedOn(replica)).isTrue();
    } finally {
      promote(first.address(), true);
    }
    JsonObject restored = healthUntil(client, h -> lagShownFor(h, first.address()) && !lagShownFor(h, replica));
    assertThat(restored.getJsonObject("replication_lag_ms").getLong(first.address())).isBetween(0L, 1000L);
  }

  /**
   * A manual failover: the replica at {@code address} takes over its master's slots. It is asked once its
   * replication link is up (a master demoted a moment ago is still syncing, and would refuse), and once more
   * if the first attempt timed out. {@code takeover} skips the election, which the masters refuse for twice
   * the node timeout after they voted for a failover of the same slots: the way back to the first topology.
   */
  private static void promote(String address, boolean takeover) throws Exception {
    for (int attempt = 0; attempt < 2 && !isMaster(address); attempt++) {
      await(() -> TestRedis.send(vertx, address, Request.cmd(Command.INFO).arg("replication")).toString()
          .contains("master_link_status:up"));
      Request failover = Request.cmd(Command.CLUSTER).arg("FAILOVER");
      TestRedis.send(vertx, address, takeover ? failover.arg("TAKEOVER") : failover);
      await(() -> isMaster(address));
    }
    assertThat(isMaster(address)).as("%s promoted", address).isTrue();
  }

  private static boolean isMaster(String address) throws Exception {
    return TestRedis.topology(vertx).masterAddresses().contains(address);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS / 2;
    while (!condition.holds() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  /** Whether /health shows a lag for {@code master} that a replica that is up to date would give. */
  private static boolean lagShownFor(JsonObject health, String master) {
    Long lag = health.getJsonObject("replication_lag_ms").getLong(master);
    return lag != null && lag < 1000;
  }

  @Test
  void healthShowsRedisReachableClusterOkAndASmallLagPerMaster() throws Exception {
    JsonObject health = healthUntil(client, SyncVerticleIT::lagForEveryMaster);

    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getJsonObject("redis").getBoolean("reachable")).isTrue();
    assertThat(health.getJsonObject("redis").getString("cluster_state")).isEqualTo("ok");
    JsonObject lag = health.getJsonObject("replication_lag_ms");
    assertThat(lag.fieldNames()).containsExactlyInAnyOrderElementsOf(masters);
    for (String master : masters) {
      assertThat(lag.getLong(master)).as("lag of %s", master).isBetween(0L, 1000L);
    }
    JsonObject check = redisCheck(health);
    assertThat(check.getString("status")).isEqualTo("UP");
    assertThat(check.getJsonObject("data").getString("cluster_state")).isEqualTo("ok");
    assertThat(check.getJsonObject("data").getJsonObject("replication_lag_ms").fieldNames())
        .containsExactlyInAnyOrderElementsOf(masters);
  }

  private static JsonObject redisCheck(JsonObject health) {
    JsonArray checks = health.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if ("redis".equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no redis check in " + health.encode());
  }

  @Test
  void lagGaugeHasOneSeriesPerMaster() throws Exception {
    healthUntil(client, SyncVerticleIT::lagForEveryMaster);

    Scrape scrape = Scrape.parse(client.send(client.request("/metrics").GET().build()).body());

    for (String master : masters) {
      assertThat(scrape.value("openclaw_replication_lag_seconds", Map.of("master", master)))
          .as("lag gauge of %s", master).isBetween(0.0, 1.0);
    }
    assertThat(scrape.find("openclaw_replication_lag_seconds", Map.of())).hasSize(masters.size());
  }

  @Test
  void nodeStartsAndReportsRedisUnreachableWhenNoNodeAnswers() throws Exception {
    OpenClawNode lonely = start("""
        region: sync-it-lonely
        node: lonely
        http: {host: 127.0.0.1, port: 0}
        sync: {enabled: true, cluster_nodes: [127.0.0.1:%d], heartbeat_interval_ms: 200}
        cluster: {shards: 1}
        """.formatted(TestPorts.free()));
    try {
      TestClient lonelyClient = new TestClient(lonely.httpPort());
      JsonObject health = healthUntil(lonelyClient, h -> h.getJsonObject("redis").getString("last_error") != null);

      assertThat(health.getJsonObject("redis").getBoolean("reachable")).isFalse();
      assertThat(health.getJsonObject("redis").getString("cluster_state")).isEqualTo("unknown");
      assertThat(health.getJsonObject("replication_lag_ms")).isEmpty();
      assertThat(redisCheck(health).getString("status")).isEqualTo("UP");
    } finally {
      lonely.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
