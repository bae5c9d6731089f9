package io.openclaw.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures one master's replication lag: writes a fresh value to a heartbeat key in a slot that master serves,
 * then reads the key from each of its replicas (READONLY connections) every {@link #POLL_MILLIS} until the
 * replica shows that value or {@code limitMillis} have passed since the master acknowledged the write.
 */
final class HeartbeatProbe {
  static final long POLL_MILLIS = 2;
  /** After a failed read (replica unreachable) wait longer, so a dead replica is not hammered. */
  static final long RETRY_AFTER_FAILURE_MILLIS = 50;
  static final String KEY_PREFIX = "openclaw:heartbeat:";
  private static final long KEY_TTL_MILLIS = 60_000;

  private final Vertx vertx;
  private final NodeConnections nodes;
  private final String writer;
  private final long limitMillis;
  private final Map<Integer, String> tagBySlot = new HashMap<>();
  private long sequence;

  /** {@code writer} names this node in the key, so that nodes of every region measure with their own key. */
  HeartbeatProbe(Vertx vertx, NodeConnections nodes, String writer, long limitMillis) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.writer = writer;
    this.limitMillis = limitMillis;
  }

  /** The heartbeat key of a master whose first slot is {@code slot}. */
  String key(int slot) {
    String tag = tagBySlot.computeIfAbsent(slot, HashSlots::tagForSlot);
    return KEY_PREFIX + "{" + tag + "}:" + writer;
  }

  /** The master's lag (worst replica) in ms, or -1 when it has no replica to measure. */
  Future<Long> measure(ClusterTopology.Master master) {
    if (master.replicas().isEmpty()) {
      return Future.succeededFuture(-1L);
    }
    String key = key(master.firstSlot());
    String value = writer + ":" + System.nanoTime() + ":" + ++sequence;
    Request set = Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(KEY_TTL_MILLIS);
    return nodes.send(master.address(), false, set).compose(ok -> readBack(master, key, value, System.nanoTime()));
  }

  private Future<Long> readBack(ClusterTopology.Master master, String key, String value, long writtenAtNanos) {
    ReplicationLag lag = new ReplicationLag(writtenAtNanos);
    long deadlineNanos = writtenAtNanos + limitMillis * 1_000_000;
    List<Future<Void>> replicas = new ArrayList<>();
    for (String replica : master.replicas()) {
      Promise<Void> done = Promise.promise();
      poll(replica, key, value, deadlineNanos, lag, done);
      replicas.add(done.future());
    }
    return Future.all(replicas).map(v -> lag.worstMillis());
  }

  private void poll(String replica, String key, String value, long deadlineNanos, ReplicationLag lag,
      Promise<Void> done) {
    nodes.send(replica, true, Request.cmd(Command.GET).arg(key)).onComplete(result -> {
      long now = System.nanoTime();
      if (result.succeeded() && shows(result.result(), value)) {
        lag.seen(replica, now);
        done.complete();
      } else if (now >= deadlineNanos) {
        lag.gaveUp(replica, now);
        done.complete();
      } else {
        long delay = result.succeeded() ? POLL_MILLIS : RETRY_AFTER_FAILURE_MILLIS;
        vertx.setTimer(delay, id -> poll(replica, key, value, deadlineNanos, lag, done));
      }
    });
  }

  private static boolean shows(Response reply, String value) {
    return reply != null && value.equals(reply.toString());
  }
}
