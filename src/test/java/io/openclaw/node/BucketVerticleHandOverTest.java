package io.openclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.store.LocalBucketStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BucketVerticleHandOverTest {
  private final OpenClawConfig config = new ConfigLoader(Map.of()).fromYaml(
      "bucket: {capacity: 10, refill_rate: 0, burst_grace_ratio: 0}\ncluster: {shards: 4}\n");

  @Test
  void aShardBeingHandedOverRefusesNewRequestsAsNotDecided(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    BucketVerticle shard = new BucketVerticle(3, config, new LocalBucketStore(LocalBucketStore.monotonicClock()),
        Mode.STANDALONE);
    RateRequest request = new RateRequest("default", "client", 4);

    vertx.deployVerticle(shard)
        .compose(id -> vertx.eventBus().<RateReply>request(Addresses.bucket(3), request))
        .onSuccess(first -> shard.refuseRequests())
        .compose(first -> vertx.eventBus().<RateReply>request(Addresses.bucket(3), request))
        .onComplete(test.failing(refused -> test.verify(() -> {
          assertThat(refused).isInstanceOf(ReplyException.class);
          ReplyException reply = (ReplyException) refused;
          assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(RateFailure.fromCode(reply.failureCode())).isEqualTo(RateFailure.SHARD_UNAVAILABLE);
          test.completeNow();
        })));
  }
}
