package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Exit codes and the one-line summary, from the health reports a node sends. */
class HealthReportTest {
  private static final String URL = "http://127.0.0.1:8081/health";

  private static JsonObject report(String status, String mode) {
    return new JsonObject("""
        {"status": "%s", "mode": "%s", "region": "us-east", "node": "edge-1",
         "shards_owned": 16, "shards_total": 16,
         "redis": {"enabled": true, "reachable": true, "cluster_state": "ok", "last_error": null},
         "replication_lag_ms": {"10.0.0.11:7000": 3, "10.0.0.12:7000": 42},
         "replication_lag_max_ms": 100,
         "checks": [{"id": "shards", "status": "UP"}]}
        """.formatted(status, mode));
  }

  private static HealthReport answered(int httpStatus, JsonObject body) {
    return HealthReport.answered(URL, httpStatus, body.encode());
  }

  @Test
  void upNodeExitsZeroWithEveryFactOnOneLine() {
    HealthReport report = answered(200, report("UP", "global"));

    assertThat(report.exitCode()).isZero();
    assertThat(report.summary()).isEqualTo("UP: mode=global region=us-east node=edge-1 redis_reachable=true"
        + " cluster_state=ok max_replication_lag_ms=42 (10.0.0.12:7000, threshold 100) shards_owned=16/16");
  }

  @Test
  void degradedNodeInLocalModeExitsOne() {
    JsonObject body = report("DEGRADED", "local");
    body.getJsonObject("redis").put("reachable", false).put("cluster_state", "unknown")
        .put("last_error", "Connection refused");

    HealthReport report = answered(200, body);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.summary()).startsWith("DEGRADED: mode=local")
        .contains("redis_reachable=false (Connection refused) cluster_state=unknown");
  }

  @Test
  void downNodeExitsOneAndNamesTheFailingChecks() {
    JsonObject body = report("DOWN", "standalone");
    body.getJsonArray("checks").getJsonObject(0).put("status", "DOWN");

    HealthReport report = answered(503, body);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.summary()).startsWith("DOWN: ").endsWith(" failing_checks=shards");
  }

  @Test
  void lagAboveTheThresholdIsMarked() {
    JsonObject body = report("UP", "global");
    body.getJsonObject("replication_lag_ms").put("10.0.0.13:7000", 350);

    assertThat(answered(200, body).summary())
        .contains("max_replication_lag_ms=350 (10.0.0.13:7000, OVER threshold 100)");
  }

  @Test
  void standaloneNodeShowsThatSyncIsDisabled() {
    JsonObject body = report("UP", "standalone").put("replication_lag_ms", new JsonObject());
    body.getJsonObject("redis").put("enabled", false).put("reachable", false).put("cluster_state", "disabled");

    assertThat(answered(200, body).summary())
        .contains("redis_reachable=n/a (sync disabled) cluster_state=disabled")
        .contains("max_replication_lag_ms=none (threshold 100)");
  }

  @Test
  void answerThatIsNotAHealthReportCountsAsUnreachable() {
    HealthReport report = HealthReport.answered(URL, 404, "{\"error\":\"not_found\"}");

    assertThat(report.exitCode()).isEqualTo(2);
    assertThat(report.summary()).isEqualTo("UNREACHABLE: " + URL + ": HTTP 404 without a health report");
    assertThat(HealthReport.answered(URL, 502, "<html>bad gateway</html>").exitCode()).isEqualTo(2);
  }

  @Test
  void unreachableNodeExitsTwoAndReportsJson() {
    HealthReport report = HealthReport.unreachable(URL, "connection refused");

    assertThat(report.exitCode()).isEqualTo(2);
    assertThat(new JsonObject(report.json())).isEqualTo(new JsonObject()
        .put("status", "UNREACHABLE").put("url", URL).put("error", "connection refused"));
  }

  @Test
  void jsonIsTheNodesReportUnchanged() {
    JsonObject body = report("UP", "global");

    assertThat(new JsonObject(answered(200, body).json())).isEqualTo(body);
  }
}
