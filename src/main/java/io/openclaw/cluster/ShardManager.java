package io.openclaw.cluster;

import io.openclaw.node.Addresses;
import io.openclaw.node.BucketVerticle;
import io.openclaw.node.NodeStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's share of the region's bucket shards deployed, following {@link ShardOwnership} as
 * members join and leave.
 *
 * <p>Hand-over. A shard must never have two deciding consumers in the region, and must not stay without
 * one for longer than the move takes. On every membership change each node recomputes its shards from
 * the member list it sees. A node that loses a shard releases it at once: its bucket verticle starts
 * refusing new requests (the refusal tells the sender the request was not decided), the node removes its
 * entry for the shard from the cluster's subscription map, waits 200 ms for the other nodes to learn of
 * the change, and only then undeploys the verticle. The order matters: Vert.x drops, without any answer,
 * a request that reaches a node whose consumer is already gone, and other nodes route with a copy of the
 * map that lags by some milliseconds; a consumer that lingers and refuses turns those requests into quick
 * retries instead of timeouts. A node that gains a shard deploys it only once the subscription map shows
 * no consumer for the shard's address anywhere, polling every 50 ms. The map is checked rather than
 * waiting a fixed delay because it shows the actual release: on a loaded machine that can take longer
 * than any delay one would pick, on an idle one far less. The releasing side never waits for anybody, so
 * the hand-over cannot deadlock. The gaining side waits at most 5 s: a consumer still registered after
 * that belongs to a node whose view of the membership is stuck, and the shard is taken over anyway, with
 * a warning, rather than left without an owner.
 *
 * <p>When a member dies and is dropped by Hazelcast, the cluster manager removes its registrations before
 * the listeners hear of it, so its shards are taken over without waiting (requests in flight to it time
 * out and are answered 503). A member that stops in order does not wait for Hazelcast to notice: it
 * first announces on the event bus that it is leaving, every node drops it from the member list it
 * computes with, and it releases its shards as above while it is still a member, then keeps running until
 * the subscription map shows them consumed elsewhere. An announcement that is not followed by the
 * departure is forgotten after a minute. While a shard has no consumer at all, requests for it fail with
 * NO_HANDLERS, which also proves they were not decided; the HTTP edge retries a request once after either
 * proof and otherwise answers 503 with Retry-After.
 *
 * <p>All state is touched on this verticle's context only. A periodic check repairs whatever a lost event
 * or a failed deployment left behind.
 */
public final class ShardManager extends VerticleBase implements NodeListener {
  private static final Logger LOG = LoggerFactory.getLogger(ShardManager.class);
  static final long RELEASE_WAIT_MILLIS = 5_000;
  static final long TAKE_OVER_WAIT_MILLIS = 3_000;
  static final long UPDATE_SLACK_MILLIS = 200;
  static final long CHECK_PERIOD_MILLIS = 5_000;
  static final long LEAVING_FORGOTTEN_MILLIS = 60_000;

  private final ShardOwnership ownership;
  private final RegionClusterManager cluster;
  private final IntFunction<BucketVerticle> shardFactory;
  private final NodeStatus status;
  private final Map<Integer, Deployment> deployments = new TreeMap<>();
  private final Set<Integer> acquiring = new HashSet<>();
  private final Map<String, Long> leaving = new HashMap<>();
  private ShardConsumers consumers;
  private boolean stopped;

  public ShardManager(int shards, RegionClusterManager cluster, IntFunction<BucketVerticle> shardFactory,
      NodeStatus status) {
    this.ownership = new ShardOwnership(shards);
    this.cluster = cluster;
    this.shardFactory = shardFactory;
    this.status = status;
  }

  @Override
  public Future<?> start() {
    consumers = new ShardConsumers(vertx, context, cluster);
    cluster.addMembershipListener(this);
    vertx.setPeriodic(CHECK_PERIOD_MILLIS, id -> periodicCheck());
    return vertx.eventBus().<String>consumer(Addresses.CLUSTER_LEAVING, notice -> memberLeaving(notice.body()))
        .completion()
        .compose(v -> rebalance("node started"));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    cluster.removeMembershipListener(this);
    return Future.succeededFuture();
  }

  /**
   * Tells the region this node is stopping and releases its shards while it is still a member, so that
   * the others take them over at once; completes when the others hold them (at most a few seconds).
   */
  public Future<Void> handOver() {
    Promise<Void> handedOver = Promise.promise();
    context.runOnContext(v -> {
      String self = cluster.getNodeId();
      List<Integer> held = new ArrayList<>(deployments.keySet());
      vertx.eventBus().publish(Addresses.CLUSTER_LEAVING, self);
      leaving.put(self, System.nanoTime());
      rebalance("this node is stopping")
          .compose(released -> liveMembers().isEmpty() ? Future.succeededFuture() : awaitTakenOver(held))
          .onComplete(handedOver);
    });
    return handedOver.future();
  }

