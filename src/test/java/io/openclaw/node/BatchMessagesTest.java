package io.openclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.store.LocalBucketStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Batches of requests from the HTTP edge: their wire form, and how a shard decides and answers them. */
@ExtendWith(VertxExtension.class)
class BatchMessagesTest {
  private final OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(
      "bucket: {capacity: 10, refill_rate: 0, burst_grace_ratio: 0}\ncluster: {shards: 1}\n");

  @Test
  void aBatchCrossesTheWireUnchanged() {
    RateBatch batch = new RateBatch(List.of(new RateRequest("default", "a{b}:c", 3),
        new RateRequest("search", "\u00e9t\u00e9 \uD83D\uDE00", 0)));
    Buffer wire = Buffer.buffer().appendString("prefix");
    new Codecs.BatchCodec().encodeToWire(wire, batch);

    assertThat(new Codecs.BatchCodec().decodeFromWire(6, wire)).isEqualTo(batch);
  }

  @Test
  void aBatchReplyCrossesTheWireWithItsFailures() {
    RateBatchReply reply = new RateBatchReply(List.of(
        RateBatchReply.Outcome.decided(new RateReply(true, 7, 0, 1500, Mode.GLOBAL)),
        RateBatchReply.Outcome.failed(RateFailure.SYNC_UNAVAILABLE),
        RateBatchReply.Outcome.decided(new RateReply(false, 0, 250, -1, Mode.LOCAL))));
    Buffer wire = Buffer.buffer().appendByte((byte) 1);
    new Codecs.BatchReplyCodec().encodeToWire(wire, reply);

    assertThat(new Codecs.BatchReplyCodec().decodeFromWire(1, wire)).isEqualTo(reply);
  }

  @Test
  void aShardDecidesABatchInOrderAsIfEachRequestCameAlone(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    BucketVerticle shard = new BucketVerticle(0, config, new LocalBucketStore(LocalBucketStore.monotonicClock()),
        Mode.STANDALONE);
    RateBatch batch = new RateBatch(List.of(new RateRequest("default", "x", 4), new RateRequest("default", "y", 9),
        new RateRequest("default", "x", 4), new RateRequest("default", "x", 4), new RateRequest("default", "x", 2)));

    vertx.deployVerticle(shard)
        .compose(id -> vertx.eventBus().<RateBatchReply>request(Addresses.bucket(0), batch))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          List<RateBatchReply.Outcome> outcomes = reply.body().outcomes();
          assertThat(outcomes).allMatch(RateBatchReply.Outcome::decided);
          assertThat(outcomes).extracting(outcome -> outcome.reply().allowed())
              .containsExactly(true, true, true, false, true);
          assertThat(outcomes).extracting(outcome -> outcome.reply().remainingTokens())
              .containsExactly(6L, 1L, 2L, 2L, 0L);
          test.completeNow();
        })));
  }
}
