package io.openclaw.failover;

import static io.openclaw.bucket.BucketPolicy.MICROS_PER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.BucketKey;
import io.openclaw.store.LocalDecisions;
import io.openclaw.store.RedisBucketStore;
import io.openclaw.sync.RedisClients;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A shard's store while the node decides locally: no Redis is ever asked, the clock is fake. */
class FailoverStoreTest {
  private static final long SECOND = 1_000_000L;
  private static final BucketKey ALICE = new BucketKey("default", "alice");
  private static final BucketPolicy TEN_PER_TEN_SECONDS = BucketPolicy.of(10, BigDecimal.ONE, BigDecimal.ZERO);

  private final FailoverState state = new FailoverState(new NodeStatus(Mode.GLOBAL), 3);
  private long nowMicros = 1_700_000_000L * SECOND;
  private Vertx vertx;
  private FailoverStore store;

  @BeforeEach
  void localNode() {
    vertx = Vertx.vertx();
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml("sync: {enabled: true}\n");
    RedisBucketStore global = new RedisBucketStore(vertx, RedisClients.cluster(vertx, config.sync()), config,
        state);
    store = new FailoverStore(global, state, new BigDecimal("0.5"), () -> nowMicros, "node:0");
    state.trip("test");
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Decision take(long tokens) {
    List<Decision> decided = store.decide(ALICE, TEN_PER_TEN_SECONDS, new long[] {tokens}).result();
    assertThat(decided).isInstanceOf(LocalDecisions.class);
    return decided.get(0);
  }

  @Test
  void aLocalBucketStartsFromTheLastLevelSeenInRedisScaled() {
    store.seenInRedis(ALICE, 4 * MICROS_PER_TOKEN);

    Decision first = take(1);

    assertThat(first.allowed()).isTrue();
    assertThat(first.remainingTokens()).isEqualTo(1);
  }

  @Test
  void aBucketThatRefilledAndWasEvictedStartsFullNotFromTheOldLevelAgain() {
    store.seenInRedis(ALICE, 0);
    assertThat(take(1).allowed()).as("empty when Redis was last seen").isFalse();

    nowMicros += 20 * SECOND;
    store.evictIdle();

    Decision later = take(1);
    assertThat(later.allowed()).isTrue();
    assertThat(later.remainingTokens()).as("full local bucket of 5, less 1").isEqualTo(4);
  }

  @Test
  void everyLocalGrantIsJournaled() {
    take(2);
    take(3);

    assertThat(store.journaledBuckets()).isEqualTo(1);
  }
}
