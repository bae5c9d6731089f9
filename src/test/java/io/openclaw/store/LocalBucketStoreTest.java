package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBucketStoreTest extends BucketStoreContract {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @Override
  protected BucketStore store() {
    return new LocalBucketStore(clock::get);
  }

  @Test
  void forgetsBucketsOnceTheyAreFullAgain() {
    LocalBucketStore store = new LocalBucketStore(clock::get);
    BucketPolicy policy = BucketPolicy.of(10, BigDecimal.TEN, BigDecimal.ZERO);
    BucketKey key = new BucketKey("default", "idle");
    store.decideNow(key, policy, new long[] {5});

    assertThat(store.evictFull()).isZero();
    clock.addAndGet(500_000);
    assertThat(store.evictFull()).isEqualTo(1);
    assertThat(store.contains(key)).isFalse();
  }

  @Test
  void seededBucketStartsFromTheGivenLevel() {
    LocalBucketStore store = new LocalBucketStore(clock::get);
    BucketPolicy policy = BucketPolicy.of(10, BigDecimal.ZERO, BigDecimal.ZERO);
    BucketKey key = new BucketKey("default", "seeded");

    store.seed(key, policy, 2_000_000);

    assertThat(store.decideNow(key, policy, new long[] {1, 1, 1}))
        .extracting(d -> d.allowed()).containsExactly(true, true, false);
  }
}
