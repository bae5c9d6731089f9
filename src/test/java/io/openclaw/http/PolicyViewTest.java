package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.node.Mode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The IETF RateLimit header fields as a service's view renders them. */
class PolicyViewTest {

  private static PolicyView view(long capacity, String refillRate, String graceRatio) {
    BucketPolicy policy = BucketPolicy.of(capacity, new BigDecimal(refillRate), new BigDecimal(graceRatio));
    return PolicyView.of("default", policy, Mode.STANDALONE, "local");
  }

  @Test
  void policyWindowIsTheTimeToRefillTheCapacityFromEmpty() {
    assertThat(view(10_000, "2000", "0.10").policyHeader()).isEqualTo("\"default\";q=10000;w=5");
    assertThat(view(500, "50", "0").policyHeader()).isEqualTo("\"default\";q=500;w=10");
    assertThat(view(5, "0.5", "0.2").policyHeader()).isEqualTo("\"default\";q=5;w=10");
  }

  @Test
  void policyWindowIsAtLeastOneSecondAndLeftOutWithoutRefill() {
    assertThat(view(10, "1000", "0").policyHeader()).isEqualTo("\"default\";q=10;w=1");
    assertThat(view(10, "0", "0.1").policyHeader()).isEqualTo("\"default\";q=10");
  }

  @Test
  void resetTimeIncludesRepayingTheOverdraft() {
    PolicyView view = view(10_000, "2000", "0.10");

    assertThat(view.rateLimitHeader(0, 5_500)).isEqualTo("\"default\";r=0;t=6");
    assertThat(view.rateLimitHeader(9_999, 1)).isEqualTo("\"default\";r=9999;t=1");
    assertThat(view.rateLimitHeader(10, -1)).isEqualTo("\"default\";r=10");
  }
}
