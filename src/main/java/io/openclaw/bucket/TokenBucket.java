package io.openclaw.bucket;

import static io.openclaw.bucket.BucketPolicy.MICROS_PER_TOKEN;
import static io.openclaw.bucket.BucketPolicy.ceilDiv;

/**
 * The token-bucket arithmetic, shared by every store.
 *
 * <p>Everything is integer: levels in micro-tokens, time in microseconds, and the refill's remainder kept
 * in {@link BucketState#carry}, so a refill loses nothing to rounding. The elapsed time is compared with
 * the time to fill the bucket before it is multiplied, so a bucket idle for years cannot overflow. The
 * Redis script {@code decide.lua} is a line-by-line copy of {@link #refill} and {@link #take}.
 */
public final class TokenBucket {
  private TokenBucket() {
  }

  /** Adds the tokens earned since the last update. A clock that went backwards adds nothing. */
  public static void refill(BucketPolicy policy, BucketState state, long nowMicros) {
    if (nowMicros <= state.updatedMicros) {
      return;
    }
    if (!policy.refills()) {
      state.updatedMicros = nowMicros;
      return;
    }
    long elapsed = nowMicros - state.updatedMicros;
    long deficit = (policy.capacityMicros() - state.levelMicros) * policy.refillDenominator() - state.carry;
    state.updatedMicros = nowMicros;

    if (deficit <= 0) {
      return;
    }
    if (elapsed >= ceilDiv(deficit, policy.refillNumerator())) {
      state.levelMicros = policy.capacityMicros();
      state.carry = 0;
      return;
    }
    long gained = elapsed * policy.refillNumerator() + state.carry;
    state.levelMicros += gained / policy.refillDenominator();
    state.carry = gained % policy.refillDenominator();
  }

  /** Refills, then spends {@code requestedTokens} if the level allows it, grace included. */
  public static Decision take(BucketPolicy policy, BucketState state, long nowMicros, long requestedTokens) {
    refill(policy, state, nowMicros);

    long need = requestedTokens * MICROS_PER_TOKEN;
    boolean allowed = state.levelMicros - need >= -policy.graceMicros();
    if (allowed) {
      state.levelMicros -= need;
    }
    return describe(policy, state.levelMicros, state.carry, requestedTokens, allowed);
  }

  /**
   * Renders a level (as the store left it after the request) into the answer a client sees. A denied request
   * that even a full bucket could not grant (possible in local mode, whose buckets are smaller than the
   * global ones the request was checked against) never succeeds here: its retry time is -1, as for a bucket
   * that never refills.
   */
  public static Decision describe(BucketPolicy policy, long levelMicros, long carry, long requestedTokens,
      boolean allowed) {
    long remaining = Math.max(0, levelMicros) / MICROS_PER_TOKEN;
    long retryAfter = 0;
    if (!allowed) {
      long need = requestedTokens * MICROS_PER_TOKEN - policy.graceMicros();
      retryAfter = need > policy.capacityMicros() ? -1 : millisToEarn(policy, need - levelMicros, carry);
    }
    long resetAfter = millisToEarn(policy, policy.capacityMicros() - levelMicros, carry);
    return new Decision(allowed, requestedTokens, remaining, levelMicros, retryAfter, resetAfter);
  }

  /** Milliseconds (rounded up) until refill adds {@code micros}; 0 if nothing is missing, -1 if never. */
  static long millisToEarn(BucketPolicy policy, long micros, long carry) {
    if (micros <= 0) {
      return 0;
    }
    if (!policy.refills()) {
      return -1;
    }
    long units = micros * policy.refillDenominator() - carry;
    return ceilDiv(ceilDiv(units, policy.refillNumerator()), 1000);
  }
}
