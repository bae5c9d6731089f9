package io.openclaw.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.openclaw.bucket.BucketPolicy;
import io.openclaw.node.Mode;
import io.openclaw.node.RateReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * How one service's bucket is shown to clients in one mode: the IETF {@code RateLimit-Policy} field and the
 * constant parts of the JSON answer, rendered once rather than per request. Only the client id (escaped by
 * Jackson) and the numbers of each decision are written per request.
 */
final class PolicyView {
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence RATELIMIT_POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  private static final CharSequence RATELIMIT = HttpHeaders.createOptimized("RateLimit");
  private static final byte[] ALLOWED = bytes("{\"allowed\":true,\"service\":\"");
  private static final byte[] DENIED = bytes("{\"allowed\":false,\"service\":\"");
  private static final byte[] CLIENT_ID = bytes("\",\"client_id\":\"");
  private static final byte[] REMAINING = bytes("\",\"remaining_tokens\":");
  private static final byte[] RETRY_AFTER = bytes(",\"retry_after_ms\":");
  private static final byte[] RESET_AFTER = bytes(",\"reset_after_ms\":");

  private final String service;
  private final long capacity;
  private final String policyHeader;
  private final byte[] serviceName;
  private final byte[] limits;
  private final byte[] tail;

  private PolicyView(String service, BucketPolicy policy, Mode mode, String region) {
    this.service = service;
    this.capacity = policy.capacity();
    this.policyHeader = policyHeader(service, policy);
    this.serviceName = bytes(service);
    this.limits = bytes(",\"capacity\":" + capacity + ",\"refill_rate\":" + number(policy.refillRate()));
    this.tail = bytes(",\"mode\":\"" + mode.label() + "\",\"region\":\"" + region + "\"}");
  }

  /** The view of a service; the service name and region are plain identifiers, so need no escaping. */
  static PolicyView of(String service, BucketPolicy policy, Mode mode, String region) {
    return new PolicyView(service, policy, mode, region);
  }

  long capacity() {
    return capacity;
  }

  String policyHeader() {
    return policyHeader;
  }

  /**
   * Writes a decision as the client sees it: 200 or 429, the RateLimit fields, Retry-After on a 429 that can
   * ever be satisfied, and the JSON answer of {@link #body}.
   */
  void answer(HttpServerResponse response, String clientId, RateReply reply) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(RATELIMIT_POLICY, policyHeader)
        .putHeader(RATELIMIT, rateLimitHeader(reply.remainingTokens(), reply.resetAfterMillis()));
    if (!reply.allowed()) {
      response.setStatusCode(429);
      if (reply.retryAfterMillis() >= 0) {
        long seconds = Math.max(1, (reply.retryAfterMillis() + 999) / 1000);
        response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
      }
    }
    response.end(body(clientId, reply));
  }

  /** The JSON answer, e.g. {@code {"allowed":true,"service":"search","client_id":"abc",...}}. */
  Buffer body(String clientId, RateReply reply) {
    byte[] escapedClient = JsonStringEncoder.getInstance().quoteAsUTF8(clientId);
    Buffer body = Buffer.buffer(200 + escapedClient.length)
        .appendBytes(reply.allowed() ? ALLOWED : DENIED)
        .appendBytes(serviceName)
        .appendBytes(CLIENT_ID)
        .appendBytes(escapedClient)
        .appendBytes(REMAINING);
    appendLong(body, reply.remainingTokens()).appendBytes(limits).appendBytes(RETRY_AFTER);
    appendLong(body, reply.retryAfterMillis()).appendBytes(RESET_AFTER);
    return appendLong(body, reply.resetAfterMillis()).appendBytes(tail);
  }

  /**
   * The IETF {@code RateLimit} field: remaining tokens and whole seconds until the bucket is full. While the
   * bucket repays a grace overdraft, {@code t} includes that repayment, so it may exceed the policy's
   * {@code w}.
   */
  String rateLimitHeader(long remainingTokens, long resetAfterMillis) {
    StringBuilder header = new StringBuilder().append('"').append(service).append("\";r=").append(remainingTokens);
    if (resetAfterMillis >= 0) {
      header.append(";t=").append((resetAfterMillis + 999) / 1000);
    }
    return header.toString();
  }

  /** The IETF {@code RateLimit-Policy} field: the quota and the seconds to refill it from empty. */
  private static String policyHeader(String service, BucketPolicy policy) {
    StringBuilder header = new StringBuilder().append('"').append(service).append("\";q=").append(policy.capacity());
    if (policy.refills()) {
      header.append(";w=").append(Math.max(1, policy.capacityRefillSeconds()));
    }
    return header.toString();
  }

  private static String number(BigDecimal value) {
    return value.stripTrailingZeros().scale() <= 0 ? value.toBigInteger().toString()
        : value.stripTrailingZeros().toPlainString();
  }

  private static Buffer appendLong(Buffer buffer, long value) {
    return buffer.appendString(Long.toString(value));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
