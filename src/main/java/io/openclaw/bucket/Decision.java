package io.openclaw.bucket;

/**
 * The answer to one request: a throttle is a value, not an error.
 *
 * @param retryAfterMillis time until the same request could be allowed; 0 when allowed, -1 when never
 * @param resetAfterMillis time until the bucket is full again; -1 when it never refills
 */
public record Decision(
    boolean allowed,
    long requestedTokens,
    long remainingTokens,
    long levelMicros,
    long retryAfterMillis,
    long resetAfterMillis) {
}
