package io.openclaw.node;

import io.openclaw.store.BucketKey;

/** A validated request, sent from the HTTP edge to the shard that owns the bucket. Immutable. */
public record RateRequest(String service, String clientId, long tokens) {
  public BucketKey key() {
    return new BucketKey(service, clientId);
  }
}
