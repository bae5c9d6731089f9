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
    if (refillRate.signum() < 0) {
      throw new IllegalArgumentException("must not be negative");
    }
    if (refillRate.stripTrailingZeros().scale() > 6) {
      throw new IllegalArgumentException("has more than 6 decimal places");
    }
    if (graceRatio.signum() < 0 || graceRatio.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("must be between 0 and 1");
    }
    BigInteger micros = BigInteger.valueOf(capacity).multiply(BigInteger.valueOf(MICROS_PER_TOKEN));
    BigInteger grace = new BigDecimal(micros).multiply(graceRatio).setScale(0, RoundingMode.FLOOR).toBigInteger();
    BigInteger[] fraction = reduce(refillRate);
    BigInteger span = micros.add(grace).multiply(fraction[1]).add(fraction[0].shiftLeft(1));
    if (span.compareTo(BigInteger.valueOf(EXACT_LIMIT)) >= 0) {
      throw new IllegalArgumentException("capacity " + capacity + " with burst_grace_ratio "
          + graceRatio.toPlainString() + " and refill_rate " + refillRate.toPlainString() + " is too large to count "
          + "exactly; lower the capacity or the burst_grace_ratio, or use fewer decimal places in refill_rate");
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

  /** The same bucket with capacity and refill rate scaled down, for deciding locally during an outage. */
  public BucketPolicy scaled(BigDecimal ratio) {
    long scaledCapacity = Math.max(1, new BigDecimal(capacity).multiply(ratio)
        .setScale(0, RoundingMode.FLOOR).longValueExact());
    BigDecimal scaledRate = refillRate.multiply(ratio).setScale(6, RoundingMode.FLOOR);
    return of(scaledCapacity, scaledRate, graceRatio);
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
