package io.openclaw.bucket;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The limits of one bucket in exact integer units.
 *
 * <p>Levels are micro-tokens. The refill rate in tokens per second equals micro-tokens per microsecond,
 * and is kept as the reduced fraction {@code refillNumerator / refillDenominator} (the denominator divides
 * 10^6), so a refill over any number of microseconds is an exact rational number of micro-tokens.
 */
public record BucketPolicy(
    long capacity,
    BigDecimal refillRate,
    BigDecimal graceRatio,
    long capacityMicros,
    long graceMicros,
    long refillNumerator,
    long refillDenominator) {

  public static final long MICROS_PER_TOKEN = 1_000_000L;

  /** Integers below this bound stay exact in a double, so the Redis scripts compute the same results. */
  public static final long EXACT_LIMIT = 1L << 52;

  /**
   * The largest capacity whose micro-tokens stay below {@link #EXACT_LIMIT} (about 4.5 billion tokens). A bucket
   * this large is only possible without burst grace; grace and a fractional refill rate lower the bound.
   */
  public static final long MAX_CAPACITY = (EXACT_LIMIT - 1) / MICROS_PER_TOKEN;

  /** The largest refill rate, tokens per second: enough to fill the largest bucket in a second. */
  public static final BigDecimal MAX_REFILL_RATE = BigDecimal.valueOf(MAX_CAPACITY);

  /**
   * Bound of a bucket that only the JVM counts (a local bucket during an outage, never sent to Redis): below it,
   * {@link TokenBucket}'s long arithmetic cannot overflow.
   */
  static final long LOCAL_LIMIT = 1L << 62;

  public BucketPolicy {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    if (graceMicros < 0 || refillNumerator < 0 || refillDenominator <= 0) {
      throw new IllegalArgumentException("grace and refill must not be negative");
    }
  }

  /**
   * Builds a policy from the configured values.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  public static BucketPolicy of(long capacity, BigDecimal refillRate, BigDecimal graceRatio) {
    if (capacity <= 0 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("must be between 1 and " + MAX_CAPACITY + " tokens, not " + capacity);
    }
    if (refillRate.signum() < 0 || refillRate.compareTo(MAX_REFILL_RATE) > 0) {
      throw new IllegalArgumentException("must be between 0 and " + MAX_REFILL_RATE + " tokens per second, not "
          + refillRate.stripTrailingZeros().toPlainString());
    }
    if (refillRate.stripTrailingZeros().scale() > 6) {
      throw new IllegalArgumentException("has more than 6 decimal places");
    }
    if (graceRatio.signum() < 0 || graceRatio.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("must be between 0 and 1");
    }
    BucketPolicy policy = counted(capacity, refillRate, graceRatio, EXACT_LIMIT);
    if (policy == null) {
      throw new IllegalArgumentException("capacity " + capacity + " with burst_grace_ratio "
          + graceRatio.toPlainString() + " and refill_rate " + refillRate.stripTrailingZeros().toPlainString()
          + " is too large to count exactly; lower the capacity or the burst_grace_ratio, or use fewer decimal "
          + "places in refill_rate");
    }
    return policy;
  }

  /** The policy, or null when its widest intermediate value, (capacity + grace) * DEN + 2 * NUM, reaches limit. */
  private static BucketPolicy counted(long capacity, BigDecimal refillRate, BigDecimal graceRatio, long limit) {
    BigInteger micros = BigInteger.valueOf(capacity).multiply(BigInteger.valueOf(MICROS_PER_TOKEN));
    BigInteger grace = new BigDecimal(micros).multiply(graceRatio).setScale(0, RoundingMode.FLOOR).toBigInteger();
    BigInteger[] fraction = reduce(refillRate);
    BigInteger span = micros.add(grace).multiply(fraction[1]).add(fraction[0].shiftLeft(1));
    if (span.compareTo(BigInteger.valueOf(limit)) >= 0) {
      return null;
    }
    return new BucketPolicy(capacity, refillRate.stripTrailingZeros(), graceRatio, micros.longValueExact(),
        grace.longValueExact(), fraction[0].longValueExact(), fraction[1].longValueExact());
  }

  private static BigInteger[] reduce(BigDecimal rate) {
    BigInteger numerator = rate.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).toBigIntegerExact();
    BigInteger denominator = BigInteger.valueOf(MICROS_PER_TOKEN);
    if (numerator.signum() == 0) {
      return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE};
    }
    BigInteger gcd = numerator.gcd(denominator);
    return new BigInteger[] {numerator.divide(gcd), denominator.divide(gcd)};
  }

  /**
   * The same bucket with capacity and refill rate scaled down, for deciding locally during an outage. Such a
   * bucket is only counted in the JVM, so it is held to {@link #LOCAL_LIMIT} rather than the Redis scripts'
   * bound, and any valid policy can be scaled by any ratio in (0, 1]. The scaled rate is rounded down to 6
   * decimal places, or to fewer where a very large bucket needs it; rounding down never admits more.
   */
  public BucketPolicy scaled(BigDecimal ratio) {
    long scaledCapacity = Math.max(1, new BigDecimal(capacity).multiply(ratio)
        .setScale(0, RoundingMode.FLOOR).longValueExact());
    BigDecimal exactRate = refillRate.multiply(ratio);
    for (int decimals = 6; ; decimals--) {
      BucketPolicy policy = counted(scaledCapacity, exactRate.setScale(decimals, RoundingMode.FLOOR), graceRatio,
          LOCAL_LIMIT);
      if (policy != null) {
        return policy;
      }
    }
  }

  public boolean refills() {
    return refillNumerator > 0;
  }

  /** Whole grace tokens, for display. */
  public long graceTokens() {
    return graceMicros / MICROS_PER_TOKEN;
  }

  /**
   * Seconds for a bucket at the bottom of its grace overdraft to refill completely, rounded up; 0 when it
   * never refills. The longest a bucket can take to become full, so the basis of its expiry.
   */
  public long fullRefillSeconds() {
    if (!refills()) {
      return 0;
    }
    long units = (capacityMicros + graceMicros) * refillDenominator;
    return ceilDiv(ceilDiv(units, refillNumerator), 1_000_000L);
  }

  /** Seconds for an empty bucket (no overdraft) to refill to capacity, rounded up; 0 when it never refills. */
  public long capacityRefillSeconds() {
    if (!refills()) {
      return 0;
    }
    return ceilDiv(ceilDiv(capacityMicros * refillDenominator, refillNumerator), 1_000_000L);
  }

  static long ceilDiv(long dividend, long divisor) {
    return -Math.floorDiv(-dividend, divisor);
  }
}
