package io.openclaw.store;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where bucket levels live. A store is used by one shard's verticle only, on that verticle's context.
 */
public interface BucketStore {

  /**
   * Decides the requests for one bucket in the order given, atomically with respect to every other
   * caller of the same bucket. A throttle is a denied {@link Decision}; a failed future means the store
   * could not decide at all.
   */
  Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens);

  /** Forgets buckets that are full again; called now and then by the owner. */
  default void evictIdle() {
  }

  /** Releases connections or timers. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