  /**
   * Waits until the shards this node released have consumers elsewhere, then a moment for the update to
   * reach every node's routing, so that the region is whole again before this node closes and its own
   * HTTP edge, still serving meanwhile, forwards to the new owners rather than answering 503.
   */
  private Future<Void> awaitTakenOver(List<Integer> released) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TAKE_OVER_WAIT_MILLIS);
    List<Future<?>> takenOver = new ArrayList<>();
    for (int shard : released) {
      takenOver.add(consumers.awaitUntil(shard, holders -> !holders.isEmpty(), deadline));
    }
    return Future.join(takenOver).transform(done -> vertx.timer(UPDATE_SLACK_MILLIS)).mapEmpty();
  }

  @Override
  public void nodeAdded(String nodeId) {
    context.runOnContext(v -> rebalance("member " + nodeId + " joined"));
  }

  @Override
  public void nodeLeft(String nodeId) {
    context.runOnContext(v -> {
      leaving.remove(nodeId);
      rebalance("member " + nodeId + " left");
    });
  }

  private void memberLeaving(String nodeId) {
    if (leaving.putIfAbsent(nodeId, System.nanoTime()) == null) {
      rebalance("member " + nodeId + " announced it is stopping");
    }
  }

  private void periodicCheck() {
    long now = System.nanoTime();
    long forgotten = TimeUnit.MILLISECONDS.toNanos(LEAVING_FORGOTTEN_MILLIS);
    leaving.values().removeIf(announced -> now - announced > forgotten);
    rebalance("periodic check");
  }

  /** Brings the deployed shards in line with the current members; completes when this round is over. */
  private Future<Void> rebalance(String reason) {
    List<String> members = liveMembers();
    SortedSet<Integer> target = ownership.shardsOf(cluster.getNodeId(), members);
    SortedSet<Integer> lost = minus(deployments.keySet(), target);
    SortedSet<Integer> gained = minus(minus(target, deployments.keySet()), acquiring);
    if (stopped || lost.isEmpty() && gained.isEmpty()) {
      return Future.succeededFuture();
    }

    LOG.debug("Membership changed, moving shards: reason={} members={} gaining={} losing={}", reason,
        members.size(), gained, lost);
    Future<Void> released = release(lost);
    Future<Void> acquired = acquireAll(gained);
    return Future.join(released, acquired).transform(done -> {
      report(reason, liveMembers().size(), gained, lost);
      if (done.failed()) {
        LOG.warn("Rebalance incomplete, retrying within {} s: {}", CHECK_PERIOD_MILLIS / 1000,
            done.cause().toString());
      }
      return done.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(done.cause());
    });
  }

  private void report(String reason, int members, Set<Integer> gained, Set<Integer> lost) {
    SortedSet<Integer> deployed = new TreeSet<>(gained);
    deployed.retainAll(deployments.keySet());
    LOG.info("Shards rebalanced: owned {} of {} (gained {}, lost {}), members={} after {}",
        deployments.size(), ownership.shards(), deployed, lost, members, reason);
  }

  private Future<Void> release(Collection<Integer> shards) {
    List<Future<?>> released = new ArrayList<>();
    for (int shard : shards) {
      released.add(release(shard, deployments.remove(shard)));
    }
    publishStatus();
    return Future.join(released).mapEmpty();
  }

  /** Refuses new requests, leaves the subscription map, lets the others see it, then undeploys. */
  private Future<Void> release(int shard, Deployment deployment) {
    deployment.verticle().refuseRequests();
    return consumers.withdraw(shard)
        .transform(withdrawn -> vertx.timer(UPDATE_SLACK_MILLIS))
        .transform(waited -> vertx.undeploy(deployment.id()));
  }

  private Future<Void> acquireAll(Collection<Integer> shards) {
    List<Future<?>> acquired = new ArrayList<>();
    for (int shard : shards) {
      acquired.add(acquire(shard));
    }
    return Future.join(acquired).mapEmpty();
  }

  private Future<Void> acquire(int shard) {
    acquiring.add(shard);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RELEASE_WAIT_MILLIS);
    return awaitRelease(shard, deadline)
        .compose(v -> deployIfStillOwned(shard))
        .eventually(() -> {
          acquiring.remove(shard);
          return Future.succeededFuture();
        });
  }

  /** Completes once no node in the region has a consumer for the shard, or when waiting is over. */
  private Future<Void> awaitRelease(int shard, long deadline) {
    return consumers.awaitUntil(shard, holders -> holders.isEmpty() || stopped, deadline).map(holders -> {
      if (!holders.isEmpty() && !stopped) {
        LOG.warn("Shard {} still has a consumer on {} after {} ms, taking it over so that it keeps an owner",
            shard, holders, RELEASE_WAIT_MILLIS);
      }
      return null;
    });
  }

  private Future<Void> deployIfStillOwned(int shard) {
    if (stopped || !ownsNow(shard)) {
      return Future.succeededFuture();
    }
    BucketVerticle verticle = shardFactory.apply(shard);
    return vertx.deployVerticle(verticle).compose(id -> {
      deployments.put(shard, new Deployment(id, verticle));
      publishStatus();
      return ownsNow(shard) ? Future.succeededFuture() : release(List.of(shard));
    });
  }

  private boolean ownsNow(int shard) {
    List<String> members = liveMembers();
    String self = cluster.getNodeId();
    return members.contains(self) && self.equals(ownership.ownerOf(shard, members));
  }

  /**
   * The OpenClaw members as Hazelcast sees them (a local read), less those that announced they are stopping.
   * Members that are not OpenClaw nodes (an event listener in the region's cluster) own no shard.
   */
  private List<String> liveMembers() {
    List<String> members = new ArrayList<>(cluster.openClawNodes());
    members.removeAll(leaving.keySet());
    return members;
  }

  private void publishStatus() {
    status.ownedShards(new ArrayList<>(deployments.keySet()));
  }

  private record Deployment(String id, BucketVerticle verticle) {
  }

  private static SortedSet<Integer> minus(Collection<Integer> from, Collection<Integer> removed) {
    SortedSet<Integer> result = new TreeSet<>(from);
    result.removeAll(removed);
    return result;
  }
}
