package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.OpenClawNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real standalone node's GET /metrics against the contract of the alert rules and the dashboard. */
class MetricsIT {
  private static final String CLIENT_ID = "metrics-it-client-7f3a";

  /**
   * Names the dashboard or alerts query that a standalone node cannot export; the test checks that they are
   * indeed absent, so this list cannot hide a renamed meter.
   */
  private static final Map<String, String> SYNC_ONLY = Map.of(
      "sync_latency_seconds_bucket", "Redis round trips are only measured, and the histogram only registered, "
          + "with sync enabled (GlobalMetricsIT scrapes it)",
      "openclaw_replication_lag_seconds", "one gauge per Redis master seen by the heartbeat watch; a node "
          + "without Redis has no master (GlobalMetricsIT scrapes them)");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static OpenClawNode node;
  private static String base;
  private static HttpResponse<String> scrapeResponse;
  private static Scrape scrape;

  @BeforeAll
  static void startNodeDecideAndScrape() throws Exception {
    node = start("""
        region: it-region
        node: it-node
        http: {host: 127.0.0.1, port: 0}
        cluster: {shards: 4}
        services:
          search: {capacity: 3, refill_rate: 0, burst_grace_ratio: 0}
        """);
    base = "http://127.0.0.1:" + node.httpPort();
    for (int i = 0; i < 5; i++) {
      rate("{\"client_id\": \"" + CLIENT_ID + "\", \"service\": \"search\"}");
    }
    rate("{\"client_id\": \"" + CLIENT_ID + "\", \"service\": \"checkout\"}");
    rate("{\"client_id\": ");
    rate("{\"client_id\": \"" + CLIENT_ID + "\", \"tokens\": -1}");
    rate("{\"client_id\": \"" + CLIENT_ID + "\", \"service\": \"search\", \"tokens\": 4}");

    scrapeResponse = get("/metrics");
    scrape = Scrape.parse(scrapeResponse.body());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static OpenClawNode start(String yaml) throws Exception {
    return OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> rate(String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/rate"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double decisions(String service, String decision) {
    return scrape.value("openclaw_decisions_total",
        Map.of("service", service, "decision", decision, "mode", "standalone"));
  }

  @Test
  void scrapeIsPrometheusText() {
    assertThat(scrapeResponse.statusCode()).isEqualTo(200);
    assertThat(scrapeResponse.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
  }

  @Test
  void decisionsAreCountedExactlyAndBadRequestsAreNot() {
    assertThat(decisions("search", "allowed")).isEqualTo(3);
    assertThat(decisions("search", "denied")).isEqualTo(2);
    assertThat(decisions("default", "allowed")).isEqualTo(1);
    assertThat(decisions("default", "denied")).isZero();
    assertThat(decisions("search", "unavailable")).isZero();
    assertThat(scrape.find("openclaw_decisions_total", Map.of()).stream().mapToDouble(Scrape.Sample::value).sum())
        .isEqualTo(6);
  }

  @Test
  void utilizationShowsTheFullestBucketPerService() {
    assertThat(scrape.value("openclaw_bucket_utilization", Map.of("service", "search"))).isEqualTo(1.0);
    assertThat(scrape.value("openclaw_bucket_utilization", Map.of("service", "default")))
        .isCloseTo(0.0001, within(1e-9));
    assertThat(scrape.find("openclaw_bucket_utilization", Map.of())).hasSize(2);
  }

  @Test
  void nodeGaugesDescribeAStandaloneNode() {
    assertThat(scrape.value("openclaw_sync_mode", Map.of())).isEqualTo(2);
    assertThat(scrape.value("openclaw_shards_owned", Map.of())).isEqualTo(4);
    assertThat(scrape.value("openclaw_sync_failures_total", Map.of())).isZero();
  }

  @Test
  void httpServerMetricsCarryMethodCodeAndRoute() {
    Map<String, String> post = Map.of("method", "POST", "route", "/v1/rate");
    assertThat(scrape.value("vertx_http_server_requests_total", with(post, "code", "200"))).isEqualTo(4);
    assertThat(scrape.value("vertx_http_server_requests_total", with(post, "code", "429"))).isEqualTo(2);
    assertThat(scrape.value("vertx_http_server_requests_total", with(post, "code", "400"))).isEqualTo(3);
    assertThat(scrape.value("vertx_http_server_response_time_seconds_bucket",
        Map.of("method", "POST", "route", "/v1/rate", "code", "400", "le", "+Inf"))).isEqualTo(3);
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(key, value);
    return all;
  }

  @Test
  void eventBusAndJvmMetricsAreExported() {
    assertThat(scrape.names()).contains("vertx_eventbus_sent_total", "vertx_eventbus_handlers",
        "jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
        "process_cpu_usage", "process_uptime_seconds");
  }

  @Test
  void everySampleCarriesRegionAndNode() {
    assertThat(scrape.samples()).isNotEmpty().allSatisfy(sample -> assertThat(sample.labels())
        .containsEntry("region", "it-region").containsEntry("node", "it-node"));
  }

  @Test
  void noClientIdReachesTheMetrics() {
    assertThat(scrape.text()).doesNotContain(CLIENT_ID);
    assertThat(scrape.samples()).allSatisfy(sample -> assertThat(sample.labels()).doesNotContainKey("client_id"));
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    ScrapeChecks.assertPromtoolAccepts(scrape);
  }

  @Test
  void everyMetricTheDashboardAndAlertsQueryIsExported() throws Exception {
    List<String> queried = ScrapeChecks.dashboardMetricNames();
    Set<String> exported = scrape.names();

    assertThat(queried).isNotEmpty().containsAll(SYNC_ONLY.keySet());
    for (String name : queried) {
      if (SYNC_ONLY.containsKey(name)) {
        assertThat(exported).as("%s is listed as sync-only: %s", name, SYNC_ONLY.get(name)).doesNotContain(name);
      } else {
        assertThat(exported).as("queried by the dashboard or alerts").contains(name);
      }
    }
  }

  @Test
  void disabledMetricsServeNoMetricsRoute() throws Exception {
    OpenClawNode quiet = start("""
        node: quiet-node
        http: {host: 127.0.0.1, port: 0}
        cluster: {shards: 2}
        metrics: {enabled: false}
        """);
    try {
      String quietBase = "http://127.0.0.1:" + quiet.httpPort();
      HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(quietBase + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(quietBase + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metrics.statusCode()).isEqualTo(404);
      assertThat(health.statusCode()).isEqualTo(200);
    } finally {
      quiet.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
