package io.openclaw.store;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.BucketState;
import io.openclaw.bucket.Decision;
import io.openclaw.bucket.TokenBucket;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Buckets in this JVM's memory, timed by the monotonic clock. Not thread-safe: its shard's verticle is its
 * only caller. Full buckets are dropped by {@link #evictFull}, since a missing bucket reads as full.
 */
public final class LocalBucketStore implements BucketStore {
  private final LongSupplier clockMicros;
  private final Map<BucketKey, Entry> buckets = new HashMap<>();

  private record Entry(BucketPolicy policy, BucketState state) {
  }

  public LocalBucketStore(LongSupplier clockMicros) {
    this.clockMicros = clockMicros;
  }

  public static LongSupplier monotonicClock() {
    return () -> System.nanoTime() / 1000;
  }

  @Override
  public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    return Future.succeededFuture(decideNow(key, policy, requestedTokens));
  }

  /** The synchronous form of {@link #decide}, for callers on the owning context. */
  public List<Decision> decideNow(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    long now = clockMicros.getAsLong();
    BucketState state = stateFor(key, policy, now);

    List<Decision> decisions = new ArrayList<>(requestedTokens.length);
    for (long tokens : requestedTokens) {
      decisions.add(TokenBucket.take(policy, state, now, tokens));
    }
    return decisions;
  }

  /** Starts a bucket at a given level instead of full, e.g. from the last level seen in Redis. */
  public void seed(BucketKey key, BucketPolicy policy, long levelMicros) {
    long level = Math.max(-policy.graceMicros(), Math.min(policy.capacityMicros(), levelMicros));
    buckets.put(key, new Entry(policy, new BucketState(level, clockMicros.getAsLong(), 0)));
  }

  public boolean contains(BucketKey key) {
    return buckets.containsKey(key);
  }

  private BucketState stateFor(BucketKey key, BucketPolicy policy, long now) {
    Entry entry = buckets.get(key);
    if (entry == null || entry.policy() != policy && !entry.policy().equals(policy)) {
      entry = new Entry(policy, BucketState.full(policy, now));
      buckets.put(key, entry);
    }
    return entry.state();
  }

  @Override
  public void evictIdle() {
    evictFull();
  }

  /** Drops the buckets that have refilled completely; returns how many were dropped. */
  public int evictFull() {
    long now = clockMicros.getAsLong();
    int evicted = 0;
    for (Iterator<Entry> it = buckets.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      TokenBucket.refill(entry.policy(), entry.state(), now);
      if (entry.state().levelMicros() >= entry.policy().capacityMicros()) {
        it.remove();
        evicted++;
      }
    }
    return evicted;
  }

  /** Forgets every bucket. */
  public void clear() {
    buckets.clear();
  }

  public int size() {
    return buckets.size();
  }
}
