package io.openclaw.node;

/** A shard's answer. Capacity and refill rate are not sent: the edge knows them from the config and mode. */
public record RateReply(boolean allowed, long remainingTokens, long retryAfterMillis, long resetAfterMillis,
    Mode mode) {
}
