package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncReportTest {
  private static final List<Long> EXPECTED = List.of(999_999L, 999_998L);

  private static SyncReport.Endpoint global(String url, String region, Long lag, Long... seen) {
    return new SyncReport.Endpoint(url, region, "global", Arrays.asList(seen), lag, null, true);
  }

  @Test
  void endpointsThatSawEveryExpectedCountWithSmallLagPass() {
    SyncReport report = new SyncReport(List.of(
        global("http://a:1", "us-east", 3L, 999_999L, 999_998L),
        global("http://b:2", "eu-west", 12L, 999_999L, 999_998L)), EXPECTED, 100);

    assertThat(report.exitCode()).isZero();
    assertThat(report.table()).containsExactly(
        "ENDPOINT    REGION   MODE    REMAINING_TOKENS  AGREE  MAX_LAG_MS  OK",
        "http://a:1  us-east  global  999999 999998     yes    3           yes",
        "http://b:2  eu-west  global  999999 999998     yes    12          yes");
    assertThat(report.verdict("verify-x")).isEqualTo("verify-sync: OK: 2 endpoints agree on verify-x"
        + " (999998 tokens left after 2 spends), replication lag at most 12 ms (limit 100 ms)");
  }

  @Test
  void endpointThatMissedASpendFailsWithExitOne() {
    SyncReport report = new SyncReport(List.of(
        global("http://a:1", "us-east", 3L, 999_999L, 999_998L),
        global("http://b:2", "eu-west", 3L, 999_999L, 999_999L)), EXPECTED, 100);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.table().get(2)).contains("999999 999999").contains("NO");
    assertThat(report.verdict("v")).isEqualTo("verify-sync: FAILED: http://b:2 saw 999999 999999,"
        + " expected 999999 999998");
  }

  @Test
  void standaloneOrLocalEndpointFailsEvenWhenItsCountsMatch() {
    SyncReport.Endpoint local = new SyncReport.Endpoint("http://c:3", "ap", "local", EXPECTED, null, null, true);

    SyncReport report = new SyncReport(List.of(local), EXPECTED, 100);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.verdict("v")).isEqualTo("verify-sync: FAILED: http://c:3 is in local mode, not global");
  }

  @Test
  void lagOverTheLimitFailsAndIsShownInTheTable() {
    SyncReport report = new SyncReport(List.of(global("http://a:1", "us-east", 101L, 999_999L, 999_998L)),
        EXPECTED, 100);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.table().get(1)).contains("101 (over 100)");
    assertThat(report.verdict("v")).isEqualTo(
        "verify-sync: FAILED: http://a:1 reports replication lag 101 ms, over 100 ms");
  }

  @Test
  void lagAtTheLimitPasses() {
    SyncReport report = new SyncReport(List.of(global("http://a:1", "us-east", 100L, 999_999L, 999_998L)),
        EXPECTED, 100);

    assertThat(report.exitCode()).isZero();
  }

  @Test
  void unreachableEndpointWinsOverAMismatchWithExitTwo() {
    SyncReport.Endpoint down = new SyncReport.Endpoint("http://d:4", null, null, List.of(), null,
        "connection refused", false);

    SyncReport report = new SyncReport(List.of(global("http://a:1", "us-east", 1L, 5L, 4L), down), EXPECTED, 100);

    assertThat(report.exitCode()).isEqualTo(2);
    assertThat(report.table().get(2)).isEqualTo("http://d:4  -        -       -                 NO     -           NO");
    assertThat(report.verdict("v")).startsWith("verify-sync: UNREACHABLE: ").contains("http://d:4 connection refused");
  }

  @Test
  void failedReadShowsAsQuestionMarkAndDisagrees() {
    SyncReport report = new SyncReport(List.of(global("http://a:1", "us-east", 1L, 999_999L, null)), EXPECTED, 100);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.table().get(1)).contains("999999 ?");
  }
}
