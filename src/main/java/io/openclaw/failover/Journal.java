package io.openclaw.failover;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.store.BucketKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens one shard granted while deciding locally, per bucket, still to be charged to the global bucket.
 *
 * <p>What is owed drains at the bucket's global refill rate, like a leaky bucket: had the grant been made in
 * Redis, refill would have paid it back by then, so an outage longer than the refill time is not charged
 * twice. A bucket that never refills owes every granted token. All arithmetic is in integer micro-tokens
 * and microseconds, with the sub-micro-token remainder carried, as in the bucket itself.
 *
 * <p>Entries are sealed before they are charged: a sealed entry keeps its amount and batch id until Redis
 * confirms the charge, so a charge that is retried (after a timeout that may have hidden a success) carries
 * the same id and the charge script applies it at most once. Grants made meanwhile open a new entry.
 */
public final class Journal {
  private final String idPrefix;
  private final Map<BucketKey, Owed> open = new HashMap<>();
  private final List<Sealed> sealed = new ArrayList<>();
  private long sequence;

  /** A charge ready to send: its id never changes once sealed. */
  public record Sealed(String batchId, BucketKey key, BucketPolicy policy, long grantedMicros, long chargeMicros) {
  }

  private static final class Owed {
    final BucketPolicy policy;
    long grantedMicros;
    long owedMicros;
    long carry;
    long updatedMicros;

    Owed(BucketPolicy policy, long nowMicros) {
      this.policy = policy;
      this.updatedMicros = nowMicros;
    }

    void drain(long nowMicros) {
      long elapsed = nowMicros - updatedMicros;
      updatedMicros = Math.max(updatedMicros, nowMicros);
      if (elapsed <= 0 || owedMicros == 0 || !policy.refills()) {
        return;
      }
      long units = owedMicros * policy.refillDenominator() - carry;
      if (elapsed >= -Math.floorDiv(-units, policy.refillNumerator())) {
        owedMicros = 0;
        carry = 0;
        return;
      }
      long drained = elapsed * policy.refillNumerator() + carry;
      owedMicros -= drained / policy.refillDenominator();
      carry = drained % policy.refillDenominator();
    }
  }

  /** @param idPrefix unique to this node, outage and shard, e.g. {@code node:outage-start:shard} */
  public Journal(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  /** Records a local grant of {@code tokens} on a bucket with its global policy. */
  public void granted(BucketKey key, BucketPolicy globalPolicy, long tokens, long nowMicros) {
    if (tokens == 0) {
      return;
    }
    Owed owed = open.computeIfAbsent(key, k -> new Owed(globalPolicy, nowMicros));
    owed.drain(nowMicros);
    long micros = tokens * BucketPolicy.MICROS_PER_TOKEN;
    owed.grantedMicros += micros;
    owed.owedMicros += micros;
  }

  /** Moves every open entry, drained up to now, into the sealed list; returns the sealed entries. */
  public List<Sealed> seal(long nowMicros) {
    for (Map.Entry<BucketKey, Owed> entry : open.entrySet()) {
      Owed owed = entry.getValue();
      owed.drain(nowMicros);
      String id = idPrefix + ":" + (++sequence);
      sealed.add(new Sealed(id, entry.getKey(), owed.policy, owed.grantedMicros, owed.owedMicros));
    }
    open.clear();
    return List.copyOf(sealed);
  }

  /** Forgets a sealed entry once Redis has confirmed its charge (or that it was already applied). */
  public void charged(Sealed entry) {
    sealed.remove(entry);
  }

  public boolean isEmpty() {
    return open.isEmpty() && sealed.isEmpty();
  }

  /** Buckets with grants not yet charged. */
  public int size() {
    return open.size() + sealed.size();
  }

  /** Whole tokens granted locally and not yet confirmed as charged. */
  public long grantedTokens() {
    long micros = 0;
    for (Owed owed : open.values()) {
      micros += owed.grantedMicros;
    }
    for (Sealed entry : sealed) {
      micros += entry.grantedMicros();
    }
    return micros / BucketPolicy.MICROS_PER_TOKEN;
  }
}
