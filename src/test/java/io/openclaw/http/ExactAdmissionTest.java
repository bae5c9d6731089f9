package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.OpenClawNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many concurrent callers of one bucket: exactly its capacity is admitted, not one token more or less. */
class ExactAdmissionTest {

  @Test
  void tenThousandAndOneRequestsAgainstCapacityTenThousandGiveExactlyOne429() throws Exception {
    int port = TestPorts.free();
    String yaml = "http: {host: 127.0.0.1, port: %d}\nbucket: {capacity: 10000, refill_rate: 0, burst_grace_ratio: 0}"
        .formatted(port);
    OpenClawNode node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      Map<Integer, Long> statuses = hammer(new TestClient(port), 10_001, 64);

      assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 10_000L, 429, 1L));
    } finally {
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Map<Integer, Long> hammer(TestClient client, int requests, int inFlight) throws Exception {
    HttpRequest request = client.rateRequest("{\"client_id\": \"hot\", \"tokens\": 1}");
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      permits.acquire();
      responses.add(client.sendAsync(request).whenComplete((r, e) -> permits.release()));
    }
    CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    Map<Integer, Long> statuses = new java.util.TreeMap<>();
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      statuses.merge(response.get().statusCode(), 1L, Long::sum);
    }
    return statuses;
  }
}
