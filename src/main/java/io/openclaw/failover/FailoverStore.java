package io.openclaw.failover;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.store.BucketKey;
import io.openclaw.store.BucketStore;
import io.openclaw.store.LocalBucketStore;
import io.openclaw.store.LocalDecisions;
import io.openclaw.store.RedisBucketStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's store in global mode: Redis while the node is GLOBAL, this shard's memory while it is LOCAL,
 * and the bridge between the two. Used only on its shard verticle's context.
 *
 * <p>While LOCAL, buckets get {@code failover.local_capacity_ratio} of their capacity and refill rate and
 * start from the last level this shard saw in Redis (scaled), not from full; that level seeds a bucket once,
 * so one that refilled and was evicted as full comes back full. Every grant is journaled. When
 * the failover verticle asks it to {@link #reconcile}, the shard holds new requests back, charges its journal
 * to Redis with the idempotent charge script, and answers them from Redis once every charge is confirmed,
 * so nothing is decided globally before the tokens granted locally are paid for.
 */
public final class FailoverStore implements BucketStore {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverStore.class);
  /** How many last-seen global levels a shard keeps for seeding local buckets. */
  static final int LAST_SEEN_LIMIT = 100_000;

  private final RedisBucketStore global;
  private final LocalBucketStore local;
  private final FailoverState state;
  private final BigDecimal localRatio;
  private final LongSupplier clockMicros;
  private final String journalPrefix;
  private final JournalKeeper keeper;
  private final Map<BucketPolicy, BucketPolicy> scaled = new IdentityHashMap<>();
  private final Map<BucketKey, Long> lastSeenLevel = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<BucketKey, Long> eldest) {
      return size() > LAST_SEEN_LIMIT;
    }
  };
  private Journal journal;
  private Future<Void> reconciling;

  /** What one reconciliation charged. */
  public record Reconciled(int buckets, long grantedTokens, long chargedTokens) {
    public static final Reconciled NONE = new Reconciled(0, 0, 0);

    Reconciled plus(Reconciled other) {
      return new Reconciled(buckets + other.buckets, grantedTokens + other.grantedTokens,
          chargedTokens + other.chargedTokens);
    }

    /** The reply to the failover verticle's request to reconcile. */
    public JsonObject toJson() {
      return new JsonObject()
          .put("buckets", buckets)
          .put("granted_tokens", grantedTokens)
          .put("charged_tokens", chargedTokens);
    }
  }

  public FailoverStore(RedisBucketStore global, FailoverState state, BigDecimal localRatio, LongSupplier clockMicros,
      String journalPrefix) {
    this(global, state, localRatio, clockMicros, journalPrefix, null);
  }

  /** @param keeper where a journal goes that is not charged when the shard closes; null: it is lost */
  public FailoverStore(RedisBucketStore global, FailoverState state, BigDecimal localRatio, LongSupplier clockMicros,
      String journalPrefix, JournalKeeper keeper) {
    this.keeper = keeper;
    this.global = global;
    this.local = new LocalBucketStore(clockMicros);
    this.state = state;
    this.localRatio = localRatio;
    this.clockMicros = clockMicros;
    this.journalPrefix = journalPrefix;
  }

  @Override
  public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    if (reconciling != null) {
      return reconciling.transform(done -> decide(key, policy, requestedTokens));
    }
    if (state.local() || journal != null && state.phase() != FailoverState.Phase.GLOBAL) {
      return Future.succeededFuture(decideLocally(key, policy, requestedTokens));
    }
    return global.decide(key, policy, requestedTokens).onSuccess(decisions -> remember(key, decisions));
  }

  private void remember(BucketKey key, List<Decision> decisions) {
    seenInRedis(key, decisions.get(decisions.size() - 1).levelMicros());
  }

  /** Notes a bucket's level as Redis last reported it, to seed its local bucket should Redis go away. */
  void seenInRedis(BucketKey key, long levelMicros) {
    lastSeenLevel.put(key, levelMicros);
  }

  private List<Decision> decideLocally(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    BucketPolicy reduced = scaled.computeIfAbsent(policy, p -> p.scaled(localRatio));
    if (!local.contains(key)) {
      Long seen = lastSeenLevel.remove(key);
      if (seen != null) {
        local.seed(key, reduced, scale(seen));
      }
    }
    if (journal == null) {
      journal = new Journal(journalPrefix + ":" + clockMicros.getAsLong());
    }

    List<Decision> decided = local.decideNow(key, reduced, requestedTokens);
    long now = clockMicros.getAsLong();
    LocalDecisions decisions = new LocalDecisions(decided.size());
    for (Decision decision : decided) {
      if (decision.allowed()) {
        journal.granted(key, policy, decision.requestedTokens(), now);
      }
      decisions.add(decision);
    }
    return decisions;
  }

  private long scale(long levelMicros) {
    return new BigDecimal(levelMicros).multiply(localRatio).longValue();
  }

  /**
   * Charges this shard's journal to Redis. New requests wait until it is done; on success the shard decides
   * in Redis again (once the node is GLOBAL or RECONCILING), on failure it keeps deciding locally and keeps
   * the entries that were not confirmed, with their batch ids, for the next attempt.
   */
  public Future<Reconciled> reconcile() {
    if (journal == null || journal.isEmpty()) {
      journal = null;
      local.clear();
      return Future.succeededFuture(Reconciled.NONE);
    }
    Promise<Void> held = Promise.promise();
    reconciling = held.future();
    return JournalCharges.charge(global, journal, clockMicros.getAsLong(), this::seenInRedis)
        .andThen(done -> {
          if (done.succeeded()) {
            journal = null;
            local.clear();
          }
          reconciling = null;
          held.complete();
        });
  }

  /** Buckets this shard has grants for that are not yet charged. */
  public int journaledBuckets() {
    return journal == null ? 0 : journal.size();
  }

  @Override
  public void evictIdle() {
    local.evictFull();
  }

  /**
   * Closes the Redis connection once a charge under way has completed. A journal not yet charged goes to the
   * node's {@link JournalKeeper}, which charges it when the node reconciles: a shard that moves to another
   * member while the node decides locally does not take its grants with it. Without a keeper it is lost, and
   * says so.
   */
  @Override
  public Future<Void> close() {
    Future<Void> settled = reconciling == null ? Future.succeededFuture() : reconciling;
    return settled.transform(done -> {
      if (journal != null && !journal.isEmpty()) {
        if (keeper != null) {
          keeper.adopt(journal, journalPrefix);
        } else {
          LOG.error("Shard closed before its local grants were charged to Redis, they are lost: journal={}"
              + " buckets={} granted_tokens={}", journalPrefix, journal.size(), journal.grantedTokens());
        }
        journal = null;
      }
      return global.close();
    });
  }
}
