package io.openclaw.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationLagTest {
  private static final long WRITTEN = 5_000_000_000L;

  @Test
  void masterLagIsItsWorstReplicaRoundedUpToWholeMillis() {
    ReplicationLag lag = new ReplicationLag(WRITTEN);

    lag.seen("r1", WRITTEN + 300_000);
    lag.seen("r2", WRITTEN + 7_000_001);

    assertThat(lag.byReplica()).containsExactlyInAnyOrderEntriesOf(Map.of("r1", 1L, "r2", 8L));
    assertThat(lag.worstMillis()).isEqualTo(8);
  }

  @Test
  void replicaThatNeverShowedTheValueCountsAsTheTimeWaited() {
    ReplicationLag lag = new ReplicationLag(WRITTEN);

    lag.seen("r1", WRITTEN + 2_000_000);
    lag.gaveUp("r2", WRITTEN + 1_000_000_000L);

    assertThat(lag.worstMillis()).isEqualTo(1000);
  }

  @Test
  void replicaSeenAtTheInstantOfTheWriteHasNoLag() {
    ReplicationLag lag = new ReplicationLag(WRITTEN);

    lag.seen("r1", WRITTEN);

    assertThat(lag.worstMillis()).isZero();
  }

  @Test
  void noReplicaMeansNoMeasurement() {
    assertThat(new ReplicationLag(WRITTEN).worstMillis()).isEqualTo(-1);
  }

  @Test
  void overLimitNamesOnlyMastersStrictlyAboveIt() {
    Map<String, Long> lags = Map.of("m3", 101L, "m1", 100L, "m2", 250L);

    assertThat(ReplicationLag.overLimit(lags, 100)).containsExactly("m2", "m3");
  }

  @Test
  void clusterStateIsReadFromClusterInfo() {
    String info = "cluster_enabled:1\r\ncluster_state:fail\r\ncluster_slots_assigned:16384\r\n";

    assertThat(SyncVerticle.clusterState(info)).isEqualTo("fail");
    assertThat(SyncVerticle.clusterState("")).isEqualTo("unknown");
  }

  @Test
  void heartbeatKeyOfAMasterHashesToItsFirstSlot() {
    HeartbeatProbe probe = new HeartbeatProbe(null, null, "us-east:n1", 1000);

    assertThat(HashSlots.slot(probe.key(10923))).isEqualTo(10923);
    assertThat(probe.key(10923)).startsWith("openclaw:heartbeat:{").endsWith("}:us-east:n1");
  }
}
