package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.Test;

/** Which failures prove that a call did not run, and so may be sent again. */
class RedisBucketStoreTest {

  @Test
  void movedAndAskAreRedirectsThatMaySendTheCallAgain() {
    assertThat(RedisBucketStore.isRedirect(ErrorType.create("MOVED 3999 127.0.0.1:7001"))).isTrue();
    assertThat(RedisBucketStore.isRedirect(ErrorType.create("ASK 3999 127.0.0.1:7001"))).isTrue();
  }

  @Test
  void otherAnswersAndTimeoutsAreNotRedirects() {
    assertThat(RedisBucketStore.isRedirect(ErrorType.create("NOSCRIPT No matching script"))).isFalse();
    assertThat(RedisBucketStore.isRedirect(ErrorType.create("ERR openclaw: bad CAP"))).isFalse();
    assertThat(RedisBucketStore.isRedirect(ErrorType.create("TRYAGAIN Multiple keys request during rehashing")))
        .isFalse();
    assertThat(RedisBucketStore.isRedirect(new NoStackTraceTimeoutException("timeout"))).isFalse();
  }

  @Test
  void noScriptIsRecognisedByItsPrefix() {
    assertThat(RedisBucketStore.isNoScript(ErrorType.create("NOSCRIPT No matching script"))).isTrue();
    assertThat(RedisBucketStore.isNoScript(ErrorType.create("ERR NOSCRIPT inside a message"))).isFalse();
  }

  @Test
  void aClosedConnectionUnderACallIsNoAnswerFromRedis() {
    assertThat(RedisBucketStore.isAnswerOrTimeout(ErrorType.create("CONNECTION_CLOSED"))).isFalse();
    assertThat(RedisBucketStore.isAnswerOrTimeout(ErrorType.create("CLUSTERDOWN The cluster is down"))).isTrue();
    assertThat(RedisBucketStore.isAnswerOrTimeout(new NoStackTraceTimeoutException("timeout"))).isTrue();
    assertThat(RedisBucketStore.isAnswerOrTimeout(new IllegalStateException("Connection is closed"))).isFalse();
  }
}
