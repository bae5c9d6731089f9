package io.openclaw.node;

import java.util.List;

/**
 * Requests for one shard that reached one HTTP edge in the same event-loop turn, sent as one message. The shard
 * decides each as if it had come alone, in this order, and answers them together with a {@link RateBatchReply}.
 * Immutable.
 */
public record RateBatch(List<RateRequest> requests) {
  public RateBatch {
    requests = List.copyOf(requests);
  }
}
