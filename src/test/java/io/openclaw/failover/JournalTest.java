package io.openclaw.failover;

import static io.openclaw.bucket.BucketPolicy.MICROS_PER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.store.BucketKey;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {
  private static final long SECOND = 1_000_000L;
  private static final long START = 1_700_000_000L * SECOND;
  private static final BucketKey ALICE = new BucketKey("search", "alice");
  private static final BucketKey BOB = new BucketKey("search", "bob");

  private final Journal journal = new Journal("node-a:1700000000:3");

  private static BucketPolicy policy(long capacity, String refillRate) {
    return BucketPolicy.of(capacity, new BigDecimal(refillRate), BigDecimal.ZERO);
  }

  @Test
  void owedTokensDrainAtTheGlobalRefillRate() {
    BucketPolicy twoPerSecond = policy(100, "2");
    journal.granted(ALICE, twoPerSecond, 10, START);

    List<Journal.Sealed> sealed = journal.seal(START + 3 * SECOND);

    assertThat(sealed).singleElement().satisfies(entry -> {
      assertThat(entry.key()).isEqualTo(ALICE);
      assertThat(entry.grantedMicros()).isEqualTo(10 * MICROS_PER_TOKEN);
      assertThat(entry.chargeMicros()).isEqualTo(4 * MICROS_PER_TOKEN);
    });
  }

  @Test
  void drainStopsAtZeroExactlyWhenRefillHasPaidEverything() {
    BucketPolicy twoPerSecond = policy(100, "2");
    Journal early = new Journal("early");
    early.granted(ALICE, twoPerSecond, 10, START);
    journal.granted(ALICE, twoPerSecond, 10, START);

    long almost = early.seal(START + 5 * SECOND - 1).get(0).chargeMicros();
    long paid = journal.seal(START + 5 * SECOND).get(0).chargeMicros();

    assertThat(almost).isEqualTo(2);
    assertThat(paid).isZero();
  }

  @Test
  void fractionalRatesDrainWithoutRoundingLoss() {
    BucketPolicy slow = policy(1_000_000, "0.3");
    assertThat(slow.refillNumerator()).isEqualTo(3);
    assertThat(slow.refillDenominator()).isEqualTo(10);
    for (int k = 0; k < 1_000; k++) {
      journal.granted(ALICE, slow, 1, START + 7L * k);
    }

    long sealedAt = START + 7_000 + 13;
    long charge = journal.seal(sealedAt).get(0).chargeMicros();

    long drained = 3 * (sealedAt - START) / 10;
    assertThat(drained).isEqualTo(2103);
    assertThat(charge).isEqualTo(1_000 * MICROS_PER_TOKEN - drained);
  }

  @Test
  void aCenturyOfIdleDoesNotOverflowTheDrain() {
    BucketPolicy fast = policy(6_000, "6000");
    journal.granted(ALICE, fast, 1, START);

    long century = 100L * 365 * 24 * 3600 * SECOND;
    assertThat(Math.multiplyHigh(century, fast.refillNumerator())).as("elapsed x rate overflows a long").isNotZero();

    assertThat(journal.seal(START + century).get(0).chargeMicros()).isZero();
  }

  @Test
  void aBucketThatNeverRefillsOwesEveryGrantedToken() {
    BucketPolicy quota = policy(1_000, "0");
    journal.granted(ALICE, quota, 3, START);
    journal.granted(ALICE, quota, 4, START + 3_600 * SECOND);

    Journal.Sealed entry = journal.seal(START + 86_400 * SECOND).get(0);

    assertThat(entry.grantedMicros()).isEqualTo(7 * MICROS_PER_TOKEN);
    assertThat(entry.chargeMicros()).isEqualTo(7 * MICROS_PER_TOKEN);
  }

  @Test
  void zeroTokenRequestsAreNotJournaled() {
    journal.granted(ALICE, policy(10, "1"), 0, START);

    assertThat(journal.isEmpty()).isTrue();
    assertThat(journal.seal(START + SECOND)).isEmpty();
  }

  @Test
  void eachBucketGetsItsOwnEntryAndBatchId() {
    BucketPolicy quota = policy(1_000, "0");
    journal.granted(ALICE, quota, 1, START);
    journal.granted(BOB, quota, 2, START);
    journal.granted(ALICE, quota, 3, START + 1);

    List<Journal.Sealed> sealed = journal.seal(START + 2);

    assertThat(sealed).hasSize(2);
    assertThat(sealed).extracting(Journal.Sealed::batchId).doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).startsWith("node-a:1700000000:3:"));
    assertThat(sealed).filteredOn(entry -> entry.key().equals(ALICE)).singleElement()
        .extracting(Journal.Sealed::chargeMicros).isEqualTo(4 * MICROS_PER_TOKEN);
    assertThat(sealed).filteredOn(entry -> entry.key().equals(BOB)).singleElement()
        .extracting(Journal.Sealed::chargeMicros).isEqualTo(2 * MICROS_PER_TOKEN);
  }

  @Test
  void aSealedEntryKeepsItsBatchIdAndAmountUntilItIsCharged() {
    BucketPolicy twoPerSecond = policy(100, "2");
    journal.granted(ALICE, twoPerSecond, 10, START);
    Journal.Sealed first = journal.seal(START + SECOND).get(0);

    List<Journal.Sealed> retried = journal.seal(START + 60 * SECOND);

    assertThat(retried).containsExactly(first);
    assertThat(retried.get(0).batchId()).isEqualTo(first.batchId());
    assertThat(retried.get(0).chargeMicros()).isEqualTo(8 * MICROS_PER_TOKEN);
    journal.charged(first);
    assertThat(journal.isEmpty()).isTrue();
    assertThat(journal.seal(START + 61 * SECOND)).isEmpty();
  }

  @Test
  void grantsAfterSealingOpenANewEntryWithANewBatchId() {
    BucketPolicy quota = policy(1_000, "0");
    journal.granted(ALICE, quota, 5, START);
    Journal.Sealed first = journal.seal(START + 1).get(0);

    journal.granted(ALICE, quota, 2, START + 2);
    assertThat(journal.size()).isEqualTo(2);
    List<Journal.Sealed> sealed = journal.seal(START + 3);

    assertThat(sealed).hasSize(2).contains(first);
    Journal.Sealed second = sealed.get(1);
    assertThat(second.batchId()).isNotEqualTo(first.batchId());
    assertThat(second.key()).isEqualTo(ALICE);
    assertThat(second.chargeMicros()).isEqualTo(2 * MICROS_PER_TOKEN);
    assertThat(first.chargeMicros()).isEqualTo(5 * MICROS_PER_TOKEN);

    journal.charged(second);
    assertThat(journal.seal(START + 4)).containsExactly(first);
  }

  @Test
  void aNewEntryDrainsFromItsOwnFirstGrant() {
    BucketPolicy onePerSecond = policy(100, "1");
    journal.granted(ALICE, onePerSecond, 10, START);
    journal.charged(journal.seal(START + 2 * SECOND).get(0));

    journal.granted(ALICE, onePerSecond, 10, START + 100 * SECOND);
    Journal.Sealed second = journal.seal(START + 103 * SECOND).get(0);

    assertThat(second.chargeMicros()).isEqualTo(7 * MICROS_PER_TOKEN);
  }

  @Test
  void grantedTokensCountOpenAndSealedEntriesUntilCharged() {
    BucketPolicy onePerSecond = policy(100, "1");
    journal.granted(ALICE, onePerSecond, 10, START);
    Journal.Sealed first = journal.seal(START + 5 * SECOND).get(0);
    journal.granted(BOB, onePerSecond, 4, START + 6 * SECOND);

    assertThat(journal.grantedTokens()).isEqualTo(14);
    journal.charged(first);
    assertThat(journal.grantedTokens()).isEqualTo(4);
  }
}
