package io.openclaw.http;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.metrics.Metrics;
import io.openclaw.metrics.NodeMetrics;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.node.RateReply;
import io.openclaw.node.RateRequest;
import io.openclaw.store.LocalBucketStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A benchmark probe, never part of the product: the rating node's HTTP edge with nothing behind it but a bucket
 * map. It reads a request as the node does ({@link HttpVerticle#parse}), decides it with a {@link LocalBucketStore}
 * owned by the same event loop, and writes the node's answer with {@link PolicyView#answer}; there
 * is no event-bus hop to a shard verticle. When the config enables metrics it has the node's: the Vert.x HTTP
 * server meters and the decision counters, on a Prometheus registry as the node builds it. Each event loop keeps
 * its own buckets, so a client's requests arriving on two connections are decided against two buckets: it is not
 * a rate limiter, only the upper bound of what the node can reach over the bare route with the same metrics.
 *
 * <p>Run with the test class path: {@code java -cp CP io.openclaw.http.EdgeOnlyServer PORT CONFIG.yaml}.
 */
public final class EdgeOnlyServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeOnlyServer.class);

  private final int port;
  private final OpenClawConfig config;
  private final RateRequestParser parser;
  private final LocalBucketStore store = new LocalBucketStore(LocalBucketStore.monotonicClock());
  private final Map<String, PolicyView> views = new HashMap<>();
  private final Metrics metrics;

  private EdgeOnlyServer(int port, OpenClawConfig config, Metrics metrics) {
    this.port = port;
    this.config = config;
    this.metrics = metrics;
    this.parser = new RateRequestParser(config.buckets());
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: EdgeOnlyServer PORT CONFIG.yaml");
      System.exit(3);
    }
    int port = Integer.parseInt(args[0]);
    OpenClawConfig config = ConfigLoader.withSystemEnv().load(Path.of(args[1]));
    NodeMetrics nodeMetrics = NodeMetrics.create(config);
    Vertx vertx = nodeMetrics.vertxBuilder(Vertx.builder(),
        new VertxOptions().setEventLoopPoolSize(config.http().eventLoops())).build();
    Metrics metrics = nodeMetrics.serviceMetrics(new NodeStatus(Mode.STANDALONE));
    vertx.deployVerticle(() -> new EdgeOnlyServer(port, config, metrics),
            new DeploymentOptions().setInstances(config.http().eventLoops()))
        .onSuccess(id -> LOG.info("Edge-only server listening: port={} event_loops={} metrics={}", port,
            config.http().eventLoops(), config.metrics().enabled()))
        .onFailure(failure -> {
          LOG.error("Edge-only server failed to start: {}", failure.toString());
          vertx.close();
        });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/rate")
        .handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()))
        .handler(this::rate);
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(router)
        .listen();
  }

  private void rate(RoutingContext ctx) {
    RateRequest request;
    try {
      request = HttpVerticle.parse(ctx, parser);
    } catch (BadRequest e) {
      HttpVerticle.sendError(ctx, e.status(), e.error(), e.getMessage());
      return;
    }
    BucketPolicy policy = config.buckets().policyFor(request.service());
    Decision decision = store.decideNow(request.key(), policy, new long[] {request.tokens()}).get(0);
    RateReply reply = new RateReply(decision.allowed(), decision.remainingTokens(), decision.retryAfterMillis(),
        decision.resetAfterMillis(), Mode.STANDALONE);
    PolicyView view = views.computeIfAbsent(request.service(),
        service -> PolicyView.of(service, policy, Mode.STANDALONE, config.region()));
    metrics.decided(request.service(), reply.allowed(), reply.mode(), reply.remainingTokens(), view.capacity());
    view.answer(ctx.response(), request.clientId(), reply);
  }
}
