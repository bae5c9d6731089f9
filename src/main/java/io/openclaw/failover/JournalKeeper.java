package io.openclaw.failover;

import io.openclaw.node.Addresses;
import io.openclaw.node.RateFailure;
import io.openclaw.store.RedisBucketStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journals of shards that left this node before their local grants were charged: a shard handed over
 * to another member of the region while the node decides locally. The new owner starts without them, so this
 * node still owes those tokens to the global buckets; the keeper charges them when the failover verticle asks
 * the node to reconcile (on {@value Addresses#RECONCILE_HANDED_OVER}), with the same idempotent charge script and
 * the batch ids the journals already carry. A journal that arrives while the node is already global is charged
 * at once. Journals it still holds when it stops are lost, and that is logged.
 */
public final class JournalKeeper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JournalKeeper.class);

  private final RedisBucketStore global;
  private final FailoverState state;
  private final LongSupplier clockMicros;
  private final List<Kept> kept = new ArrayList<>();
  private volatile boolean stopped;
  private MessageConsumer<Object> consumer;

  private record Kept(String name, Journal journal) {
  }

  public JournalKeeper(RedisBucketStore global, FailoverState state, LongSupplier clockMicros) {
    this.global = global;
    this.state = state;
    this.clockMicros = clockMicros;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.RECONCILE_HANDED_OVER, this::reconcile);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    kept.forEach(JournalKeeper::lost);
    kept.clear();
    return consumer.unregister().eventually(global::close);
  }

  /** Takes a journal over from a closing shard; safe from any thread. The shard must not touch it afterwards. */
  public void adopt(Journal journal, String name) {
    Kept entry = new Kept(name, journal);
    if (stopped) {
      lost(entry);
      return;
    }
    context.runOnContext(v -> {
      if (stopped) {
        lost(entry);
        return;
      }
      kept.add(entry);
      LOG.info("Kept the journal of a shard that left this node, to charge when Redis is back: journal={}"
          + " buckets={} granted_tokens={}", name, journal.size(), journal.grantedTokens());
      if (state.phase() == FailoverState.Phase.GLOBAL) {
        chargeAll().onFailure(e -> LOG.warn("Could not charge a kept journal, keeping it for the next recovery:"
            + " cause={}", FailoverState.describe(e)));
      }
    });
  }

  private void reconcile(Message<Object> message) {
    chargeAll().onComplete(result -> {
      if (result.failed()) {
        message.fail(RateFailure.SYNC_UNAVAILABLE.code(), String.valueOf(result.cause().getMessage()));
        return;
      }
      message.reply(result.result().toJson());
    });
  }

  /** Charges every kept journal; one that is fully confirmed is dropped, the others stay. */
  private Future<FailoverStore.Reconciled> chargeAll() {
    List<Kept> charging = List.copyOf(kept);
    List<Future<FailoverStore.Reconciled>> charges = new ArrayList<>(charging.size());
    long now = clockMicros.getAsLong();
    for (Kept entry : charging) {
      charges.add(JournalCharges.charge(global, entry.journal(), now, (key, level) -> { })
          .onSuccess(done -> kept.remove(entry)));
    }
    return JournalCharges.total(charges);
  }

  private static void lost(Kept entry) {
    LOG.error("Node stopped before these local grants were charged to Redis, they are lost: journal={} buckets={}"
        + " granted_tokens={}", entry.name(), entry.journal().size(), entry.journal().grantedTokens());
  }
}
