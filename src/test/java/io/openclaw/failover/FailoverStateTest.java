package io.openclaw.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.openclaw.store.SyncUnavailableException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverStateTest {
  private static final int THRESHOLD = 3;

  private final NodeStatus status = new NodeStatus(Mode.GLOBAL);
  private final FailoverState state = new FailoverState(status, THRESHOLD);
  private final List<String> trips = new CopyOnWriteArrayList<>();

  @BeforeEach
  void listen() {
    state.onTrip(trips::add);
  }

  private static Throwable slowReply() {
    return new NoStackTraceTimeoutException("The operation timed out after 250 ms");
  }

  private static Throwable clusterDown() {
    return ErrorType.create("CLUSTERDOWN The cluster is down");
  }

  private static Throwable connectionClosed() {
    return new IllegalStateException("Connection is closed");
  }

  @Test
  void oneSlowReplyDoesNotTrip() {
    state.failed(slowReply());

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
    assertThat(status.mode()).isEqualTo(Mode.GLOBAL);
    assertThat(trips).isEmpty();
  }

  @Test
  void oneErrorAnswerDoesNotTrip() {
    state.failed(clusterDown());

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
    assertThat(trips).isEmpty();
  }

  @Test
  void thresholdFailuresInARowTrip() {
    state.failed(slowReply());
    state.failed(clusterDown());
    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);

    state.failed(slowReply());

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.LOCAL);
    assertThat(state.local()).isTrue();
    assertThat(status.mode()).isEqualTo(Mode.LOCAL);
    assertThat(trips).containsExactly("Redis round trip timed out");
  }

  @Test
  void aSuccessBetweenFailuresStartsTheCountAgain() {
    state.failed(slowReply());
    state.failed(slowReply());
    state.succeeded(1_000_000);
    state.failed(slowReply());
    state.failed(slowReply());

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
    assertThat(trips).isEmpty();
  }

  @Test
  void anUnreachableRedisTripsAtOnce() {
    state.failed(new ConnectException("Connection refused: /127.0.0.1:7450"));

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.LOCAL);
    assertThat(trips).containsExactly("Connection refused: /127.0.0.1:7450");
  }

  @Test
  void aClosedConnectionAndAFailedConnectTripAtOnce() {
    FailoverState other = new FailoverState(new NodeStatus(Mode.GLOBAL), THRESHOLD);

    state.failed(connectionClosed());
    other.failed(new SyncUnavailableException("Redis Cluster not reachable (reconnecting)"));

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.LOCAL);
    assertThat(other.phase()).isEqualTo(FailoverState.Phase.LOCAL);
  }

  @Test
  void aCallCutOffByAClosedConnectionTripsAtOnce() {
    state.failed(ErrorType.create("CONNECTION_CLOSED"));

    assertThat(state.phase()).as("the Redis client's failure of a call pending on a closed connection")
        .isEqualTo(FailoverState.Phase.LOCAL);
    assertThat(trips).containsExactly("Redis connection closed during a round trip");
  }

  @Test
  void anOutageTripsExactlyOnceHoweverManyCallsFail() {
    for (int i = 0; i < 100; i++) {
      state.failed(i % 2 == 0 ? connectionClosed() : slowReply());
    }

    assertThat(trips).containsExactly("Connection is closed");
  }

  @Test
  void concurrentFailuresFromEveryShardTripOnce() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> shards = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread shard = new Thread(() -> {
        awaitQuietly(go);
        for (int k = 0; k < 1_000; k++) {
          state.failed(connectionClosed());
        }
      });
      shard.start();
      shards.add(shard);
    }

    go.countDown();
    for (Thread shard : shards) {
      shard.join(10_000);
    }

    assertThat(trips).hasSize(1);
    assertThat(state.phase()).isEqualTo(FailoverState.Phase.LOCAL);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFailedReconciliationGoesBackToLocalWithoutANewTrip() {
    state.failed(connectionClosed());
    assertThat(state.startReconciling()).isTrue();
    assertThat(state.local()).as("a reconciling node no longer decides locally").isFalse();

    state.failed(connectionClosed());
    state.reconcileFailed();

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.LOCAL);
    assertThat(status.mode()).isEqualTo(Mode.LOCAL);
    assertThat(trips).hasSize(1);
  }

  @Test
  void theNextOutageAfterRecoveryTripsAgainOnce() {
    state.failed(connectionClosed());
    state.startReconciling();
    state.recovered();
    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
    assertThat(status.mode()).isEqualTo(Mode.GLOBAL);

    state.failed(new ConnectException("Connection refused"));
    state.failed(new ConnectException("Connection refused"));

    assertThat(trips).containsExactly("Connection is closed", "Connection refused");
  }

  @Test
  void lateFailuresOfTheLastOutageDoNotCountTowardsTheNext() {
    state.failed(connectionClosed());
    state.failed(slowReply());
    state.failed(slowReply());
    state.startReconciling();
    state.recovered();

    state.failed(slowReply());
    state.failed(slowReply());

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
    assertThat(trips).hasSize(1);
  }

  @Test
  void onlyAProbeFromLocalStartsReconciling() {
    assertThat(state.startReconciling()).isFalse();
    state.recovered();
    state.reconcileFailed();

    assertThat(state.phase()).isEqualTo(FailoverState.Phase.GLOBAL);
  }

  @Test
  void theCauseIsTheFirstLineOfTheMessage() {
    assertThat(FailoverState.describe(new IllegalStateException("Connection is closed\nat somewhere")))
        .isEqualTo("Connection is closed");
    assertThat(FailoverState.describe(new ConnectException())).isEqualTo("ConnectException");
    assertThat(FailoverState.describe(slowReply())).isEqualTo("Redis round trip timed out");
  }
}
