package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.OpenClawNode;
import io.openclaw.sync.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A global-mode node's GET /metrics against the test Redis Cluster: the Redis-only meters that a standalone
 * node cannot show (sync latency, replication lag per master) are exported under their contract names, so
 * every dashboard panel and alert has data.
 */
class GlobalMetricsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int DECISIONS = 7;
  private static OpenClawNode node;
  private static Scrape scrape;

  @BeforeAll
  static void startDecideAndScrape() throws Exception {
    String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":tb";
    node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: it-global",
        "node: it-global-node",
        "http: {host: 127.0.0.1, port: 0}",
        "sync: {enabled: true, cluster_nodes: " + TestRedis.yamlList() + ", timeout_ms: 1000,"
            + " heartbeat_interval_ms: 200}",
        "bucket: {key_prefix: '" + prefix + "'}",
        "services: {search: {capacity: 5, refill_rate: 0, burst_grace_ratio: 0}}",
        "cluster: {shards: 4}")))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    for (int i = 0; i < DECISIONS; i++) {
      rate("{\"client_id\": \"global-metrics-" + i % 2 + "\", \"service\": \"search\"}");
    }
    scrape = scrapeOnceLagIsMeasured();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
  }

  private static void rate(String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/v1/rate"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    assertThat(status).as("answer to %s", body).isIn(200, 429);
  }

  /** Scrapes until the heartbeat watch has reported a lag for each of the three masters (at most 20 s). */
  private static Scrape scrapeOnceLagIsMeasured() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Scrape latest;
    do {
      String body = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      latest = Scrape.parse(body);
      if (latest.find("openclaw_replication_lag_seconds", Map.of()).size() >= 3) {
        return latest;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return latest;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.httpPort() + path);
  }

  @Test
  void everyMetricTheDashboardAndAlertsQueryIsExported() throws Exception {
    List<String> queried = ScrapeChecks.dashboardMetricNames();

    assertThat(queried).contains("sync_latency_seconds_bucket", "openclaw_replication_lag_seconds");
    assertThat(scrape.names()).containsAll(queried);
  }

  @Test
  void everyRedisRoundTripOfADecisionIsTimed() {
    double timed = scrape.value("sync_latency_seconds_count", Map.of());
    double countedInTheLastBucket = scrape.value("sync_latency_seconds_bucket", Map.of("le", "+Inf"));

    assertThat(timed).isBetween(1.0, (double) DECISIONS);
    assertThat(countedInTheLastBucket).isEqualTo(timed);
    assertThat(scrape.value("sync_latency_seconds_sum", Map.of())).isPositive();
  }

  @Test
  void replicationLagHasOneGaugePerMaster() {
    List<Scrape.Sample> lag = scrape.find("openclaw_replication_lag_seconds", Map.of());

    assertThat(lag).hasSize(3);
    assertThat(lag).allSatisfy(sample -> {
      assertThat(sample.labels().get("master")).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(sample.value()).isBetween(0.0, 2.0);
    });
  }

  @Test
  void decisionsAreCountedAsGlobal() {
    Map<String, String> allowed = Map.of("service", "search", "decision", "allowed", "mode", "global");
    Map<String, String> denied = Map.of("service", "search", "decision", "denied", "mode", "global");

    assertThat(scrape.value("openclaw_decisions_total", allowed)).isEqualTo(DECISIONS);
    assertThat(scrape.find("openclaw_decisions_total", denied)).allSatisfy(s -> assertThat(s.value()).isZero());
    assertThat(scrape.value("openclaw_sync_mode", Map.of())).isEqualTo(1);
    assertThat(scrape.value("openclaw_sync_failures_total", Map.of())).isZero();
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    ScrapeChecks.assertPromtoolAccepts(scrape);
  }
}
