package io.openclaw.node;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of one shard's buckets. Requests that reach it in the same event-loop turn are collected,
 * then each bucket's requests go to the store as one call, in arrival order; calls for different buckets
 * go out together, so a store that talks to Redis can pipeline them.
 */
public final class BucketVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BucketVerticle.class);

  private final int shard;
  private final OpenClawConfig.Buckets buckets;
  private final BucketStore store;
  private final Mode mode;
  private final boolean clustered;

  private Map<BucketKey, List<Message<RateRequest>>> pending = new LinkedHashMap<>();
  private boolean flushScheduled;
  private volatile boolean refusing;
  private MessageConsumer<RateRequest> consumer;

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
    return consumer.completion();
  }

  /**
   * Stops taking requests, then decides the ones already queued before the store closes: a shard that
   * moves to another node answers everything it accepted.
   */
  @Override
  public Future<?> stop() {
    return consumer.unregister()
        .transform(unregistered -> drain())
        .eventually(store::close);
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
    pending.computeIfAbsent(message.body().key(), key -> new ArrayList<>(2)).add(message);
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    takePending().forEach(this::decide);
  }

  /** Decides the queued requests; completes when every one of them has been answered. */
  private Future<Void> drain() {
    List<Future<?>> decided = new ArrayList<>();
    takePending().forEach((key, messages) -> decided.add(decide(key, messages)));
    return Future.join(decided).<Void>mapEmpty().otherwiseEmpty();
  }

  private Map<BucketKey, List<Message<RateRequest>>> takePending() {
    Map<BucketKey, List<Message<RateRequest>>> batch = pending;
    pending = new LinkedHashMap<>();
    flushScheduled = false;
    return batch;
  }

  private Future<?> decide(BucketKey key, List<Message<RateRequest>> messages) {
    long[] tokens = new long[messages.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = messages.get(i).body().tokens();
    }
    BucketPolicy policy = buckets.policyFor(key.service());

    return store.decide(key, policy, tokens).onComplete(result -> reply(messages, result));
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
    for (int i = 0; i < messages.size(); i++) {
      Decision decision = decisions.get(i);
      messages.get(i).reply(new RateReply(decision.allowed(), decision.remainingTokens(),
          decision.retryAfterMillis(), decision.resetAfterMillis(), mode));
    }
  }
}
