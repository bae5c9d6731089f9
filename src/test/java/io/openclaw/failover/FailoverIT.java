package io.openclaw.failover;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.openclaw.bucket.BucketPolicy;
import io.openclaw.cluster.HazelcastSettings;
import io.openclaw.cluster.RegionFixture;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.HttpErrors;
import io.openclaw.http.TestClient;
import io.openclaw.metrics.Scrape;
import io.openclaw.node.Addresses;
import io.openclaw.node.OpenClawNode;
import io.openclaw.store.BucketKey;
import io.openclaw.store.GlobalFixture;
import io.openclaw.store.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Failover against a real Redis Cluster that this class owns (see {@link OwnRedisCluster}): every node
 * stopped mid-traffic, the cluster restarted from its data, a charge whose reply timed out, a node started
 * while Redis is down, a master killed. The tests run in order and build on each other, as an outage does:
 * the load started in the first test runs through the restart of the second.
 *
 * <p>Node A is the node under test: clustered (Hazelcast) in a region of its own, with a plain clustered
 * Vert.x member beside it that listens for the failover events. Node B is a standalone node of another
 * region, started while Redis is down. Every bucket has {@code refill_rate: 0}, so every level is exact.
 *
 * <p>NOTE: both nodes run the sync watch only once a minute, so that a promoted or restarted master gets its
 * scripts from the bucket store's NOSCRIPT path, which these tests check, and not from the watch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  private static final long CAPACITY = 1_000_000;
  private static final long MICROS = BucketPolicy.MICROS_PER_TOKEN;
  private static final int SHARDS = 16;
  private static final int LOAD_THREADS = 4;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int FIRST_HAZELCAST_PORT = 5931;
  private static final int LAST_HAZELCAST_PORT = 5950;

  private static final String REGION = "fo-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String KEY_PREFIX = REGION + ":tb";
  private static final String STEADY = "steady-" + UUID.randomUUID().toString().substring(0, 8);

  private static final List<JsonObject> FAILURES = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> RECOVERIES = new CopyOnWriteArrayList<>();
  private static final CapturedLog LOG = new CapturedLog();
  private static final org.slf4j.Logger REPORT = LoggerFactory.getLogger(FailoverIT.class);

  private static OwnRedisCluster redis;
  private static Map<Integer, OwnRedisCluster.Node> nodesAtStart;
  private static Vertx listener;
  private static OpenClawNode nodeA;
  private static OpenClawNode nodeB;
  private static TestClient clientA;
  private static TestClient clientB;
  private static RecordedLoad steadyLoad;
  /** The steady bucket's level when Redis went away, read while no write could run. */
  private static long levelAtOutage;
  private static long grantedByB;

  @BeforeAll
  static void startClusterNodeAndListener() throws Exception {
    redis = new OwnRedisCluster();
    redis.start();
    nodesAtStart = redis.nodes(redis.basePort);
    LOG.attach(FailoverVerticle.class, io.openclaw.store.RedisBucketStore.class);

    List<Integer> hazelcastPorts = freeHazelcastPorts();
    listener = startListener(hazelcastPorts);
    nodeA = await(OpenClawNode.start(configA(hazelcastPorts)), 60);
    clientA = new TestClient(nodeA.httpPort());
    RegionFixture.eventually(WAIT, () -> nodeA.clusterManager().getNodes().size() == 2);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (steadyLoad != null) {
      steadyLoad.stop();
    }
    List<Future<?>> stops = new ArrayList<>();
    for (OpenClawNode node : new OpenClawNode[] {nodeA, nodeB}) {
      if (node != null) {
        stops.add(node.stop());
      }
    }
    if (listener != null) {
      stops.add(listener.close());
    }
    try {
      await(Future.join(new ArrayList<>(stops)), 60);
    } finally {
      LOG.detach();
      if (redis != null) {
        redis.close();
      }
    }
  }

  @Test
  @Order(1)
  void stoppingEveryRedisNodeMidTrafficFailsOnlyTheRequestsInFlight() throws Exception {
    assertEveryShardAnswersThroughA();
    steadyLoad = new RecordedLoad(clientA, "default", Collections.nCopies(LOAD_THREADS, STEADY));
    steadyLoad.start();
    RegionFixture.eventually(WAIT, () -> steadyLoad.everyThreadEndsWith('G', 50));

    levelAtOutage = freezeWritesAndReadLevel(redisKey(STEADY));
    redis.stop();
    Instant stoppedAt = Instant.now();
    RegionFixture.eventually(WAIT, () -> steadyLoad.everyThreadEndsWith('L', 20));

    long grantedGlobally = steadyLoad.count(answer -> answer.kind() == 'G' && answer.granted());
    assertThat(levelAtOutage).as("the level when Redis went away: capacity less the global grants")
        .isEqualTo((CAPACITY - grantedGlobally) * MICROS);
    assertOnlyInFlightRequestsFailed(steadyLoad, "^G+U?L+$");
    assertLocalAnswers(steadyLoad.all(), levelAtOutage / 2 / MICROS - 1);
    REPORT.info("Outage: granted_globally={} level_at_outage={} answers_503={} local_so_far={}", grantedGlobally,
        levelAtOutage, steadyLoad.count(answer -> answer.kind() == 'U'), steadyLoad.count(a -> a.kind() == 'L'));

    RegionFixture.eventually(WAIT, () -> !FAILURES.isEmpty());
    JsonObject event = FAILURES.get(0);
    REPORT.info("Received on the listener: {}", event.encode());
    assertThat(event.fieldNames()).contains("event", "region", "node", "cause", "detected_at",
        "grace_window_seconds");
    assertThat(event.getString("event")).isEqualTo("sync_failure");
    assertThat(event.getString("region")).isEqualTo(REGION);
    assertThat(event.getString("node")).isEqualTo("fo-a");
    assertThat(event.getString("cause")).isNotBlank();
    assertThat(Instant.parse(event.getString("detected_at"))).isBetween(stoppedAt.minusSeconds(5), Instant.now());
    assertThat(event.getLong("grace_window_seconds")).isEqualTo(2);
    assertThat(event.getDouble("local_capacity_ratio")).isEqualTo(0.5);

    JsonObject health = TestClient.json(clientA.send(clientA.request("/health").GET().build()));
    assertThat(health.getString("status")).isEqualTo("DEGRADED");
    assertThat(health.getString("mode")).isEqualTo("local");
    assertThat(metric(clientA, "openclaw_sync_mode")).isEqualTo(0);
    assertThat(metric(clientA, "openclaw_sync_failures_total")).isEqualTo(1);
    assertThat(FAILURES).as("one event per outage, not one per request").hasSize(1);
  }

  @Test
  @Order(2)
  void aNodeStartedWhileRedisIsDownComesUpLocalAtOnce() throws Exception {
    long startNanos = System.nanoTime();
    nodeB = await(OpenClawNode.start(configB()), 30);
    clientB = new TestClient(nodeB.httpPort());
    RegionFixture.eventually(WAIT, () -> "local".equals(health(clientB).getString("mode")));
    Duration upAndLocal = Duration.ofNanos(System.nanoTime() - startNanos);

    HttpResponse<String> answer = clientB.rate(STEADY, 7, "default");

    REPORT.info("Node B started while Redis was down and was local after {} ms", upAndLocal.toMillis());
    assertThat(upAndLocal).as("start-up and the switch to local mode").isLessThan(Duration.ofSeconds(10));
    assertThat(health(clientB).getString("status")).isEqualTo("DEGRADED");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonObject decided = TestClient.json(answer);
    assertThat(decided.getString("mode")).isEqualTo("local");
    assertThat(decided.getLong("capacity")).isEqualTo(CAPACITY / 2);
    assertThat(decided.getLong("remaining_tokens")).as("a node that never saw the bucket starts it full")
        .isEqualTo(CAPACITY / 2 - 7);
    grantedByB = 7;
  }

  @Test
  @Order(3)
  void aRestartedClusterIsChargedEveryLocalGrantOnceAndTheNodesReturnToGlobal() throws Exception {
    String started = redis.start();
    long upNanos = System.nanoTime();

    assertThat(started).contains("reusing existing cluster configuration");
    assertThat(redis.nodes(redis.basePort).keySet()).isEqualTo(nodesAtStart.keySet());
    assertThat(redis.nodes(redis.basePort).values()).extracting(OwnRedisCluster.Node::id)
        .containsExactlyInAnyOrderElementsOf(nodesAtStart.values().stream().map(OwnRedisCluster.Node::id).toList());
    RegionFixture.eventually(WAIT, () -> !RECOVERIES.isEmpty() && "global".equals(health(clientA).getString("mode")));
    Duration backToGlobal = Duration.ofNanos(System.nanoTime() - upNanos);
    RegionFixture.eventually(WAIT, () -> "global".equals(health(clientB).getString("mode")));
    RegionFixture.eventually(WAIT, () -> steadyLoad.everyThreadMatches(".*L+G{20,}"));
    steadyLoad.stop();

    REPORT.info("Restart: back to global {} ms after the cluster was healthy; answers={} 503={} recovered={}",
        backToGlobal.toMillis(), steadyLoad.all().size(), steadyLoad.count(answer -> answer.kind() == 'U'),
        RECOVERIES.get(0).encode());
    assertThat(backToGlobal).as("from a healthy cluster back to global").isLessThan(Duration.ofSeconds(10));
    assertOnlyInFlightRequestsFailed(steadyLoad, "^G+U?L+G+$");
    long grantedLocally = steadyLoad.count(answer -> answer.kind() == 'L' && answer.granted());
    long grantedGlobally = steadyLoad.count(answer -> answer.kind() == 'G' && answer.granted());
    String key = redisKey(STEADY);
    assertThat(redis.level(key)).as("capacity less every grant, global or local, in either region")
        .isEqualTo((CAPACITY - grantedGlobally - grantedLocally - grantedByB) * MICROS);
    assertThat(redis.cli(redis.masterPortOf(key), "scard", key + ":charged")).as("batches charged: A's and B's")
        .isEqualTo("2");
    assertThat(remaining(clientA, STEADY)).isEqualTo(redis.level(key) / MICROS);

    assertThat(RECOVERIES).hasSize(1);
    JsonObject recovered = RECOVERIES.get(0);
    assertThat(recovered.getString("event")).isEqualTo("sync_recovered");
    assertThat(recovered.getString("region")).isEqualTo(REGION);
    assertThat(recovered.getString("node")).isEqualTo("fo-a");
    assertThat(recovered.getLong("outage_ms")).isPositive();
    assertThat(recovered.getLong("reconciled_buckets")).isEqualTo(1);
    assertThat(recovered.getLong("granted_tokens")).isEqualTo(grantedLocally);
    assertThat(recovered.getLong("charged_tokens")).isEqualTo(grantedLocally);
    assertThat(FAILURES).hasSize(1);
    assertThat(metric(clientA, "openclaw_sync_mode")).isEqualTo(1);
    assertThat(health(clientA).getString("status")).isEqualTo("UP");
  }

  @Test
  @Order(4)
  void aChargeWhoseReplyTimedOutIsNotChargedAgainWhenReconciliationIsRetried() throws Exception {
    List<GlobalFixture.Master> masters = GlobalFixture.masters(redis.basePort);
    GlobalFixture.Master master = masters.get(0);
    List<String> clients = clientsOn(master, "slow-", 3);
    String charged = clients.get(0);
    assertThat(clientA.rate(charged, 5, "default").statusCode()).isEqualTo(200);
    int failuresBefore = FAILURES.size();
    long chargeFailuresBefore = LOG.count("Could not charge every journal");

    redis.cli(master.port(), "client", "pause", "60000", "write");
    try {
      HttpResponse<String> slow = clientA.rate(charged, 1, "default");
      assertThat(slow.statusCode()).as("a request whose Redis call timed out").isEqualTo(503);
      assertThat(health(clientA).getString("mode")).as("one slow reply does not trip").isEqualTo("global");
      assertThat(ratedTogether(clients.subList(1, 3))).containsOnly(503);
      RegionFixture.eventually(WAIT, () -> FAILURES.size() == failuresBefore + 1);
      for (int i = 0; i < 10; i++) {
        assertThat(TestClient.json(clientA.rate(charged, 3, "default")).getString("mode")).isEqualTo("local");
      }
      RegionFixture.eventually(WAIT, () -> LOG.count("Could not charge every journal") > chargeFailuresBefore);
    } finally {
      redis.cli(master.port(), "client", "unpause");
    }
    RegionFixture.eventually(WAIT, () -> RECOVERIES.size() == 2);

    assertThat(FAILURES.get(failuresBefore).getString("cause")).isEqualTo("Redis round trip timed out");
    String key = redisKey(charged);
    assertThat(redis.level(key)).as("5 global, 1 timed out but run, 30 local: charged once")
        .isEqualTo((CAPACITY - 5 - 1 - 30) * MICROS);
    assertThat(redis.cli(master.port(), "smembers", key + ":charged").lines().toList()).hasSize(1);
    assertThat(redis.level(redisKey(clients.get(1)))).isEqualTo((CAPACITY - 1) * MICROS);
    assertThat(RECOVERIES.get(1).getLong("charged_tokens")).isEqualTo(30);
    assertThat(RECOVERIES.get(1).getLong("reconciled_buckets")).isEqualTo(1);
    assertThat(remaining(clientA, charged)).isEqualTo(CAPACITY - 36);
    assertThat(metric(clientA, "openclaw_sync_failures_total")).isEqualTo(2);
  }

  @Test
  @Order(5)
  void aKilledMasterIsReplacedByItsReplicaWithoutRestartingTheNode() throws Exception {
    List<GlobalFixture.Master> masters = GlobalFixture.masters(redis.basePort);
    GlobalFixture.Master victim = masters.get(1);
    int replica = replicaOf(victim);
    redis.cli(replica, "script", "flush");
    assertThat(redis.cli(replica, "script", "exists", RedisScript.DECIDE.sha())).isEqualTo("0");
    List<String> clients = new ArrayList<>();
    for (GlobalFixture.Master master : masters) {
      clients.add(clientsOn(master, "kill-", 1).get(0));
    }
    clients.add(clientsOn(victim, "kill-more-", 1).get(0));
    RecordedLoad load = new RecordedLoad(clientA, "default", clients);
    int failuresBefore = FAILURES.size();
    int recoveriesBefore = RECOVERIES.size();
    load.start();
    try {
      RegionFixture.eventually(WAIT, () -> load.everyThreadEndsWith('G', 30));
      redis.kill(victim.port());
      long killedNanos = System.nanoTime();

      RegionFixture.eventually(WAIT, () -> redis.nodes(replica).get(replica).master());
      long promotedMillis = (System.nanoTime() - killedNanos) / 1_000_000;
      RegionFixture.eventually(WAIT, () -> load.everyThreadMatches(".*L+G{20,}"));
      REPORT.info("Killed master {}: replica {} promoted after {} ms, every client global again after {} ms",
          victim.port(), replica, promotedMillis, (System.nanoTime() - killedNanos) / 1_000_000);
    } finally {
      load.stop();
    }

    assertOnlyInFlightRequestsFailed(load, "^G+U?L+G+$");
    assertThat(redis.cli(replica, "script", "exists", RedisScript.DECIDE.sha())).isEqualTo("1");
    assertThat(redis.cli(replica, "info", "errorstats")).contains("errorstat_NOSCRIPT:count=");
    assertThat(LOG.count("Redis did not know the decide script")).isPositive();
    assertThat(FAILURES).hasSize(failuresBefore + 1);
    assertThat(RECOVERIES).hasSize(recoveriesBefore + 1);
  }

  // ---------------------------------------------------------------- helpers

  private static void assertEveryShardAnswersThroughA() throws Exception {
    for (int shard = 0; shard < SHARDS; shard++) {
      String clientId = clientOfShard(shard);
      HttpResponse<String> answer = clientA.rate(clientId, 0, "default");
      assertThat(answer.statusCode()).as("shard %d: %s", shard, answer.body()).isEqualTo(200);
      assertThat(TestClient.json(answer).getString("mode")).isEqualTo("global");
    }
    assertThat(nodeA.status().shardsOwned()).as("a member that is no OpenClaw node owns no shard").isEqualTo(SHARDS);
  }

  private static String clientOfShard(int shard) {
    for (int i = 0; ; i++) {
      if (new BucketKey("default", "shard-" + i).shard(SHARDS) == shard) {
        return "shard-" + i;
      }
    }
  }

  /**
   * Pauses writes on every master and reads the bucket's level.
   *
   * <p>NOTE: a call in flight when the nodes stop may or may not have run, and its client gets a 503 either way.
   * Pausing writes just before the stop (for far less than {@code sync.timeout_ms}) makes sure none of them ran,
   * so the level read here is exactly the level the outage starts from and every count below is exact.
   */
  private static long freezeWritesAndReadLevel(String key) throws Exception {
    for (GlobalFixture.Master master : GlobalFixture.masters(redis.basePort)) {
      redis.cli(master.port(), "client", "pause", "60000", "write");
    }
    return redis.level(key);
  }

  /** At most one 503 per client thread, each with Retry-After and sync_unavailable; the rest as the pattern. */
  private static void assertOnlyInFlightRequestsFailed(RecordedLoad load, String pattern) {
    List<RecordedLoad.Answer> failed = load.all().stream().filter(answer -> answer.kind() == 'U').toList();
    assertThat(failed.size()).as("503s, at most one request in flight per thread").isLessThanOrEqualTo(load.threads());
    assertThat(failed).allSatisfy(answer -> {
      assertThat(answer.retryAfter()).isEqualTo("1");
      assertThat(answer.body().getString("error")).isEqualTo("sync_unavailable");
      assertThat(answer.body().getString("type")).isEqualTo(HttpErrors.REDUCED_CAPACITY_TYPE);
    });
    for (int i = 0; i < load.threads(); i++) {
      assertThat(load.pattern(i)).as("answers of thread %d (G global, U 503, L local)", i).matches(pattern);
    }
  }

  private static void assertLocalAnswers(List<RecordedLoad.Answer> answers, long firstRemaining) {
    List<RecordedLoad.Answer> local = answers.stream().filter(answer -> answer.kind() == 'L').toList();
    assertThat(local).allSatisfy(answer -> {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body().getLong("capacity")).isEqualTo(CAPACITY / 2);
      assertThat(answer.body().getLong("refill_rate")).isEqualTo(0);
      assertThat(answer.body().getString("region")).isEqualTo(REGION);
      assertThat(answer.policy()).isEqualTo("\"default\";q=" + CAPACITY / 2);
    });
    assertThat(local.stream().mapToLong(answer -> answer.body().getLong("remaining_tokens")).max().orElseThrow())
        .as("the first local grant, from half the level last seen in Redis").isEqualTo(firstRemaining);
  }

  /** Sends one request per client at once; returns the status codes. */
  private static List<Integer> ratedTogether(List<String> clients) {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (String clientId : clients) {
      JsonObject body = new JsonObject().put("client_id", clientId).put("tokens", 1).put("service", "default");
      sent.add(clientA.sendAsync(clientA.rateRequest(body.encode())));
    }
    return sent.stream().map(future -> future.join().statusCode()).toList();
  }

  private static List<String> clientsOn(GlobalFixture.Master master, String prefix, int count) {
    List<String> clients = new ArrayList<>();
    for (int i = 0; clients.size() < count; i++) {
      String clientId = prefix + UUID.randomUUID().toString().substring(0, 8) + "-" + i;
      if (master.owns(GlobalFixture.slot(redisKey(clientId)))) {
        clients.add(clientId);
      }
    }
    return clients;
  }

  private static int replicaOf(GlobalFixture.Master master) throws Exception {
    return redis.nodes(master.port()).values().stream()
        .filter(node -> !node.master() && node.masterId().equals(master.id()))
        .findFirst().orElseThrow().port();
  }

  private static String redisKey(String clientId) {
    return new BucketKey("default", clientId).redisKey(KEY_PREFIX);
  }

  private static long remaining(TestClient client, String clientId) {
    HttpResponse<String> answer = client.rate(clientId, 0, "default");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return TestClient.json(answer).getLong("remaining_tokens");
  }

  private static JsonObject health(TestClient client) {
    return TestClient.json(client.send(client.request("/health").GET().build()));
  }

  private static double metric(TestClient client, String name) {
    String text = client.send(client.request("/metrics").GET().build()).body();
    return Scrape.parse(text).value(name, Map.of());
  }

  // ---------------------------------------------------------------- nodes

  private static OpenClawConfig configA(List<Integer> hazelcastPorts) {
    return config(String.join("\n",
        "region: " + REGION,
        "node: fo-a",
        "cluster: {enabled: true, shards: " + SHARDS + ", port: " + hazelcastPorts.get(0) + ", members: "
            + members(hazelcastPorts) + "}",
        ""));
  }

  private static OpenClawConfig configB() {
    return config(String.join("\n", "region: " + REGION + "-b", "node: fo-b", "cluster: {shards: " + SHARDS + "}", ""));
  }

  private static OpenClawConfig config(String identity) {
    return new ConfigLoader(Map.of()).fromYaml(identity + String.join("\n",
        "http: {host: 127.0.0.1, port: 0, event_loops: 2}",
        "sync: {enabled: true, cluster_nodes: " + redis.seedsYaml() + ", timeout_ms: 2000, failure_threshold: 3,"
            + " heartbeat_interval_ms: 60000}",
        "bucket: {capacity: " + CAPACITY + ", refill_rate: 0, burst_grace_ratio: 0, key_prefix: '" + KEY_PREFIX
            + "'}",
        "failover: {grace_window_seconds: 2, local_capacity_ratio: 0.5, retry_after_seconds: 1}",
        "metrics: {enabled: true}",
        ""));
  }

  private static String members(List<Integer> ports) {
    return ports.stream().map(port -> "'127.0.0.1:" + port + "'").toList().toString();
  }

  /** A plain clustered Vert.x in A's region, no OpenClaw node, that only listens for the failover events. */
  private static Vertx startListener(List<Integer> hazelcastPorts) throws Exception {
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: " + REGION,
        "cluster: {enabled: true, port: " + hazelcastPorts.get(1) + ", members: " + members(hazelcastPorts) + "}",
        ""));
    Vertx vertx = await(Vertx.builder()
        .withClusterManager(new HazelcastClusterManager(HazelcastSettings.build(config)))
        .buildClustered(), 60);
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SYNC_FAILURE, m -> FAILURES.add(m.body())).completion(), 10);
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SYNC_RECOVERED, m -> RECOVERIES.add(m.body())).completion(),
        10);
    return vertx;
  }

  private static List<Integer> freeHazelcastPorts() {
    return RegionFixture.freePorts(FIRST_HAZELCAST_PORT, LAST_HAZELCAST_PORT, 2);
  }


  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  /** Log lines of some loggers, kept for assertions. */
  private static final class CapturedLog extends AppenderBase<ILoggingEvent> {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();

    void attach(Class<?>... sources) {
      start();
      for (Class<?> source : sources) {
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        logger.addAppender(this);
        loggers.add(logger);
      }
    }

    void detach() {
      loggers.forEach(logger -> logger.detachAppender(this));
      stop();
    }

    long count(String text) {
      return lines.stream().filter(line -> line.contains(text)).count();
    }

    @Override
    protected void append(ILoggingEvent event) {
      lines.add(event.getFormattedMessage());
    }
  }
}
