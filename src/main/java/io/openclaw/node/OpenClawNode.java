package io.openclaw.node;

import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.HealthReporter;
import io.openclaw.http.HttpVerticle;
import io.openclaw.metrics.Metrics;
import io.openclaw.metrics.NodeMetrics;
import io.openclaw.store.LocalBucketStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running OpenClaw node: its Vert.x instance and the verticles of the configured topology. */
public final class OpenClawNode {
  private static final Logger LOG = LoggerFactory.getLogger(OpenClawNode.class);

  private final OpenClawConfig config;
  private final Vertx vertx;
  private final NodeStatus status;
  private final NodeMetrics nodeMetrics;
  private final Metrics metrics;
  private HttpVerticle http;

  private OpenClawNode(OpenClawConfig config, Vertx vertx, NodeMetrics nodeMetrics) {
    this.config = config;
    this.vertx = vertx;
    this.status = new NodeStatus(config.sync().enabled() ? Mode.GLOBAL : Mode.STANDALONE);
    this.nodeMetrics = nodeMetrics;
    this.metrics = nodeMetrics.serviceMetrics(status);
  }

  /** Starts a node; the future fails if any part cannot start, after the parts already started are stopped. */
  public static Future<OpenClawNode> start(OpenClawConfig config) {
    NodeMetrics nodeMetrics = NodeMetrics.create(config);
    Vertx vertx = nodeMetrics.vertxBuilder(Vertx.builder(), vertxOptions(config)).build();
    OpenClawNode node = new OpenClawNode(config, vertx, nodeMetrics);
    return node.deploy()
        .map(node)
        .onSuccess(n -> LOG.info("OpenClaw node started: {}", config.summary()))
        .recover(failure -> node.closeVertx().transform(ignored -> Future.failedFuture(failure)));
  }

  private static VertxOptions vertxOptions(OpenClawConfig config) {
    return new VertxOptions().setEventLoopPoolSize(config.http().eventLoops());
  }

  private Future<?> deploy() {
    Codecs.register(vertx.eventBus());
    HealthReporter health = new HealthReporter(vertx, config, status);
    metrics.startUtilizationWindow(vertx);

    return deployShards().compose(v -> deployHttp(health));
  }

  private Future<Void> deployShards() {
    List<Future<String>> deployments = new ArrayList<>();
    for (int shard = 0; shard < config.cluster().shards(); shard++) {
      deployments.add(vertx.deployVerticle(newShard(shard)));
    }
    return Future.all(deployments).onSuccess(v -> status.shardsOwned(config.cluster().shards())).mapEmpty();
  }

  /** The verticle that owns one shard, with the store this node's configuration asks for. */
  BucketVerticle newShard(int shard) {
    LocalBucketStore store = new LocalBucketStore(LocalBucketStore.monotonicClock());
    return new BucketVerticle(shard, config, store, Mode.STANDALONE);
  }

  private Future<String> deployHttp(HealthReporter health) {
    int instances = config.http().eventLoops();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, health::handle,
          router -> nodeMetrics.addRoutes(router, metrics), metrics);
      if (http == null) {
        http = verticle;
      }
      return verticle;
    }, options);
  }

  public OpenClawConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeStatus status() {
    return status;
  }

  /** Where the sync and failover code report round trips and failures. */
  public Metrics metrics() {
    return metrics;
  }

  /** The port the HTTP server listens on. */
  public int httpPort() {
    return http.actualPort();
  }

  public Future<Void> stop() {
    LOG.info("OpenClaw node stopping: region={} node={}", config.region(), config.node());
    return closeVertx();
  }

  private Future<Void> closeVertx() {
    return vertx.close().onComplete(ignored -> nodeMetrics.close());
  }
}
