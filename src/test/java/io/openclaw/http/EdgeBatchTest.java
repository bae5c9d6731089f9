package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Addresses;
import io.openclaw.node.Codecs;
import io.openclaw.node.Mode;
import io.openclaw.node.RateBatch;
import io.openclaw.node.RateBatchReply;
import io.openclaw.node.RateFailure;
import io.openclaw.node.RateReply;
import io.openclaw.node.RateRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests that reach the edge together go to their shard as one batch or alone, as the event loop's turns fall;
 * either way each request gets exactly its own answer.
 */
@ExtendWith(VertxExtension.class)
class EdgeBatchTest {
  private static final int REQUESTS = 48;

  private final OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(
      "http: {host: 127.0.0.1, port: 0, event_loops: 1}\ncluster: {shards: 1}\n");
  private int port;

  @BeforeEach
  void deployEdge(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    HttpVerticle edge = new HttpVerticle(config, ctx -> ctx.response().end(), router -> { });
    vertx.deployVerticle(edge).onComplete(test.succeeding(id -> {
      port = edge.actualPort();
      test.completeNow();
    }));
  }

  @Test
  void everyRequestGetsItsOwnAnswerFromABatchReply(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().localConsumer(Addresses.bucket(0), EdgeBatchTest::answer);
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(REQUESTS));

    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String clientId = i % 3 == 0 ? "client-" + i + "-fails" : "client-" + i;
      responses.add(client.post(port, "127.0.0.1", "/v1/rate")
          .sendJsonObject(new JsonObject().put("client_id", clientId).put("tokens", i)));
    }

    Future.all(responses).onComplete(test.succeeding(all -> test.verify(() -> {
      for (int i = 0; i < REQUESTS; i++) {
        HttpResponse<Buffer> response = responses.get(i).result();
        if (i % 3 == 0) {
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("sync_unavailable");
        } else {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getLong("remaining_tokens")).isEqualTo(1000L - i);
        }
      }
      test.completeNow();
    })));
  }

  /** A shard that leaves 1000 - tokens and fails the clients whose id says so, alone or in a batch. */
  private static void answer(Message<Object> message) {
    if (message.body() instanceof RateBatch batch) {
      message.reply(new RateBatchReply(batch.requests().stream().map(EdgeBatchTest::outcome).toList()));
      return;
    }
    RateBatchReply.Outcome outcome = outcome((RateRequest) message.body());
    if (outcome.decided()) {
      message.reply(outcome.reply());
    } else {
      message.fail(outcome.failure().code(), "store unreachable");
    }
  }

  private static RateBatchReply.Outcome outcome(RateRequest request) {
    if (request.clientId().endsWith("-fails")) {
      return RateBatchReply.Outcome.failed(RateFailure.SYNC_UNAVAILABLE);
    }
    return RateBatchReply.Outcome.decided(new RateReply(true, 1000 - request.tokens(), 0, 0, Mode.STANDALONE));
  }
}
