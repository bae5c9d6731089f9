package io.openclaw.node;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.openclaw.failover.FailoverStore;
import io.openclaw.store.LocalDecisions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of one shard's buckets. Requests that reach it in the same event-loop turn are collected,
 * then each bucket's requests go to the store as one call, in arrival order; calls for different buckets
 * go out together, so a store that talks to Redis can pipeline them. A bucket has at most one call under
 * way; what arrives meanwhile is decided by the next one, so no two calls for a bucket can overtake.
 */
public final class BucketVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BucketVerticle.class);
  /** The most requests for one bucket decided in one store call. */
  static final int MAX_BATCH = 512;

  private final int shard;
  private final OpenClawConfig.Buckets buckets;
  private final BucketStore store;
  private final Mode mode;
  private final boolean clustered;

  private final Map<BucketKey, List<Message<RateRequest>>> queued = new LinkedHashMap<>();
  private final Set<BucketKey> inFlight = new HashSet<>();
  private boolean flushScheduled;
  private Promise<Void> drained;
  private volatile boolean refusing;
  private MessageConsumer<RateRequest> consumer;
  private MessageConsumer<Object> reconciler;

  public BucketVerticle(int shard, OpenClawConfig config, BucketStore store, Mode mode) {
    this.shard = shard;
    this.buckets = config.buckets();
    this.store = store;
    this.mode = mode;
    this.clustered = config.cluster().enabled();
  }

  @Override
  public Future<?> start() {
    String address = Addresses.bucket(shard);
    consumer = clustered
        ? vertx.eventBus().consumer(address, this::enqueue)
        : vertx.eventBus().localConsumer(address, this::enqueue);
    vertx.setPeriodic(10_000, id -> store.evictIdle());
    if (store instanceof FailoverStore failover) {
      reconciler = vertx.eventBus().localConsumer(Addresses.reconcile(shard), message -> reconcile(failover, message));
    }
    return consumer.completion();
  }

  /**
   * Stops taking requests, then decides the ones already queued before the store closes: a shard that
   * moves to another node answers everything it accepted.
   */
  @Override
  public Future<?> stop() {
    if (reconciler != null) {
      reconciler.unregister();
    }
    return consumer.unregister()
        .transform(unregistered -> drain())
        .eventually(store::close);
  }

  private void reconcile(FailoverStore failover, Message<Object> message) {
    failover.reconcile().onComplete(result -> {
      if (result.failed()) {
        message.fail(RateFailure.SYNC_UNAVAILABLE.code(), String.valueOf(result.cause().getMessage()));
        return;
      }
      FailoverStore.Reconciled done = result.result();
      message.reply(new JsonObject()
          .put("buckets", done.buckets())
          .put("granted_tokens", done.grantedTokens())
          .put("charged_tokens", done.chargedTokens()));
    });
  }

  /**
   * From now on, requests that arrive are refused with {@link RateFailure#SHARD_UNAVAILABLE}, which tells
   * the sender they were not decided; the ones already accepted are still decided. Safe from any thread.
   */
  public void refuseRequests() {
    refusing = true;
  }

  private void enqueue(Message<RateRequest> message) {
    if (refusing) {
      message.fail(RateFailure.SHARD_UNAVAILABLE.code(), "shard " + shard + " is moving to another node");
      return;
    }
    queued.computeIfAbsent(message.body().key(), key -> new ArrayList<>(2)).add(message);
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /** Sends one store call for each bucket that has requests queued and no call under way. */
  private void flush() {
    flushScheduled = false;
    List<BucketKey> ready = new ArrayList<>();
    for (BucketKey key : queued.keySet()) {
      if (!inFlight.contains(key)) {
        ready.add(key);
      }
    }
    ready.forEach(this::send);
  }

  /**
   * Sends the requests queued for one bucket, in arrival order, as one store call. While it is under way,
   * later requests for the bucket queue up and go out together when it completes: the busier a bucket,
   * the larger its batches.
   */
  private void send(BucketKey key) {
    List<Message<RateRequest>> messages = queued.remove(key);
    if (messages.size() > MAX_BATCH) {
      queued.put(key, new ArrayList<>(messages.subList(MAX_BATCH, messages.size())));
      messages = messages.subList(0, MAX_BATCH);
    }
    inFlight.add(key);
    decide(key, messages).onComplete(done -> {
      inFlight.remove(key);
      if (queued.containsKey(key)) {
        send(key);
      } else if (drained != null && queued.isEmpty() && inFlight.isEmpty()) {
        drained.tryComplete();
      }
    });
  }

  /** Decides everything queued or under way; completes when every accepted request has been answered. */
  private Future<Void> drain() {
    drained = Promise.promise();
    flush();
    if (queued.isEmpty() && inFlight.isEmpty()) {
      drained.tryComplete();
    }
    return drained.future();
  }

  private Future<List<Decision>> decide(BucketKey key, List<Message<RateRequest>> messages) {
    long[] tokens = new long[messages.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = messages.get(i).body().tokens();
    }
    BucketPolicy policy = buckets.policyFor(key.service());

    Future<List<Decision>> decided;
    try {
      decided = store.decide(key, policy, tokens);
    } catch (RuntimeException e) {
      decided = Future.failedFuture(e);
    }
    return decided.onComplete(result -> reply(messages, result));
  }

  private void reply(List<Message<RateRequest>> messages, AsyncResult<List<Decision>> result) {
    if (result.failed()) {
      LOG.debug("Store could not decide, answering unavailable: shard={} cause={}", shard, result.cause().toString());
      for (Message<RateRequest> message : messages) {
        message.fail(RateFailure.SYNC_UNAVAILABLE.code(), String.valueOf(result.cause().getMessage()));
      }
      return;
    }
    List<Decision> decisions = result.result();
    Mode decidedIn = decisions instanceof LocalDecisions ? Mode.LOCAL : mode;
    for (int i = 0; i < messages.size(); i++) {
      Decision decision = decisions.get(i);
      messages.get(i).reply(new RateReply(decision.allowed(), decision.remainingTokens(),
          decision.retryAfterMillis(), decision.resetAfterMillis(), decidedIn));
    }
  }
}
