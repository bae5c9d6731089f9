package io.openclaw.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BucketPolicyTest {

  @Test
  void keepsFractionalRatesAsAReducedFraction() {
    BucketPolicy policy = BucketPolicy.of(10, new BigDecimal("0.25"), BigDecimal.ZERO);

    assertThat(policy.refillNumerator()).isEqualTo(1);
    assertThat(policy.refillDenominator()).isEqualTo(4);
  }

  @Test
  void graceIsAFractionOfCapacityInMicroTokens() {
    BucketPolicy policy = BucketPolicy.of(10_000, new BigDecimal(2000), new BigDecimal("0.10"));

    assertThat(policy.graceMicros()).isEqualTo(1_000_000_000L);
    assertThat(policy.graceTokens()).isEqualTo(1000);
  }

  @Test
  void rejectsRatesFinerThanAMicroTokenPerSecond() {
    assertThatThrownBy(() -> BucketPolicy.of(10, new BigDecimal("0.0000001"), BigDecimal.ZERO))
        .hasMessageContaining("6 decimal places");
  }

  @Test
  void rejectsCapacitiesThatCannotBeCountedExactly() {
    assertThatThrownBy(() -> BucketPolicy.of(5_000_000_000L, new BigDecimal("1"), BigDecimal.ZERO))
        .hasMessage("must be between 1 and 4503599627 tokens, not 5000000000");
    assertThatThrownBy(() -> BucketPolicy.of(4_000_000_000L, new BigDecimal("1"), new BigDecimal("0.5")))
        .hasMessageContaining("capacity 4000000000 with burst_grace_ratio 0.5 and refill_rate 1")
        .hasMessageContaining("too large to count exactly");
  }

  @Test
  void theLargestCapacityIsTheOneWhoseMicroTokensStayExact() {
    assertThat(BucketPolicy.MAX_CAPACITY).isEqualTo(4_503_599_627L);
    assertThat(BucketPolicy.of(BucketPolicy.MAX_CAPACITY, BigDecimal.ONE, BigDecimal.ZERO).capacityMicros())
        .isEqualTo(4_503_599_627_000_000L)
        .isLessThan(BucketPolicy.EXACT_LIMIT);
  }

  @Test
  void scalingForLocalModeReducesCapacityAndRefill() {
    BucketPolicy policy = BucketPolicy.of(10_000, new BigDecimal(2000), new BigDecimal("0.10"));

    BucketPolicy local = policy.scaled(new BigDecimal("0.5"));

    assertThat(local.capacity()).isEqualTo(5000);
    assertThat(local.refillRate()).isEqualByComparingTo("1000");
    assertThat(local.graceMicros()).isEqualTo(500_000_000L);
  }

  @Test
  void aScaledRateThatWouldNeedAMillionthIsRoundedDownOnlyAsFarAsTheLocalBucketNeeds() {
    BucketPolicy policy = BucketPolicy.of(20_000, new BigDecimal(3), new BigDecimal("0.10"));

    BucketPolicy local = policy.scaled(new BigDecimal("0.333333"));

    assertThat(local.capacity()).isEqualTo(6666);
    assertThat(local.refillRate()).as("3 x 0.333333 = 0.999999, rounded down").isEqualByComparingTo("0.999999");
    assertThat(BucketPolicy.of(1_000_000_000, BigDecimal.ONE, BigDecimal.ZERO).scaled(new BigDecimal("0.7"))
        .refillRate()).isEqualByComparingTo("0.7");
    assertThat(BucketPolicy.of(1_000_000_000, new BigDecimal(3), BigDecimal.ZERO).scaled(new BigDecimal("0.333333"))
        .refillRate()).as("a billion tokens keep the 4 decimal places their size allows")
        .isEqualByComparingTo("0.9999");
  }

  @Test
  void everyValidPolicyCanBeScaledByAnyRatioAndItsLocalBucketRefillsWithoutOverflow() {
    long millenniaMicros = Long.MAX_VALUE / 2;
    int scaledPolicies = 0;
    for (long capacity : new long[] {1, 7, 10_000, 1_000_000_000, BucketPolicy.MAX_CAPACITY}) {
      for (String rate : new String[] {"0", "0.000001", "0.5", "3", "2000", "123456.789012", "4503599627"}) {
        for (String grace : new String[] {"0", "0.1", "1"}) {
          BucketPolicy policy;
          try {
            policy = BucketPolicy.of(capacity, new BigDecimal(rate), new BigDecimal(grace));
          } catch (IllegalArgumentException tooLargeForRedis) {
            continue;
          }
          for (String ratio : new String[] {"0.000001", "0.333333", "0.5", "0.7", "1"}) {
            BigDecimal exact = new BigDecimal(rate).multiply(new BigDecimal(ratio));
            BucketPolicy local = policy.scaled(new BigDecimal(ratio));
            String what = capacity + " / " + rate + " / " + grace + " x " + ratio;
            assertThat(local.capacity()).as(what).isEqualTo(Math.max(1,
                new BigDecimal(capacity).multiply(new BigDecimal(ratio)).longValue()));
            assertThat(local.refillRate()).as(what).isLessThanOrEqualTo(exact)
                .isGreaterThan(exact.subtract(new BigDecimal("0.01")));

            BucketState state = new BucketState(-local.graceMicros(), 0, 0);
            TokenBucket.refill(local, state, millenniaMicros);
            assertThat(state.levelMicros()).as(what).isEqualTo(local.refills() ? local.capacityMicros()
                : -local.graceMicros());
            scaledPolicies++;
          }
        }
      }
    }
    assertThat(scaledPolicies).isGreaterThan(300);
  }

  @Test
  void rejectsRefillRatesAboveFillingTheLargestBucketEverySecond() {
    assertThatThrownBy(() -> BucketPolicy.of(10, new BigDecimal("1e20"), BigDecimal.ZERO))
        .hasMessage("must be between 0 and 4503599627 tokens per second, not 100000000000000000000");
  }

  @Test
  void fullRefillTimeCoversCapacityAndGrace() {
    assertThat(BucketPolicy.of(500, new BigDecimal(50), BigDecimal.ZERO).fullRefillSeconds()).isEqualTo(10);
    assertThat(BucketPolicy.of(10, new BigDecimal(1), new BigDecimal("0.2")).fullRefillSeconds()).isEqualTo(12);
    assertThat(BucketPolicy.of(10, BigDecimal.ZERO, BigDecimal.ZERO).fullRefillSeconds()).isZero();
  }

  @Test
  void capacityRefillTimeLeavesTheGraceOut() {
    assertThat(BucketPolicy.of(10_000, new BigDecimal(2000), new BigDecimal("0.10")).capacityRefillSeconds())
        .isEqualTo(5);
    assertThat(BucketPolicy.of(10, new BigDecimal("3"), new BigDecimal("0.2")).capacityRefillSeconds()).isEqualTo(4);
    assertThat(BucketPolicy.of(10, BigDecimal.ZERO, BigDecimal.ZERO).capacityRefillSeconds()).isZero();
  }
}
