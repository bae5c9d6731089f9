package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.http.TestClient;
import io.openclaw.node.OpenClawNode;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients cannot add series to the Vert.x HTTP metrics by sending made-up methods or paths. */
class HttpMetricLabelsTest {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
      "TRACE", "PATCH", MetricNames.OTHER_HTTP_METHOD);

  private static OpenClawNode node;
  private static TestClient client;

  @BeforeAll
  static void startNode() throws Exception {
    node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml("""
        region: labels-region
        node: labels-node
        http: {host: 127.0.0.1, port: 0}
        cluster: {shards: 2}
        """)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client = new TestClient(node.httpPort());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void madeUpMethodsAndPathsShareOneSetOfSeries() {
    scrape();
    send("XQ1", "/v1/rate");
    send("GET", "/made-up-path-1");
    send("POST", "/v1/rate/made-up-1");
    Set<String> before = vertxSeries(scrape());

    for (int i = 2; i <= 6; i++) {
      send("XQ" + i, "/v1/rate");
      send("M" + i + "-" + Integer.toHexString(31 * i), "/health");
      send("GET", "/made-up-path-" + i);
      send("POST", "/v1/rate/made-up-" + i);
    }
    Scrape after = scrape();

    assertThat(vertxSeries(after)).isEqualTo(before);
    assertThat(after.find("vertx_http_server_requests_total", Map.of("method", MetricNames.OTHER_HTTP_METHOD)))
        .isNotEmpty();
    assertThat(after.samples()).allSatisfy(sample -> {
      assertThat(sample.labels().getOrDefault("method", "GET")).isIn(METHODS);
      assertThat(sample.labels().values()).noneMatch(value -> value.contains("made-up") || value.startsWith("XQ"));
    });
  }

  private static void send(String method, String path) {
    client.send(client.request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private static Scrape scrape() {
    return Scrape.parse(client.send(client.request(NodeMetrics.PATH).GET().build()).body());
  }

  /** The Vert.x HTTP series, by name and labels, without their values. */
  private static Set<String> vertxSeries(Scrape scrape) {
    Set<String> series = new TreeSet<>();
    scrape.samples().stream().filter(sample -> sample.name().startsWith("vertx_http_"))
        .forEach(sample -> series.add(sample.name() + sample.labels()));
    return series;
  }
}
