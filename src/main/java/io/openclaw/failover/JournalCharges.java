package io.openclaw.failover;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.store.BucketKey;
import io.openclaw.store.RedisBucketStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Charges a journal to the global buckets; used on the context that owns the journal. */
final class JournalCharges {
  private JournalCharges() {
  }

  /**
   * Seals the journal and sends one idempotent charge per sealed entry. A confirmed entry leaves the journal
   * and its bucket's new level goes to {@code confirmedLevel}; an entry whose charge failed stays, with its batch
   * id, for the next attempt. Succeeds with the total when every charge was confirmed, else fails with one of
   * the causes once every charge has completed.
   */
  static Future<FailoverStore.Reconciled> charge(RedisBucketStore global, Journal journal, long nowMicros,
      BiConsumer<BucketKey, Long> confirmedLevel) {
    List<Journal.Sealed> entries = journal.seal(nowMicros);
    List<Future<FailoverStore.Reconciled>> charges = new ArrayList<>(entries.size());
    for (Journal.Sealed entry : entries) {
      long floor = -entry.policy().capacityMicros();
      charges.add(global.charge(entry.key(), entry.policy(), entry.batchId(), entry.chargeMicros(), floor)
          .map(level -> {
            journal.charged(entry);
            confirmedLevel.accept(entry.key(), level);
            return new FailoverStore.Reconciled(1, entry.grantedMicros() / BucketPolicy.MICROS_PER_TOKEN,
                entry.chargeMicros() / BucketPolicy.MICROS_PER_TOKEN);
          }));
    }
    return total(charges);
  }

  /** Once every charge has completed: their sum, or one of their failures. */
  static Future<FailoverStore.Reconciled> total(List<Future<FailoverStore.Reconciled>> charges) {
    return Future.join(charges).transform(all -> sum(charges));
  }

  private static Future<FailoverStore.Reconciled> sum(List<Future<FailoverStore.Reconciled>> charges) {
    FailoverStore.Reconciled total = FailoverStore.Reconciled.NONE;
    for (Future<FailoverStore.Reconciled> charge : charges) {
      if (charge.failed()) {
        return Future.failedFuture(charge.cause());
      }
      total = total.plus(charge.result());
    }
    return Future.succeededFuture(total);
  }
}
