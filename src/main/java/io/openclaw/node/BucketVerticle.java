package io.openclaw.node;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.openclaw.failover.FailoverStore;
import io.openclaw.store.LocalDecisions;
import io.openclaw.store.RedisBucketStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
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
 * A message is a single {@link RateRequest} or a {@link RateBatch} from one HTTP edge; the requests of a batch
 * are queued one by one, as if each had come alone, and answered together.
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

  private final Map<BucketKey, List<PendingRequest>> queued = new LinkedHashMap<>();
  private final Set<BucketKey> inFlight = new HashSet<>();
  private boolean flushScheduled;
  private Promise<Void> drained;
  private volatile boolean refusing;
  private MessageConsumer<Object> consumer;
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
      message.reply(result.result().toJson());
    });
  }

  /**
   * From now on, requests that arrive are refused with {@link RateFailure#SHARD_UNAVAILABLE}, which tells
   * the sender they were not decided; the ones already accepted are still decided. Safe from any thread.
   */
  public void refuseRequests() {
    refusing = true;
  }

  private void enqueue(Message<Object> message) {
    if (refusing) {
      message.fail(RateFailure.SHARD_UNAVAILABLE.code(), "shard " + shard + " is moving to another node");
      return;
    }
    if (message.body() instanceof RateBatch batch) {
      PendingRequest[] pending = PendingRequest.batch(message, batch);
      for (int i = 0; i < pending.length; i++) {
        queue(batch.requests().get(i).key(), pending[i]);
      }
    } else {
      RateRequest request = (RateRequest) message.body();
      queue(request.key(), PendingRequest.single(message, request));
    }
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  private void queue(BucketKey key, PendingRequest request) {
    queued.computeIfAbsent(key, k -> new ArrayList<>(2)).add(request);
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
    List<PendingRequest> requests = queued.remove(key);
    if (requests.size() > MAX_BATCH) {
      queued.put(key, new ArrayList<>(requests.subList(MAX_BATCH, requests.size())));
      requests = requests.subList(0, MAX_BATCH);
    }
    inFlight.add(key);
    decide(key, requests).onComplete(done -> {
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

  private Future<List<Decision>> decide(BucketKey key, List<PendingRequest> requests) {
    long[] tokens = new long[requests.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = requests.get(i).tokens();
    }
    BucketPolicy policy = buckets.policyFor(key.service());

    Future<List<Decision>> decided;
    try {
      decided = store.decide(key, policy, tokens);
    } catch (RuntimeException e) {
      // A store that throws instead of failing its future has a bug; it must not pass for an unreachable Redis.
      LOG.error("Store failed to decide, answering 500: shard={} service={}", shard, key.service(), e);
      for (PendingRequest request : requests) {
        request.failed(RateFailure.INTERNAL, "internal error");
      }
      return Future.failedFuture(e);
    }
    return decided.onComplete(result -> reply(requests, result));
  }

  private void reply(List<PendingRequest> requests, AsyncResult<List<Decision>> result) {
    if (result.failed()) {
      LOG.debug("Store could not decide, answering unavailable: shard={} cause={}", shard, result.cause().toString());
      String detail = String.valueOf(result.cause().getMessage());
      RateFailure failure = RedisBucketStore.isTimeout(result.cause())
          ? RateFailure.SYNC_TIMEOUT
          : RateFailure.SYNC_UNAVAILABLE;
      for (PendingRequest request : requests) {
        request.failed(failure, detail);
      }
      return;
    }
    List<Decision> decisions = result.result();
    Mode decidedIn = decisions instanceof LocalDecisions ? Mode.LOCAL : mode;
    for (int i = 0; i < requests.size(); i++) {
      Decision decision = decisions.get(i);
      requests.get(i).decided(new RateReply(decision.allowed(), decision.remainingTokens(),
          decision.retryAfterMillis(), decision.resetAfterMillis(), decidedIn));
    }
  }
}
