package io.openclaw.http;

import static io.openclaw.http.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.BucketVerticle;
import io.openclaw.node.Codecs;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A store that cannot be reached turns into 503 with Retry-After, never a 500 or a hang. */
class UnavailableStoreTest {

  /** A store whose backend refuses every connection. */
  private static final class UnreachableStore implements BucketStore {
    @Override
    public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
      return Future.failedFuture(new ConnectException("Connection refused: 127.0.0.1:1"));
    }
  }

  @Test
  void unreachableStoreGives503WithRetryAfter() throws Exception {
    HttpResponse<String> response = answerFrom(new UnreachableStore(), "failover: {retry_after_seconds: 3}");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response)).isEqualTo(new JsonObject()
        .put("type", "https://iana.org/assignments/http-problem-types#temporary-reduced-capacity")
        .put("title", "Temporary Reduced Capacity")
        .put("status", 503)
        .put("error", "sync_unavailable")
        .put("message", "the rate-limit store could not be reached while deciding this request; retry after 3 s"));
  }

  /** A store whose Redis call timed out: it may still have run. */
  private static final class TimedOutStore implements BucketStore {
    @Override
    public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
      return Future.failedFuture(new java.util.concurrent.TimeoutException("Timeout 250 (ms) fired"));
    }
  }

  @Test
  void aTimedOutStoreCallSaysTheRequestMayHaveBeenCounted() throws Exception {
    HttpResponse<String> response = answerFrom(new TimedOutStore(), "");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(json(response).getString("error")).isEqualTo("sync_unavailable");
    assertThat(json(response).getString("message")).isEqualTo("the rate-limit store did not answer in time while "
        + "deciding this request, which it may still have counted; retry after 1 s");
  }

  /** A store with a bug: it throws where it should fail its future. */
  private static final class ThrowingStore implements BucketStore {
    @Override
    public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
      throw new IllegalArgumentException("a policy that cannot be built");
    }
  }

  @Test
  void aStoreThatThrowsIsAnInternalErrorNotAnUnreachableBackend() throws Exception {
    HttpResponse<String> response = answerFrom(new ThrowingStore(), "");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    assertThat(json(response)).isEqualTo(new JsonObject()
        .put("error", "internal_error")
        .put("message", "internal error"));
  }

  /** The answer to one request through a real HTTP edge whose two shards decide with {@code store}. */
  private static HttpResponse<String> answerFrom(BucketStore store, String moreYaml) throws Exception {
    int port = TestPorts.free();
    OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml("""
        http: {host: 127.0.0.1, port: %d}
        cluster: {shards: 2}
        %s
        """.formatted(port, moreYaml));
    Vertx vertx = Vertx.vertx();
    try {
      Codecs.register(vertx.eventBus());
      await(vertx.deployVerticle(new BucketVerticle(0, config, store, Mode.GLOBAL)));
      await(vertx.deployVerticle(new BucketVerticle(1, config, store, Mode.GLOBAL)));
      HealthReporter health = new HealthReporter(vertx, config, new NodeStatus(Mode.GLOBAL));
      await(vertx.deployVerticle(new HttpVerticle(config, health::handle, router -> { })));
      return new TestClient(port).rate("abc", 1, "default");
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
