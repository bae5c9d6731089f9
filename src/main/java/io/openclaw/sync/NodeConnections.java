package io.openclaw.sync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Long-lived direct connections to single cluster nodes, opened on first use: per "host:port" one plain
 * connection and, for a replica, one in READONLY so it answers reads of its master's slots instead of
 * redirecting them. They are kept apart because roles change: a master that was demoted to replica needs a
 * READONLY connection for the heartbeat reads. A connection that fails or closes is forgotten and opened again
 * on the next use. Used on one context only.
 */
final class NodeConnections {
  private record Node(String address, Redis client, Future<RedisConnection> connection) {
  }

  private final Vertx vertx;
  private final long timeoutMillis;
  private final Map<String, Node> nodes = new HashMap<>();

  NodeConnections(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends {@code request} to the node at {@code address}; {@code replica} connections are READONLY. */
  Future<Response> send(String address, boolean replica, Request request) {
    String key = replica ? address + "#readonly" : address;
    return connection(key, address, replica)
        .compose(conn -> conn.send(request))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(e -> dropUnlessAnswer(key, e));
  }

  private Future<RedisConnection> connection(String key, String address, boolean replica) {
    Node node = nodes.get(key);
    if (node != null) {
      return node.connection();
    }
    Redis client = RedisClients.standalone(vertx, address);
    Future<RedisConnection> opened = client.connect().compose(conn -> replica
        ? conn.send(Request.cmd(Command.READONLY)).map(conn)
        : Future.succeededFuture(conn));
    Node fresh = new Node(address, client, opened);
    nodes.put(key, fresh);
    opened.onSuccess(conn -> conn.exceptionHandler(e -> forget(key, fresh)).endHandler(v -> forget(key, fresh)));
    opened.onFailure(e -> forget(key, fresh));
    return opened;
  }

  /** An error answer says nothing bad about the connection; anything else (closed, refused, timeout) does. */
  private void dropUnlessAnswer(String key, Throwable failure) {
    if (failure instanceof io.vertx.redis.client.impl.types.ErrorType) {
      return;
    }
    Node node = nodes.get(key);
    if (node != null) {
      forget(key, node);
    }
  }

  private void forget(String key, Node node) {
    if (nodes.get(key) == node) {
      nodes.remove(key);
      close(node);
    }
  }

  /** Closes the connections of nodes whose address is no longer in {@code keep}. */
  void retainOnly(Collection<String> keep) {
    Set<String> gone = new HashSet<>();
    nodes.forEach((key, node) -> {
      if (!keep.contains(node.address())) {
        gone.add(key);
      }
    });
    gone.forEach(key -> forget(key, nodes.get(key)));
  }

  Future<Void> closeAll() {
    nodes.values().forEach(NodeConnections::close);
    nodes.clear();
    return Future.succeededFuture();
  }

  private static void close(Node node) {
    node.connection().onSuccess(conn -> conn.close()).onComplete(ignored -> node.client().close());
  }
}
