package io.openclaw.node;

import java.util.List;

/** A shard's answers to a {@link RateBatch}, in the batch's order: a decision or a failure each. Immutable. */
public record RateBatchReply(List<Outcome> outcomes) {
  public RateBatchReply {
    outcomes = List.copyOf(outcomes);
  }

  /** One request's answer: exactly one of {@code reply} and {@code failure} is set. */
  public record Outcome(RateReply reply, RateFailure failure) {
    public static Outcome decided(RateReply reply) {
      return new Outcome(reply, null);
    }

    public static Outcome failed(RateFailure failure) {
      return new Outcome(null, failure);
    }

    public boolean decided() {
      return reply != null;
    }
  }
}
