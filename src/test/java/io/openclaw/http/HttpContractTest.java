package io.openclaw.http;

import static io.openclaw.http.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.OpenClawNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP contract of a standalone node, through a real server. */
class HttpContractTest {
  private static OpenClawNode node;
  private static TestClient client;

  @BeforeAll
  static void startNode() throws Exception {
    int port = TestPorts.free();
    String yaml = """
        region: test-region
        node: test-node
        http: {host: 127.0.0.1, port: %d, body_limit_bytes: 1024}
        bucket: {capacity: 100, refill_rate: 10, burst_grace_ratio: 0}
        services:
          search: {capacity: 5, refill_rate: 0.5}
        """.formatted(port);
    node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client = new TestClient(port);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String uniqueClient() {
    return "client-" + UUID.randomUUID();
  }

  @Test
  void allowedRequestGets200WithTheFullAnswer() {
    String clientId = uniqueClient();

    HttpResponse<String> response = client.rate(clientId, 2, "search");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response)).isEqualTo(new JsonObject()
        .put("allowed", true).put("service", "search").put("client_id", clientId).put("remaining_tokens", 3)
        .put("capacity", 5).put("refill_rate", 0.5).put("retry_after_ms", 0).put("reset_after_ms", 4000)
        .put("mode", "standalone").put("region", "test-region"));
    assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue("\"search\";q=5;w=10");
    assertThat(response.headers().firstValue("RateLimit")).hasValue("\"search\";r=3;t=4");
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void throttledRequestGets429WithRetryAfter() {
    String clientId = uniqueClient();
    client.rate(clientId, 5, "search");

    HttpResponse<String> response = client.rate(clientId, 2, "search");

    assertThat(response.statusCode()).isEqualTo(429);
    JsonObject body = json(response);
    assertThat(body.getBoolean("allowed")).isFalse();
    assertThat(body.getLong("remaining_tokens")).isZero();
    assertThat(body.getLong("retry_after_ms")).isBetween(3900L, 4000L);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("4");
    assertThat(response.headers().firstValue("RateLimit")).isPresent();
  }

  @Test
  void unknownServiceUsesTheDefaultBucket() {
    JsonObject body = json(client.rate(uniqueClient(), 1, "billing"));

    assertThat(body.getString("service")).isEqualTo("billing");
    assertThat(body.getLong("capacity")).isEqualTo(100);
    assertThat(body.getLong("remaining_tokens")).isEqualTo(99);
  }

  @Test
  void badInputGets400WithAJsonError() {
    assertError(client.post("{\"client_id\": "), 400, "invalid_json");
    assertError(client.post("{\"tokens\": 1}"), 400, "missing_client_id");
    assertError(client.post("{\"client_id\": \"a\", \"tokens\": -2}"), 400, "invalid_tokens");
    assertError(client.post("{\"client_id\": \"a\", \"tokens\": 0.5}"), 400, "invalid_tokens");
    assertError(client.post("{\"client_id\": \"a\", \"tokens\": true}"), 400, "invalid_tokens");
    assertError(client.post("{\"client_id\": [\"a\"]}"), 400, "invalid_client_id");
    assertError(client.post("{\"client_id\": \"a\", \"tokens\": 6, \"service\": \"search\"}"), 400,
        "tokens_exceed_capacity");
  }

  @Test
  void oversizedBodyGets413() {
    String body = "{\"client_id\": \"" + "x".repeat(2000) + "\"}";

    assertError(client.post(body), 413, "body_too_large");
  }

  @Test
  void otherMediaTypeGets415() {
    HttpRequest request = client.request("/v1/rate").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\": \"a\"}")).build();

    assertError(client.send(request), 415, "unsupported_media_type");
  }

  @Test
  void contentTypeGivenTwiceGets400InEitherOrder() {
    for (String[] types : new String[][] {{"application/json", "text/plain"}, {"text/plain", "application/json"}}) {
      HttpRequest request = client.request("/v1/rate").header("Content-Type", types[0])
          .header("Content-Type", types[1]).POST(HttpRequest.BodyPublishers.ofString("{\"client_id\": \"a\"}")).build();

      assertError(client.send(request), 400, "bad_request");
    }
  }

  @Test
  void unknownPathAndWrongMethodGetJsonErrors() {
    assertError(client.send(client.request("/v2/rate").GET().build()), 404, "not_found");
    HttpResponse<String> wrongMethod = client.send(client.request("/v1/rate").GET().build());
    assertError(wrongMethod, 405, "method_not_allowed");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> deleteHealth = client.send(client.request("/health").DELETE().build());
    assertError(deleteHealth, 405, "method_not_allowed");
    assertThat(deleteHealth.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void healthAnswersHead() {
    HttpResponse<String> head = client.send(client.request("/health")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1))
        .isEqualTo(client.send(client.request("/health").GET().build()).body().length());
  }

  @Test
  void zeroTokensReadsWithoutSpending() {
    String clientId = uniqueClient();
    client.rate(clientId, 3, "search");

    JsonObject first = json(client.rate(clientId, 0, "search"));
    JsonObject second = json(client.rate(clientId, 0, "search"));

    assertThat(first.getBoolean("allowed")).isTrue();
    assertThat(first.getLong("remaining_tokens")).isEqualTo(2);
    assertThat(second.getLong("remaining_tokens")).isEqualTo(2);
  }

  @Test
  void healthReportsTheNode() {
    HttpResponse<String> response = client.send(client.request("/health").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = json(response);
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getString("mode")).isEqualTo("standalone");
    assertThat(body.getString("region")).isEqualTo("test-region");
    assertThat(body.getString("node")).isEqualTo("test-node");
    assertThat(body.getInteger("shards_owned")).isEqualTo(16);
    assertThat(body.getJsonObject("redis").getBoolean("enabled")).isFalse();
  }

  private static void assertError(HttpResponse<String> response, int status, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject body = json(response);
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank();
  }
}
