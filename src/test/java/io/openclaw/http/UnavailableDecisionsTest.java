package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.metrics.Metrics;
import io.openclaw.metrics.Scrape;
import io.openclaw.node.BucketVerticle;
import io.openclaw.node.Codecs;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 503 from an unreachable store is counted as an unavailable decision, in the mode the request was sent in. */
class UnavailableDecisionsTest {

  /** A store whose backend refuses every connection. */
  private static final class RefusingStore implements BucketStore {
    @Override
    public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
      return Future.failedFuture(new ConnectException("Connection refused"));
    }
  }

  @Test
  void unreachableStoreCountsUnavailableUnderTheModeAtSend() throws Exception {
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml("""
        node: unavailable-node
        http: {host: 127.0.0.1, port: 0}
        sync: {enabled: true}
        cluster: {shards: 1}
        services:
          search: {capacity: 10}
        """);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics metrics = Metrics.create(registry, config, new NodeStatus(Mode.GLOBAL));
    Vertx vertx = Vertx.vertx();
    try {
      Codecs.register(vertx.eventBus());
      await(vertx.deployVerticle(new BucketVerticle(0, config, new RefusingStore(), Mode.GLOBAL)));
      HttpVerticle http = new HttpVerticle(config, ctx -> ctx.response().end(), router -> { }, metrics);
      await(vertx.deployVerticle(http));

      int status = post(http.actualPort(), "{\"client_id\": \"abc\", \"service\": \"search\"}");

      assertThat(status).isEqualTo(503);
      Scrape scrape = Scrape.parse(registry.scrape());
      assertThat(scrape.value("openclaw_decisions_total",
          Map.of("service", "search", "decision", "unavailable", "mode", "global"))).isEqualTo(1);
      assertThat(scrape.value("openclaw_bucket_utilization", Map.of("service", "search"))).isZero();
    } finally {
      await(vertx.close());
    }
  }

  private static int post(int port, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/rate"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
