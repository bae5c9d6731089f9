package io.openclaw.node;

import io.openclaw.cluster.HazelcastSettings;
import io.openclaw.cluster.RegionClusterManager;
import io.openclaw.cluster.ShardManager;
import io.openclaw.config.ConfigException;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.HealthReporter;
import io.openclaw.http.HttpVerticle;
import io.openclaw.store.LocalBucketStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  private ShardManager shardManager;
  private HttpVerticle http;

  private OpenClawNode(OpenClawConfig config, Vertx vertx, RegionClusterManager clusterManager) {
    this.config = config;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.status = new NodeStatus(config.sync().enabled() ? Mode.GLOBAL : Mode.STANDALONE);
  }

  /**
   * Starts a node; with {@code cluster.enabled} it first joins its region's cluster. The future fails if
   * any part cannot start, after the parts already started are stopped.
   */
  public static Future<OpenClawNode> start(OpenClawConfig config) {
    if (!config.cluster().enabled()) {
      return start(config, Vertx.builder().with(vertxOptions()).build(), null);
    }
    RegionClusterManager clusterManager;
    try {
      clusterManager = new RegionClusterManager(HazelcastSettings.build(config));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    LOG.info("Joining the cluster of region {} as {}", config.region(), HazelcastSettings.clusterName(config.region()));
    return Vertx.builder().with(vertxOptions()).withClusterManager(clusterManager).buildClustered()
        .compose(vertx -> start(config, vertx, clusterManager));
  }

  private static Future<OpenClawNode> start(OpenClawConfig config, Vertx vertx, RegionClusterManager cluster) {
    OpenClawNode node = new OpenClawNode(config, vertx, cluster);
    return node.deploy()
        .map(node)
        .onSuccess(n -> LOG.info("OpenClaw node started: {}", config.summary()))
        .recover(failure -> vertx.close().transform(ignored -> Future.failedFuture(failure)));
  }

  private static VertxOptions vertxOptions() {
    return new VertxOptions();
  }

  private Future<?> deploy() {
    Codecs.register(vertx.eventBus());
    HealthReporter health = new HealthReporter(vertx, config, status);

    return deployShards().compose(v -> deployHttp(health));
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
    LocalBucketStore store = new LocalBucketStore(LocalBucketStore.monotonicClock());
    return new BucketVerticle(shard, config, store, Mode.STANDALONE);
  }

  private Future<String> deployHttp(HealthReporter health) {
    int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, health::handle, router -> { });
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
        .transform(ignored -> vertx.close())
        .onSuccess(v -> LOG.info("OpenClaw node stopped: region={} node={}", config.region(), config.node()));
  }
}
