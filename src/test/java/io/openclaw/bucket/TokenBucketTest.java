package io.openclaw.bucket;

import static io.openclaw.bucket.BucketPolicy.MICROS_PER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000L;
  private static final long START = 1_700_000_000L * SECOND;

  private static BucketPolicy policy(long capacity, String refillRate, String grace) {
    return BucketPolicy.of(capacity, new BigDecimal(refillRate), new BigDecimal(grace));
  }

  @Test
  void neverAdmitsMoreThanCapacityPlusGracePlusRefill() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      BucketPolicy policy = policy(1 + random.nextInt(500), randomRate(random), "0." + random.nextInt(3));
      BucketState state = BucketState.full(policy, START);
      long now = START;
      long admitted = 0;
      for (int i = 0; i < 2_000; i++) {
        now += random.nextInt(3) == 0 ? random.nextInt(50_000) : 0;
        long tokens = random.nextInt(1 + (int) Math.min(policy.capacity(), 20));
        if (TokenBucket.take(policy, state, now, tokens).allowed()) {
          admitted += tokens * MICROS_PER_TOKEN;
        }
      }
      long elapsed = now - START;
      BigDecimal bound = BigDecimal.valueOf(policy.capacityMicros() + policy.graceMicros())
          .add(policy.refillRate().multiply(BigDecimal.valueOf(elapsed)));
      assertThat(BigDecimal.valueOf(admitted)).isLessThanOrEqualTo(bound);
    }
  }

  private static String randomRate(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "0";
      case 1 -> "0.5";
      case 2 -> Integer.toString(random.nextInt(2000));
      default -> random.nextInt(100) + "." + random.nextInt(1000);
    };
  }

  @Test
  void admitsExactlyWhatRefillEarnsOverALongRun() {
    BucketPolicy policy = policy(10, "3.7", "0");
    BucketState state = BucketState.full(policy, START);
    long admitted = 0;
    for (long now = START; now <= START + 100 * SECOND; now += 1_000) {
      if (TokenBucket.take(policy, state, now, 1).allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(10 + 370);
  }

  @Test
  void halfATokenPerSecondRefillsExactlyOneTokenInTwoSeconds() {
    BucketPolicy policy = policy(5, "0.5", "0");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 5);

    assertThat(TokenBucket.take(policy, state, START + 2 * SECOND - 1, 1).allowed()).isFalse();
    Decision decision = TokenBucket.take(policy, state, START + 2 * SECOND, 1);
    assertThat(decision.allowed()).isTrue();
    assertThat(state.levelMicros()).isZero();
    assertThat(state.carry()).isZero();
  }

  @Test
  void refillAfterAYearIdleDoesNotOverflow() {
    BucketPolicy policy = policy(1_000_000_000L, "1000000", "0.1");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 1_000_000_000L);

    Decision decision = TokenBucket.take(policy, state, START + 365L * 24 * 3600 * SECOND, 0);

    assertThat(decision.remainingTokens()).isEqualTo(1_000_000_000L);
    assertThat(state.levelMicros()).isEqualTo(policy.capacityMicros());
  }

  @Test
  void graceLetsTheLevelGoPastEmptyButRemainingNeverBelowZero() {
    BucketPolicy policy = policy(10, "1", "0.2");
    BucketState state = BucketState.full(policy, START);

    assertThat(TokenBucket.take(policy, state, START, 10).remainingTokens()).isZero();
    Decision overdraft = TokenBucket.take(policy, state, START, 2);
    Decision denied = TokenBucket.take(policy, state, START, 1);

    assertThat(overdraft.allowed()).isTrue();
    assertThat(overdraft.remainingTokens()).isZero();
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterMillis()).isEqualTo(1000);
    assertThat(denied.resetAfterMillis()).isEqualTo(12_000);
  }

  @Test
  void overdraftIsRepaidByRefillBeforeTokensShowAsRemaining() {
    BucketPolicy policy = policy(10, "1", "0.2");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 12);

    assertThat(TokenBucket.take(policy, state, START + 2 * SECOND, 0).remainingTokens()).isZero();
    assertThat(TokenBucket.take(policy, state, START + 3 * SECOND, 0).remainingTokens()).isEqualTo(1);
  }

  @Test
  void retryAfterIsTheExactTimeUntilTheRequestFits() {
    BucketPolicy policy = policy(100, "3", "0");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 100);

    Decision denied = TokenBucket.take(policy, state, START, 10);

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterMillis()).isEqualTo(3334);
    assertThat(TokenBucket.take(policy, state, START + 3_333_333, 10).allowed()).isFalse();
    assertThat(TokenBucket.take(policy, state, START + 3_333_334, 10).allowed()).isTrue();
  }

  @Test
  void aRequestNoFullBucketCouldGrantHasNoRetryTime() {
    BucketPolicy policy = policy(250, "25", "0.1");
    BucketState state = BucketState.full(policy, START);

    Decision tooLarge = TokenBucket.take(policy, state, START, 276);
    Decision largest = TokenBucket.take(policy, state, START, 275);

    assertThat(tooLarge.allowed()).isFalse();
    assertThat(tooLarge.retryAfterMillis()).isEqualTo(-1);
    assertThat(largest.allowed()).isTrue();
    assertThat(TokenBucket.take(policy, state, START, 1).retryAfterMillis()).isEqualTo(40);
    assertThat(TokenBucket.take(policy, state, START + 3600 * SECOND, 276).allowed()).isFalse();
  }

  @Test
  void fixedQuotaNeverRefillsAndSaysSo() {
    BucketPolicy policy = policy(3, "0", "0");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 3);

    Decision denied = TokenBucket.take(policy, state, START + 3600 * SECOND, 1);

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterMillis()).isEqualTo(-1);
    assertThat(denied.resetAfterMillis()).isEqualTo(-1);
  }

  @Test
  void zeroTokensReadsWithoutSpending() {
    BucketPolicy policy = policy(10, "0", "0");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 4);

    Decision read = TokenBucket.take(policy, state, START, 0);

    assertThat(read.allowed()).isTrue();
    assertThat(read.remainingTokens()).isEqualTo(6);
    assertThat(state.levelMicros()).isEqualTo(6 * MICROS_PER_TOKEN);
  }

  @Test
  void clockGoingBackwardsAddsNothing() {
    BucketPolicy policy = policy(10, "1000", "0");
    BucketState state = BucketState.full(policy, START);
    TokenBucket.take(policy, state, START, 10);

    assertThat(TokenBucket.take(policy, state, START - SECOND, 1).allowed()).isFalse();
    assertThat(state.updatedMicros()).isEqualTo(START);
  }

  @Test
  void deniedRequestLeavesTheLevelUnchanged() {
    BucketPolicy policy = policy(10, "0", "0");
    BucketState state = BucketState.full(policy, START);

    assertThat(TokenBucket.take(policy, state, START, 7).allowed()).isTrue();
    assertThat(TokenBucket.take(policy, state, START, 4).allowed()).isFalse();
    assertThat(TokenBucket.take(policy, state, START, 3).allowed()).isTrue();
  }
}
