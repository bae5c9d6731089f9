package io.openclaw.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.cluster.RegionFixture;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Addresses;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.BucketKey;
import io.openclaw.store.GlobalFixture;
import io.openclaw.store.LocalBucketStore;
import io.openclaw.store.RedisBucketStore;
import io.openclaw.sync.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shard that closes (it moves to another member of the region) while its node decides locally hands its
 * journal to the node's keeper, which charges it to the real Redis Cluster of the test run when the node
 * reconciles, or at once if the node is already global. The bucket never refills, so every level is exact.
 */
class JournalKeeperIT {
  private static final BucketPolicy HUNDRED_NO_REFILL = BucketPolicy.of(100, BigDecimal.ZERO, BigDecimal.ZERO);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final String keyPrefix = "it-keeper-" + UUID.randomUUID().toString().substring(0, 8) + ":tb";
  private final BucketKey key = new BucketKey("default", "moved-" + UUID.randomUUID());
  private final FailoverState state = new FailoverState(new NodeStatus(Mode.GLOBAL), 3);
  private Vertx vertx;
  private OpenClawConfig config;
  private JournalKeeper keeper;

  @BeforeEach
  void startKeeper() throws Exception {
    vertx = Vertx.vertx();
    String nodes = System.getenv("OPENCLAW_TEST_REDIS_NODES");
    assertThat(nodes).as("OPENCLAW_TEST_REDIS_NODES, set by scripts/test.sh").isNotBlank();
    config = new ConfigLoader(Map.of()).fromYaml("sync: {enabled: true, cluster_nodes: [" + nodes
        + "], timeout_ms: 5000}\nbucket: {key_prefix: '" + keyPrefix + "'}\n");
    keeper = new JournalKeeper(redisStore(), state, LocalBucketStore.monotonicClock());
    await(vertx.deployVerticle(keeper));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private RedisBucketStore redisStore() {
    return new RedisBucketStore(vertx, RedisClients.cluster(vertx, config.sync()), config, state);
  }

  /** A shard's store of this node that granted {@code tokens} locally and then closed. */
  private void grantLocallyThenClose(String shard, long tokens) throws Exception {
    FailoverStore store = new FailoverStore(redisStore(), state, new BigDecimal("0.5"),
        LocalBucketStore.monotonicClock(), "it-node:" + shard, keeper);
    state.trip("test outage");
    List<Decision> decided = await(store.decide(key, HUNDRED_NO_REFILL, new long[] {tokens}));
    assertThat(decided.get(0).allowed()).as("granted locally").isTrue();
    assertThat(store.journaledBuckets()).isEqualTo(1);
    await(store.close());
  }

  @Test
  void theJournalOfAShardThatLeftIsChargedWhenTheNodeReconciles() throws Exception {
    grantLocallyThenClose("3", 7);
    assertThat(level()).as("nothing charged while Redis counts as down").isNull();

    assertThat(state.startReconciling()).isTrue();
    JsonObject first = reconcile();
    assertThat(first.getLong("buckets")).isEqualTo(1);
    assertThat(first.getLong("granted_tokens")).isEqualTo(7);
    assertThat(first.getLong("charged_tokens")).isEqualTo(7);
    assertThat(level()).as("100 tokens less the 7 granted, in micro-tokens").isEqualTo("93000000");

    JsonObject again = reconcile();
    assertThat(again.getLong("buckets")).as("a charged journal is dropped, never charged twice").isEqualTo(0);
    assertThat(level()).isEqualTo("93000000");
  }

  @Test
  void aJournalHandedOverOnceTheNodeIsGlobalAgainIsChargedAtOnce() throws Exception {
    FailoverStore store = new FailoverStore(redisStore(), state, new BigDecimal("0.5"),
        LocalBucketStore.monotonicClock(), "it-node:5", keeper);
    state.trip("test outage");
    await(store.decide(key, HUNDRED_NO_REFILL, new long[] {4}));
    assertThat(state.startReconciling()).isTrue();
    state.recovered();
    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);

    await(store.close());

    RegionFixture.eventually(WAIT, () -> "96000000".equals(level()));
  }

  private JsonObject reconcile() throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.RECONCILE_HANDED_OVER, null)).body();
  }

  /** The bucket's stored level in Redis, or null when the bucket does not exist. */
  private String level() throws Exception {
    String redisKey = key.redisKey(keyPrefix);
    int port = GlobalFixture.masterOf(GlobalFixture.basePort(), GlobalFixture.slot(redisKey)).port();
    String value = GlobalFixture.redisCli(port, "HGET", redisKey, "l").trim();
    return value.isEmpty() ? null : value;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
