package io.openclaw.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterTopologyTest {
  private static final String HEALTHY = """
      c63c 127.0.0.1:7202@17202 master - 0 1796359080000 3 connected 10923-16383
      5c5d 127.0.0.1:7204@17204 slave 81a6 0 1796359081231 1 connected
      0ece 127.0.0.1:7203@17203 slave c63c 0 1796359080000 3 connected
      d6ee 127.0.0.1:7205@17205 slave dc4e 0 1796359079721 2 connected
      dc4e 127.0.0.1:7201@17201 master - 0 1796359080000 2 connected 5461-10922
      81a6 127.0.0.1:7200@17200 myself,master - 0 1796359080000 1 connected 0-5460
      """;

  @Test
  void readsMastersWithTheirFirstSlotAndReplicas() {
    ClusterTopology topology = ClusterTopology.parse(HEALTHY);

    assertThat(topology.masters()).containsExactly(
        new ClusterTopology.Master("127.0.0.1:7200", "81a6", 0, java.util.List.of("127.0.0.1:7204")),
        new ClusterTopology.Master("127.0.0.1:7201", "dc4e", 5461, java.util.List.of("127.0.0.1:7205")),
        new ClusterTopology.Master("127.0.0.1:7202", "c63c", 10923, java.util.List.of("127.0.0.1:7203")));
  }

  @Test
  void failedMasterIsGoneAndItsPromotedReplicaIsAMaster() {
    String afterFailover = """
        81a6 127.0.0.1:7200@17200 master,fail - 1 1796359080000 1 disconnected
        5c5d 127.0.0.1:7204@17204 myself,master - 0 1796359081231 7 connected 0-5460
        dc4e 127.0.0.1:7201@17201 master - 0 1796359080000 2 connected 5461-10922
        d6ee 127.0.0.1:7205@17205 slave dc4e 0 1796359079721 2 connected
        """;

    ClusterTopology topology = ClusterTopology.parse(afterFailover);

    assertThat(topology.masterAddresses()).containsExactly("127.0.0.1:7201", "127.0.0.1:7204");
    assertThat(topology.masters().get(1).replicas()).isEmpty();
    assertThat(topology.masters().get(1).firstSlot()).isZero();
  }

  @Test
  void firstSlotIgnoresMigratingMarkersAndTakesTheLowestRange() {
    String line = "aaaa 10.0.0.1:6379@16379,redis-a.example master - 0 0 1 connected 9000-9100 [8000->-bbbb] 42 7000";

    ClusterTopology.Master master = ClusterTopology.parse(line).masters().get(0);

    assertThat(master.address()).isEqualTo("10.0.0.1:6379");
    assertThat(master.firstSlot()).isEqualTo(42);
  }

  @Test
  void masterWithoutSlotsAndNodesWithoutAddressAreLeftOut() {
    String text = """
        aaaa 127.0.0.1:7000@17000 master - 0 0 1 connected
        bbbb :0@0 master,noaddr - 0 0 2 disconnected 0-100
        cccc 127.0.0.1:7002@17002 master,fail? - 0 0 3 connected 101-16383
        """;

    assertThat(ClusterTopology.parse(text).masterAddresses()).containsExactly("127.0.0.1:7002");
  }

  @Test
  void emptyTextHasNoMasters() {
    assertThat(ClusterTopology.parse("").masters()).isEmpty();
  }
}
