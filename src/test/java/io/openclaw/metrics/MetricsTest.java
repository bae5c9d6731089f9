package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service meters as Prometheus renders them. */
class MetricsTest {
  private static final String STANDALONE = """
      region: test-region
      node: test-node
      services:
        search: {capacity: 500, refill_rate: 50}
      """;
  private static final String WITH_SYNC = STANDALONE + "sync: {enabled: true}\n";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private static OpenClawConfig config(String yaml) {
    return new ConfigLoader(Map.of()).fromYaml(yaml);
  }

  private Metrics metrics(String yaml, NodeStatus status) {
    return Metrics.create(registry, config(yaml), status);
  }

  private Scrape scrape() {
    return Scrape.parse(registry.scrape());
  }

  private double decisions(String service, String decision, String mode) {
    return scrape().value("openclaw_decisions_total",
        Map.of("service", service, "decision", decision, "mode", mode));
  }

  private double utilization(String service) {
    return scrape().value("openclaw_bucket_utilization", Map.of("service", service));
  }

  @Test
  void utilizationIsTheFullestBucketTouchedInTheWindow() {
    Metrics metrics = metrics(STANDALONE, new NodeStatus(Mode.STANDALONE));

    metrics.decided("search", true, Mode.STANDALONE, 400, 500);
    metrics.decided("search", true, Mode.STANDALONE, 50, 500);
    metrics.decided("search", true, Mode.STANDALONE, 300, 500);

    assertThat(utilization("search")).isCloseTo(0.9, within(1e-9));
    assertThat(utilization("default")).isZero();
  }

  @Test
  void utilizationCoversThePreviousSliceAndForgetsOlderOnes() {
    Metrics metrics = metrics(STANDALONE, new NodeStatus(Mode.STANDALONE));
    metrics.decided("search", false, Mode.STANDALONE, 0, 500);

    metrics.rotateUtilization();
    metrics.decided("search", true, Mode.STANDALONE, 250, 500);
    assertThat(utilization("search")).isEqualTo(1.0);

    metrics.rotateUtilization();
    assertThat(utilization("search")).isEqualTo(0.5);

    metrics.rotateUtilization();
    assertThat(utilization("search")).isZero();
  }

  @Test
  void servicesWithoutAnEntryAreCountedAsDefault() {
    Metrics metrics = metrics(STANDALONE, new NodeStatus(Mode.STANDALONE));

    metrics.decided("checkout", true, Mode.STANDALONE, 9_000, 10_000);
    metrics.decided("default", false, Mode.STANDALONE, 0, 10_000);

    assertThat(decisions("default", "allowed", "standalone")).isEqualTo(1);
    assertThat(decisions("default", "denied", "standalone")).isEqualTo(1);
    assertThat(scrape().find("openclaw_decisions_total", Map.of("service", "checkout"))).isEmpty();
    assertThat(utilization("default")).isEqualTo(1.0);
  }

  @Test
  void countsDecisionsByServiceDecisionAndMode() {
    Metrics metrics = metrics(WITH_SYNC, new NodeStatus(Mode.GLOBAL));

    for (int i = 0; i < 3; i++) {
      metrics.decided("search", true, Mode.GLOBAL, 10, 500);
    }
    metrics.decided("search", false, Mode.GLOBAL, 0, 500);
    metrics.decided("search", true, Mode.LOCAL, 10, 250);
    metrics.unavailable("search", Mode.GLOBAL);

    assertThat(decisions("search", "allowed", "global")).isEqualTo(3);
    assertThat(decisions("search", "denied", "global")).isEqualTo(1);
    assertThat(decisions("search", "allowed", "local")).isEqualTo(1);
    assertThat(decisions("search", "unavailable", "global")).isEqualTo(1);
    assertThat(decisions("search", "denied", "local")).isZero();
  }

