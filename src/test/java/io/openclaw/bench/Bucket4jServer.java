package io.openclaw.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's peer: the same HTTP front as the rating node (Vert.x Web, one server verticle per event
 * loop, a body handler on {@code POST /v1/rate}, the same JSON answer and RateLimit fields), deciding with
 * Bucket4j's Lettuce-based Redis bucket on Redis Cluster instead. Each decision is an asynchronous
 * {@code tryConsumeAndReturnRemaining} through Bucket4j's async proxy manager; its answer is handed back to the
 * verticle's event loop, which never waits for Redis.
 *
 * <p>Run with the test class path:
 * {@code java -cp CP io.openclaw.bench.Bucket4jServer PORT HOST:PORT[,HOST:PORT...] CAPACITY REFILL [batching]}.
 * {@code batching} turns on Bucket4j's own batching of concurrent requests for one bucket in this JVM.
 */
public final class Bucket4jServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Bucket4jServer.class);
  private static final String SERVICE = "default";
  private static final int PROXY_CACHE_LIMIT = 200_000;

  private final Settings settings;
  private final AsyncProxyManager<byte[]> buckets;
  private final Map<String, AsyncBucketProxy> proxies = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, AsyncBucketProxy> eldest) {
      return size() > PROXY_CACHE_LIMIT;
    }
  };

  /** What the command line says. */
  record Settings(int port, List<String> redisNodes, long capacity, long refillPerSecond, boolean batching) {
    static Settings parse(String[] args) {
      boolean batching = args.length > 4 && args[4].equals("batching");
      return new Settings(Integer.parseInt(args[0]), Arrays.asList(args[1].split(",")), Long.parseLong(args[2]),
          Long.parseLong(args[3]), batching);
    }

    BucketConfiguration bucket() {
      return BucketConfiguration.builder()
          .addLimit(limit -> limit.capacity(capacity).refillGreedy(refillPerSecond, Duration.ofSeconds(1)))
          .build();
    }
  }

  private Bucket4jServer(Settings settings, AsyncProxyManager<byte[]> buckets) {
    this.settings = settings;
    this.buckets = buckets;
  }

  public static void main(String[] args) {
    Settings settings = Settings.parse(args);
    RedisClusterClient client = RedisClusterClient.create(settings.redisNodes().stream()
        .map(node -> RedisURI.create("redis://" + node)).toList());
    StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    Duration expiry = Duration.ofSeconds(2 * Math.max(1, settings.capacity() / settings.refillPerSecond()) + 1);
    AsyncProxyManager<byte[]> buckets = Bucket4jLettuce.casBasedBuilder(connection)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(expiry))
        .build()
        .asAsync();

    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new Bucket4jServer(settings, buckets),
            new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))
        .onSuccess(id -> LOG.info("Bucket4j peer listening: port={} redis={} batching={}", settings.port(),
            settings.redisNodes(), settings.batching()))
        .onFailure(failure -> {
          LOG.error("Bucket4j peer failed to start: {}", failure.toString());
          vertx.close().onComplete(closed -> client.shutdown());
        });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/rate").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::rate);
    return vertx.createHttpServer(new HttpServerOptions().setPort(settings.port()).setHost("127.0.0.1"))
        .requestHandler(router)
        .listen();
  }

  private void rate(RoutingContext ctx) {
    JsonObject request = ctx.body().asJsonObject();
    String clientId = request.getString("client_id");
    long tokens = request.getLong("tokens", 1L);

    Future.fromCompletionStage(proxy(clientId).tryConsumeAndReturnRemaining(tokens), context)
        .onSuccess(probe -> answer(ctx, clientId, probe))
        .onFailure(failure -> {
          LOG.warn("Bucket4j could not decide: {}", failure.toString());
          ctx.response().setStatusCode(503).end();
        });
  }

  private AsyncBucketProxy proxy(String clientId) {
    if (!settings.batching()) {
      return bucket(clientId);
    }
    return proxies.computeIfAbsent(clientId, this::bucket);
  }

  private AsyncBucketProxy bucket(String clientId) {
    byte[] key = ("b4j:{" + SERVICE + ":" + clientId + "}").getBytes(StandardCharsets.UTF_8);
    var builder = buckets.builder();
    if (settings.batching()) {
      builder = builder.withOptimization(Optimizations.batching());
    }
    return builder.build(key, settings.bucket());
  }

  private void answer(RoutingContext ctx, String clientId, ConsumptionProbe probe) {
    long retryAfterMillis = probe.isConsumed() ? 0 : TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill());
    long resetAfterMillis = TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForReset());
    JsonObject body = new JsonObject()
        .put("allowed", probe.isConsumed())
        .put("service", SERVICE)
        .put("client_id", clientId)
        .put("remaining_tokens", probe.getRemainingTokens())
        .put("capacity", settings.capacity())
        .put("refill_rate", settings.refillPerSecond())
        .put("retry_after_ms", retryAfterMillis)
        .put("reset_after_ms", resetAfterMillis)
        .put("mode", "global")
        .put("region", "bench");

    if (!probe.isConsumed()) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000)));
    }
    ctx.response()
        .setStatusCode(probe.isConsumed() ? 200 : 429)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("RateLimit-Policy", "\"" + SERVICE + "\";q=" + settings.capacity())
        .putHeader("RateLimit", "\"" + SERVICE + "\";r=" + probe.getRemainingTokens())
        .end(body.toBuffer());
  }
}
