package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Addresses;
import io.openclaw.node.Codecs;
import io.openclaw.node.Mode;
import io.openclaw.node.RateFailure;
import io.openclaw.node.RateReply;
import io.openclaw.node.RateRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the HTTP edge does when the shard it sends to is moving: which failures it retries, and how often. */
@ExtendWith(VertxExtension.class)
class ShardMoveRetryTest {
  private static final String SHARD = Addresses.bucket(0);

  private final OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(
      "http: {host: 127.0.0.1, port: 0}\ncluster: {shards: 1}\n");
  private final AtomicInteger received = new AtomicInteger();
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
  void sendsAgainOnceWhenTheShardRefusedBecauseItIsMoving(Vertx vertx, VertxTestContext test) {
    shard(vertx, message -> {
      if (received.incrementAndGet() == 1) {
        message.fail(RateFailure.SHARD_UNAVAILABLE.code(), "moving");
      } else {
        message.reply(new RateReply(true, 9, 0, 0, Mode.STANDALONE));
      }
    });

    rate(vertx).onComplete(test.succeeding(response -> test.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(received).hasValue(2);
      test.completeNow();
    })));
  }

  @Test
  void answers503WhenTheShardStillRefusesAfterTheRetry(Vertx vertx, VertxTestContext test) {
    shard(vertx, message -> {
      received.incrementAndGet();
      message.fail(RateFailure.SHARD_UNAVAILABLE.code(), "moving");
    });

    rate(vertx).onComplete(test.succeeding(response -> test.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.getHeader("Retry-After")).isEqualTo("1");
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("shard_unavailable");
      assertReducedCapacityProblem(response);
      assertThat(received).hasValue(2);
      test.completeNow();
    })));
  }

  @Test
  void sendsAgainWhenNoNodeHadAConsumerForTheShard(Vertx vertx, VertxTestContext test) {
    vertx.setTimer(HttpVerticle.SHARD_MOVE_RETRY_MILLIS / 3, id -> shard(vertx, message -> {
      received.incrementAndGet();
      message.reply(new RateReply(true, 9, 0, 0, Mode.STANDALONE));
    }));

    rate(vertx).onComplete(test.succeeding(response -> test.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(received).hasValue(1);
      test.completeNow();
    })));
  }

  @Test
  void neverSendsAgainAfterAFailureThatMayHideADecision(Vertx vertx, VertxTestContext test) {
    shard(vertx, message -> {
      received.incrementAndGet();
      message.fail(RateFailure.SYNC_UNAVAILABLE.code(), "store unreachable");
    });

    rate(vertx).onComplete(test.succeeding(response -> test.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("sync_unavailable");
      assertReducedCapacityProblem(response);
      assertThat(received).hasValue(1);
      test.completeNow();
    })));
  }

  private static void assertReducedCapacityProblem(HttpResponse<io.vertx.core.buffer.Buffer> response) {
    JsonObject body = response.bodyAsJsonObject();
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(body.getString("type")).isEqualTo(HttpErrors.REDUCED_CAPACITY_TYPE);
    assertThat(body.getString("title")).isEqualTo("Temporary Reduced Capacity");
    assertThat(body.getInteger("status")).isEqualTo(503);
    assertThat(body.getString("message")).isNotBlank();
  }

  private void shard(Vertx vertx, Consumer<Message<RateRequest>> handler) {
    vertx.eventBus().<RateRequest>localConsumer(SHARD, handler::accept);
  }

  private Future<HttpResponse<io.vertx.core.buffer.Buffer>> rate(Vertx vertx) {
    return WebClient.create(vertx).post(port, "127.0.0.1", "/v1/rate")
        .sendJsonObject(new JsonObject().put("client_id", "moving-client"));
  }
}