  @Test
  void countersStartAtZeroForTheModesTheNodeCanBeIn() {
    metrics(STANDALONE, new NodeStatus(Mode.STANDALONE));

    assertThat(scrape().find("openclaw_decisions_total", Map.of()))
        .hasSize(2 * 3)
        .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("mode", "standalone"))
        .allSatisfy(sample -> assertThat(sample.value()).isZero());
  }

  @Test
  void syncModeFollowsTheNodeStatus() {
    NodeStatus status = new NodeStatus(Mode.GLOBAL);
    metrics(WITH_SYNC, status);
    assertThat(scrape().value("openclaw_sync_mode", Map.of())).isEqualTo(1);

    status.mode(Mode.LOCAL);
    assertThat(scrape().value("openclaw_sync_mode", Map.of())).isZero();

    status.mode(Mode.STANDALONE);
    assertThat(scrape().value("openclaw_sync_mode", Map.of())).isEqualTo(2);
  }

  @Test
  void replicationLagGaugesFollowTheMastersOfTheLastRedisSnapshot() {
    NodeStatus status = new NodeStatus(Mode.GLOBAL);
    Metrics metrics = metrics(WITH_SYNC, status);
    status.redis(new NodeStatus.Redis(true, true, "ok", Map.of("10.0.0.1:7000", 350L, "10.0.0.2:7000", 4L), null));

    metrics.refresh();
    assertThat(scrape().value("openclaw_replication_lag_seconds", Map.of("master", "10.0.0.1:7000")))
        .isEqualTo(0.35);
    assertThat(scrape().value("openclaw_replication_lag_seconds", Map.of("master", "10.0.0.2:7000")))
        .isEqualTo(0.004);

    status.redis(new NodeStatus.Redis(true, true, "ok", Map.of("10.0.0.2:7000", 5L), null));
    metrics.refresh();
    assertThat(scrape().find("openclaw_replication_lag_seconds", Map.of())).hasSize(1);
  }

  @Test
  void syncLatencyIsAHistogramWithTheAlertThresholdAsABucket() {
    Metrics metrics = metrics(WITH_SYNC, new NodeStatus(Mode.GLOBAL));

    metrics.recordSyncLatency(TimeUnit.MILLISECONDS.toNanos(3));
    metrics.recordSyncLatency(TimeUnit.MILLISECONDS.toNanos(300));

    Scrape scrape = scrape();
    assertThat(scrape.value("sync_latency_seconds_bucket", Map.of("le", "0.005"))).isEqualTo(1);
    assertThat(scrape.value("sync_latency_seconds_bucket", Map.of("le", "0.2"))).isEqualTo(1);
    assertThat(scrape.value("sync_latency_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(2);
    assertThat(scrape.value("sync_latency_seconds_count", Map.of())).isEqualTo(2);
  }

  @Test
  void standaloneNodeHasNoSyncLatencyButCountsSyncFailures() {
    Metrics metrics = metrics(STANDALONE, new NodeStatus(Mode.STANDALONE));

    metrics.recordSyncLatency(1_000_000);
    metrics.syncFailure();

    assertThat(scrape().names()).noneMatch(name -> name.startsWith("sync_latency"));
    assertThat(scrape().value("openclaw_sync_failures_total", Map.of())).isEqualTo(1);
  }

  @Test
  void shardsOwnedFollowsTheNodeStatus() {
    NodeStatus status = new NodeStatus(Mode.STANDALONE);
    metrics(STANDALONE, status);

    status.shardsOwned(12);

    assertThat(scrape().value("openclaw_shards_owned", Map.of())).isEqualTo(12);
  }

  @Test
  void disabledMetricsAcceptEveryCall() {
    Metrics metrics = Metrics.disabled(config(WITH_SYNC));

    assertThatCode(() -> {
      metrics.decided("search", true, Mode.GLOBAL, 1, 500);
      metrics.unavailable("search", Mode.GLOBAL);
      metrics.recordSyncLatency(1_000);
      metrics.syncFailure();
      metrics.refresh();
      metrics.rotateUtilization();
    }).doesNotThrowAnyException();
  }
}
