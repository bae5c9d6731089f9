package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.sync.RedisClients;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bucket store contract, run against {@link RedisBucketStore} and the test Redis Cluster.
 *
 * <p>NOTE: Redis decides with its own clock ({@code TIME} inside the script), which a test cannot move. Every
 * case of the contract is time-independent (buckets that never refill, or a refill decided within one call,
 * where the script reads the clock once), so all of them apply and none is overridden; a case that needs to
 * advance time between calls belongs in {@link LocalBucketStoreTest}, with its fake clock. Each store is used
 * on one Vert.x context, as a shard verticle uses it.
 */
class RedisBucketStoreContractIT extends BucketStoreContract {
  private static final GlobalFixture FIXTURE = new GlobalFixture("{}");
  private static final OpenClawConfig CONFIG = FIXTURE.config("it-contract");
  private static final Vertx VERTX = Vertx.vertx();
  private final List<BucketStore> opened = new ArrayList<>();

  @Override
  protected BucketStore store() {
    RedisBucketStore store = new RedisBucketStore(VERTX, RedisClients.cluster(VERTX, CONFIG.sync()), CONFIG,
        SyncObserver.NONE);
    BucketStore onContext = onContext(store, VERTX.getOrCreateContext());
    opened.add(onContext);
    return onContext;
  }

  @AfterEach
  void closeStores() throws Exception {
    for (BucketStore store : opened) {
      GlobalFixture.await(store.close(), 10);
    }
    opened.clear();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    GlobalFixture.await(VERTX.close(), 10);
  }

  @Test
  void keepsARefillingBucketForTwiceItsRefillTimeAndAFixedQuotaForEver() throws Exception {
    BucketStore store = store();
    BucketKey refilling = freshKey("ttl-");
    BucketKey fixed = freshKey("quota-");
    await(store.decide(refilling, BucketPolicy.of(100, BigDecimal.TEN, BigDecimal.ZERO), new long[] {40}));
    await(store.decide(fixed, BucketPolicy.of(100, BigDecimal.ZERO, BigDecimal.ZERO), new long[] {40}));

    assertThat(ttlMillis(refilling)).isBetween(1L, 21_000L);
    assertThat(ttlMillis(fixed)).isEqualTo(-1);
    assertThat(level(fixed)).isEqualTo("60000000");
  }

  /** A batch as large as a shard sends in one call (BucketVerticle.MAX_BATCH). */
  @Test
  void decidesEveryRequestOfAFullBatchAtTheLevelTheEarlierOnesLeft() throws Exception {
    BucketPolicy policy = BucketPolicy.of(1000, BigDecimal.ZERO, BigDecimal.ZERO);
    long[] requested = new long[512];
    Arrays.fill(requested, 3);

    List<Decision> decisions = await(store().decide(freshKey("batch-"), policy, requested));

    assertThat(decisions).hasSize(requested.length);
    assertThat(decisions.stream().filter(Decision::allowed).count()).isEqualTo(333);
    assertThat(decisions.get(requested.length - 1).remainingTokens()).isEqualTo(1);
  }

  private static long ttlMillis(BucketKey key) throws Exception {
    String redisKey = key.redisKey(FIXTURE.keyPrefix);
    int port = GlobalFixture.masterOf(GlobalFixture.slot(redisKey)).port();
    return Long.parseLong(GlobalFixture.redisCli(port, "pttl", redisKey));
  }

  private static String level(BucketKey key) throws Exception {
    String redisKey = key.redisKey(FIXTURE.keyPrefix);
    return GlobalFixture.redisCli(GlobalFixture.masterOf(GlobalFixture.slot(redisKey)).port(), "hget", redisKey, "l");
  }

  /** The store, with every call made on {@code context}, the way its shard verticle calls it. */
  private static BucketStore onContext(BucketStore store, Context context) {
    return new BucketStore() {
      @Override
      public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
        Promise<List<Decision>> decided = Promise.promise();
        context.runOnContext(v -> store.decide(key, policy, requestedTokens).onComplete(decided));
        return decided.future();
      }

      @Override
      public Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        context.runOnContext(v -> store.close().onComplete(closed));
        return closed.future();
      }
    };
  }
}
