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
