package io.openclaw.bucket;

/**
 * The mutable level of one bucket. Only its owner (one shard's verticle) touches it.
 *
 * <p>{@code levelMicros} runs from {@code -graceMicros} to {@code capacityMicros}; {@code carry} holds the
 * refill that is not yet a whole micro-token, in units of {@code 1 / refillDenominator} micro-token.
 */
public final class BucketState {
  long levelMicros;
  long updatedMicros;
  long carry;

  public BucketState(long levelMicros, long updatedMicros, long carry) {
    this.levelMicros = levelMicros;
    this.updatedMicros = updatedMicros;
    this.carry = carry;
  }

  public static BucketState full(BucketPolicy policy, long nowMicros) {
    return new BucketState(policy.capacityMicros(), nowMicros, 0);
  }

  public long levelMicros() {
    return levelMicros;
  }

  public long updatedMicros() {
    return updatedMicros;
  }

  public long carry() {
    return carry;
  }
}
