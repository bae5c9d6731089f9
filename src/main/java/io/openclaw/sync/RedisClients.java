package io.openclaw.sync;

import io.openclaw.config.OpenClawConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;

/** How OpenClaw talks to Redis Cluster: the client settings in one place. */
public final class RedisClients {
  /** Connect attempts give up after this long, so an unreachable node fails fast. */
  static final int CONNECT_TIMEOUT_MILLIS = 500;

  private RedisClients() {
  }

  /**
   * A cluster client: reads and writes go to masters only (replicas may lag), the slot map is refreshed
   * every second so a promoted replica is found, and a connection holds many pipelined requests.
   */
  public static Redis cluster(Vertx vertx, OpenClawConfig.Sync sync) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.CLUSTER)
        .setUseReplicas(RedisReplicas.NEVER)
        .setTopologyCacheTTL(1000)
        .setMaxWaitingHandlers(65_536)
        .setMaxPoolSize(8)
        .setMaxPoolWaiting(64)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    for (String endpoint : sync.clusterNodes()) {
      options.addConnectionString("redis://" + endpoint);
    }
    return Redis.createClient(vertx, options);
  }

  /** A client for one node ("host:port") of the cluster, talking to it directly, never redirected. */
  public static Redis standalone(Vertx vertx, String endpoint) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.STANDALONE)
        .setConnectionString("redis://" + endpoint)
        .setMaxPoolSize(1)
        .setMaxPoolWaiting(16)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    return Redis.createClient(vertx, options);
  }
}
