package io.openclaw.node;

import io.openclaw.cluster.HazelcastSettings;
import io.openclaw.cluster.RegionClusterManager;
import io.openclaw.cluster.ShardManager;
import io.openclaw.config.ConfigException;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.failover.FailoverState;
import io.openclaw.failover.FailoverStore;
import io.openclaw.failover.FailoverVerticle;
import io.openclaw.failover.JournalKeeper;
import io.openclaw.http.HealthReporter;
import io.openclaw.http.HttpVerticle;
import io.openclaw.metrics.Metrics;
import io.openclaw.metrics.NodeMetrics;
import io.openclaw.store.LocalBucketStore;
import io.openclaw.store.RedisBucketStore;
import io.openclaw.sync.RedisClients;
import io.openclaw.sync.SyncVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running OpenClaw node: its Vert.x instance and the verticles of the configured topology. */
public final class OpenClawNode {
  private static final Logger LOG = LoggerFactory.getLogger(OpenClawNode.class);
  private static final long HAND_OVER_TIMEOUT_SECONDS = 5;

  private final OpenClawConfig config;
  private final Vertx vertx;
  private final RegionClusterManager clusterManager;
  private final NodeStatus status;
  private final NodeMetrics nodeMetrics;
  private final Metrics metrics;
  private final FailoverState failover;
  private ShardManager shardManager;
  private JournalKeeper journalKeeper;
  private HttpVerticle http;

  private OpenClawNode(OpenClawConfig config, Vertx vertx, RegionClusterManager clusterManager,
      NodeMetrics nodeMetrics) {
    this.config = config;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.status = new NodeStatus(config.sync().enabled() ? Mode.GLOBAL : Mode.STANDALONE);
    this.nodeMetrics = nodeMetrics;
    this.metrics = nodeMetrics.serviceMetrics(status);
    this.failover = config.sync().enabled() ? new FailoverState(status, config.sync().failureThreshold()) : null;
  }

  /**
   * Starts a node; with {@code cluster.enabled} it first joins its region's cluster. The future fails if
   * any part cannot start, after the parts already started are stopped.
   */
  public static Future<OpenClawNode> start(OpenClawConfig config) {
    NodeMetrics nodeMetrics = NodeMetrics.create(config);
    VertxBuilder builder = nodeMetrics.vertxBuilder(Vertx.builder(), vertxOptions(config));
    if (!config.cluster().enabled()) {
      return start(config, builder.build(), null, nodeMetrics);
    }
    RegionClusterManager clusterManager;
    try {
      clusterManager = new RegionClusterManager(HazelcastSettings.build(config));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    LOG.info("Joining the cluster of region {} as {}", config.region(), HazelcastSettings.clusterName(config.region()));
    return builder.withClusterManager(clusterManager).buildClustered()
        .compose(vertx -> start(config, vertx, clusterManager, nodeMetrics));
  }

  private static Future<OpenClawNode> start(OpenClawConfig config, Vertx vertx, RegionClusterManager cluster,
      NodeMetrics nodeMetrics) {
    OpenClawNode node = new OpenClawNode(config, vertx, cluster, nodeMetrics);
    return node.deploy()
        .map(node)
        .onSuccess(n -> LOG.info("OpenClaw node started: {}", config.summary(n.httpPort())))
        .recover(failure -> node.closeVertx().transform(ignored -> Future.failedFuture(failure)));
  }

  private static VertxOptions vertxOptions(OpenClawConfig config) {
    return new VertxOptions().setEventLoopPoolSize(config.http().eventLoops());
  }

  private Future<?> deploy() {
    Codecs.register(vertx.eventBus());
    HealthReporter health = new HealthReporter(vertx, config, status);
    metrics.startUtilizationWindow(vertx);

    return deploySync(health).compose(v -> deployShards()).compose(v -> deployHttp(health));
  }

  private Future<?> deployShards() {
    if (clusterManager != null) {
      shardManager = new ShardManager(config.cluster().shards(), clusterManager, this::newShard, status);
      return vertx.deployVerticle(shardManager);
    }
    List<Future<String>> deployments = new ArrayList<>();
    for (int shard = 0; shard < config.cluster().shards(); shard++) {
      deployments.add(vertx.deployVerticle(newShard(shard)));
    }
    return Future.all(deployments).onSuccess(v -> status.shardsOwned(config.cluster().shards())).mapEmpty();
  }

  /** The verticle that owns one shard, with the store this node's configuration asks for. */
  BucketVerticle newShard(int shard) {
    if (failover == null) {
      LocalBucketStore store = new LocalBucketStore(LocalBucketStore.monotonicClock());
      return new BucketVerticle(shard, config, store, Mode.STANDALONE);
    }
    RedisBucketStore global = new RedisBucketStore(vertx, RedisClients.cluster(vertx, config.sync()), config,
        failover);
    FailoverStore store = new FailoverStore(global, failover, config.failover().localCapacityRatio(),
        LocalBucketStore.monotonicClock(), config.node() + ":" + shard, journalKeeper);
    return new BucketVerticle(shard, config, store, Mode.GLOBAL);
  }

  /** In global mode: the sync verticle (Redis watch) and the failover verticle (mode machine). */
  private Future<?> deploySync(HealthReporter health) {
    if (failover == null) {
      return Future.succeededFuture();
    }
    journalKeeper = new JournalKeeper(new RedisBucketStore(vertx, RedisClients.cluster(vertx, config.sync()), config,
        failover), failover, LocalBucketStore.monotonicClock());
    return vertx.deployVerticle(new SyncVerticle(config, status, failover, metrics, health))
        .compose(id -> vertx.deployVerticle(journalKeeper))
        .compose(id -> vertx.deployVerticle(new FailoverVerticle(config, failover, metrics)));
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

  /** The region's cluster manager, or null when this node runs alone. */
  public RegionClusterManager clusterManager() {
    return clusterManager;
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

  /** Stops the node; a clustered node first hands its shards over to the rest of the region. */
  public Future<Void> stop() {
    LOG.info("OpenClaw node stopping: region={} node={}", config.region(), config.node());
    Future<Void> handedOver = shardManager == null
        ? Future.succeededFuture()
        : shardManager.handOver().timeout(HAND_OVER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return handedOver
        .onFailure(e -> LOG.warn("Shard hand-over did not finish, stopping anyway: {}", e.toString()))
        .transform(ignored -> closeVertx())
        .onSuccess(v -> LOG.info("OpenClaw node stopped: region={} node={}", config.region(), config.node()));
  }

  private Future<Void> closeVertx() {
    return vertx.close().onComplete(ignored -> nodeMetrics.close());
  }
}
