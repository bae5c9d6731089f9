package io.openclaw.cluster;

import io.openclaw.node.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads which nodes hold a consumer of a shard's address from the cluster's subscription map, the
 * region-wide truth about who can receive a shard's requests. The lookups run on a worker inside the
 * cluster manager; their results are handed back on the given context.
 */
final class ShardConsumers {
  static final long POLL_MILLIS = 50;

  private final Vertx vertx;
  private final Context context;
  private final ClusterManager cluster;

  ShardConsumers(Vertx vertx, Context context, ClusterManager cluster) {
    this.vertx = vertx;
    this.context = context;
    this.cluster = cluster;
  }

  /** The ids of the nodes that have a consumer of the shard right now. */
  Future<List<String>> of(int shard) {
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    cluster.getRegistrations(Addresses.bucket(shard), registrations);
    Promise<List<String>> onContext = Promise.promise();
    registrations.future().onComplete(result -> context.runOnContext(v -> onContext.handle(
        result.map(list -> list.stream().map(RegistrationInfo::nodeId).toList()))));
    return onContext.future();
  }

  /**
   * Removes this node's entry for the shard from the subscription map, leaving its local consumer in
   * place: other nodes stop routing the shard here as soon as they see the change, while a request that
   * was already routed here still finds a consumer (which refuses it) instead of being dropped.
   */
  Future<Void> withdraw(int shard) {
    String address = Addresses.bucket(shard);
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    cluster.getRegistrations(address, registrations);
    Promise<Void> onContext = Promise.promise();
    registrations.future()
        .compose(list -> removeOwn(address, list))
        .onComplete(result -> context.runOnContext(v -> onContext.handle(result)));
    return onContext.future();
  }

  private Future<Void> removeOwn(String address, List<RegistrationInfo> registrations) {
    List<Future<?>> removed = new ArrayList<>();
    for (RegistrationInfo registration : registrations) {
      if (registration.nodeId().equals(cluster.getNodeId()) && !registration.localOnly()) {
        Promise<Void> promise = Promise.promise();
        cluster.removeRegistration(address, registration, promise);
        removed.add(promise.future());
      }
    }
    return Future.join(removed).mapEmpty();
  }

  /**
   * Polls until the shard's consumers satisfy the condition or the deadline ({@link System#nanoTime})
   * passes; completes with the consumers last seen, whichever happened.
   */
  Future<List<String>> awaitUntil(int shard, Predicate<List<String>> condition, long deadline) {
    return of(shard).compose(holders -> {
      if (condition.test(holders) || System.nanoTime() - deadline > 0) {
        return Future.succeededFuture(holders);
      }
      return vertx.timer(POLL_MILLIS).compose(v -> awaitUntil(shard, condition, deadline));
    });
  }
}
