package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BucketStore} must do, whatever keeps the levels. Uses buckets that never refill, so the
 * answers do not depend on the store's clock.
 */
public abstract class BucketStoreContract {
  private static final BucketPolicy TEN_NO_REFILL = BucketPolicy.of(10, BigDecimal.ZERO, BigDecimal.ZERO);

  /** The store under test; called once per test. */
  protected abstract BucketStore store();

  protected static BucketKey freshKey(String clientPrefix) {
    return new BucketKey("default", clientPrefix + UUID.randomUUID());
  }

  protected static List<Decision> await(io.vertx.core.Future<List<Decision>> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void decidesABatchInOrder() throws Exception {
    List<Decision> decisions = await(store().decide(freshKey("order-"), TEN_NO_REFILL, new long[] {4, 7, 6, 1}));

    assertThat(decisions).extracting(Decision::allowed).containsExactly(true, false, true, false);
    assertThat(decisions).extracting(Decision::remainingTokens).containsExactly(6L, 6L, 0L, 0L);
  }

  @Test
  void admitsExactlyTheCapacityAcrossCalls() throws Exception {
    BucketStore store = store();
    BucketKey key = freshKey("exact-");
    int allowed = 0;
    for (int i = 0; i < 15; i++) {
      if (await(store.decide(key, TEN_NO_REFILL, new long[] {1})).get(0).allowed()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(10);
  }

  @Test
  void keepsBucketsOfDifferentKeysApart() throws Exception {
    BucketStore store = store();
    BucketKey first = freshKey("a:{b}-");
    BucketKey second = new BucketKey("default", first.clientId() + "x");

    await(store.decide(first, TEN_NO_REFILL, new long[] {10}));
    List<Decision> other = await(store.decide(second, TEN_NO_REFILL, new long[] {0}));

    assertThat(other.get(0).remainingTokens()).isEqualTo(10);
  }

  @Test
  void zeroTokensReadsTheLevel() throws Exception {
    BucketStore store = store();
    BucketKey key = freshKey("read-");
    await(store.decide(key, TEN_NO_REFILL, new long[] {3}));

    List<Decision> read = await(store.decide(key, TEN_NO_REFILL, new long[] {0, 0}));

    assertThat(read).extracting(Decision::remainingTokens).containsExactly(7L, 7L);
    assertThat(read).allMatch(Decision::allowed);
  }

  @Test
  void graceAllowsAnOverdraftThenDeniesWithAnExactWait() throws Exception {
    BucketPolicy policy = BucketPolicy.of(10, BigDecimal.ONE, new BigDecimal("0.2"));

    List<Decision> decisions = await(store().decide(freshKey("grace-"), policy, new long[] {10, 2, 1}));

    assertThat(decisions).extracting(Decision::allowed).containsExactly(true, true, false);
    assertThat(decisions.get(1).remainingTokens()).isZero();
    assertThat(decisions.get(2).retryAfterMillis()).isBetween(990L, 1000L);
  }
}
