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
 * Long-lived direct connections to single cluster nodes, one per "host:port", opened on first use. A replica's
 * connection is put in READONLY so it answers reads of its master's slots instead of redirecting them. A
 * connection that fails or closes is forgotten and opened again on the next use. Used on one context only.
 */
final class NodeConnections {
  private record Node(Redis client, Future<RedisConnection> connection) {
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
    return connection(address, replica)
        .compose(conn -> conn.send(request))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(e -> dropUnlessAnswer(address, e));
  }

  private Future<RedisConnection> connection(String address, boolean replica) {
    Node node = nodes.get(address);
    if (node != null) {
      return node.connection();
    }
    Redis client = RedisClients.standalone(vertx, address);
    Future<RedisConnection> opened = client.connect().compose(conn -> replica
        ? conn.send(Request.cmd(Command.READONLY)).map(conn)
        : Future.succeededFuture(conn));
    Node fresh = new Node(client, opened);
    nodes.put(address, fresh);
    opened.onSuccess(conn -> conn.exceptionHandler(e -> forget(address, fresh)).endHandler(v -> forget(address, fresh)));
    opened.onFailure(e -> forget(address, fresh));
    return opened;
  }

  /** An error answer says nothing bad about the connection; anything else (closed, refused, timeout) does. */
  private void dropUnlessAnswer(String address, Throwable failure) {
    if (failure instanceof io.vertx.redis.client.impl.types.ErrorType) {
      return;
    }
    Node node = nodes.get(address);
    if (node != null) {
      forget(address, node);
    }
  }

  private void forget(String address, Node node) {
    if (nodes.get(address) == node) {
      nodes.remove(address);
      close(node);
    }
  }

  /** Closes the connections of nodes that are no longer in {@code keep}. */
  void retainOnly(Collection<String> keep) {
    Set<String> gone = new HashSet<>(nodes.keySet());
    gone.removeAll(keep);
    gone.forEach(address -> forget(address, nodes.get(address)));
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
