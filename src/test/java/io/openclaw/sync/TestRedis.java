package io.openclaw.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis Cluster that scripts/test.sh started for the integration tests, named by
 * OPENCLAW_TEST_REDIS_NODES (host:port,...) or OPENCLAW_TEST_REDIS_BASE_PORT. A test without them fails: an
 * integration test is never skipped for a missing cluster.
 */
public final class TestRedis {
  private TestRedis() {
  }

  public static List<String> nodes() {
    String nodes = System.getenv("OPENCLAW_TEST_REDIS_NODES");
    if (nodes != null && !nodes.isBlank()) {
      return Arrays.stream(nodes.split(",")).map(String::strip).toList();
    }
    String base = System.getenv("OPENCLAW_TEST_REDIS_BASE_PORT");
    assertThat(base).as("set OPENCLAW_TEST_REDIS_NODES or OPENCLAW_TEST_REDIS_BASE_PORT to a running Redis Cluster"
        + " (scripts/test.sh does both)").isNotBlank();
    int port = Integer.parseInt(base.strip());
    return List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2));
  }

  /** The cluster_nodes list of a test config: {@code [a, b, c]}. */
  public static String yamlList() {
    return "[" + String.join(", ", nodes()) + "]";
  }

  /** Sends one command to one node directly and waits for the answer. */
  public static Response send(Vertx vertx, String address, Request request) throws Exception {
    return sendAll(vertx, address, List.of(request));
  }

  /** Sends commands in order over one connection to one node; returns the last answer. */
  public static Response sendAll(Vertx vertx, String address, List<Request> requests) throws Exception {
    Redis client = RedisClients.standalone(vertx, address);
    try {
      RedisConnection conn = client.connect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      try {
        Response last = null;
        for (Request request : requests) {
          last = conn.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        return last;
      } finally {
        conn.close();
      }
    } finally {
      client.close();
    }
  }

  /** The cluster's topology as one of its nodes sees it now. */
  public static ClusterTopology topology(Vertx vertx) throws Exception {
    return ClusterTopology.parse(send(vertx, nodes().get(0), Request.cmd(Command.CLUSTER).arg("NODES")).toString());
  }
}
