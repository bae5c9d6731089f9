package io.openclaw.http;

import io.openclaw.bucket.BucketPolicy;

/**
 * How one bucket policy is shown to clients: JSON numbers and the IETF {@code RateLimit-Policy} field,
 * rendered once per service and mode rather than per request.
 */
record PolicyView(String service, long capacity, Number refillRate, String policyHeader) {

  static PolicyView of(String service, BucketPolicy policy) {
    Number rate = policy.refillRate().scale() <= 0 ? (Number) policy.refillRate().longValueExact()
        : (Number) policy.refillRate().doubleValue();
    StringBuilder header = new StringBuilder().append('"').append(service).append("\";q=").append(policy.capacity());
    if (policy.refills()) {
      header.append(";w=").append(Math.max(1, policy.fullRefillSeconds()));
    }
    return new PolicyView(service, policy.capacity(), rate, header.toString());
  }

  /** The IETF {@code RateLimit} field: remaining tokens and whole seconds until the bucket is full. */
  String rateLimitHeader(long remainingTokens, long resetAfterMillis) {
    StringBuilder header = new StringBuilder().append('"').append(service).append("\";r=").append(remainingTokens);
    if (resetAfterMillis >= 0) {
      header.append(";t=").append((resetAfterMillis + 999) / 1000);
    }
    return header.toString();
  }
}
