package io.openclaw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of());

  @Test
  void defaultsToPort5701AndTheLoopbackMember() {
    OpenClawConfig.Cluster cluster = loader.defaults().cluster();

    assertThat(cluster.enabled()).isFalse();
    assertThat(cluster.hazelcastConfig()).isEqualTo("cluster/hazelcast.xml");
    assertThat(cluster.shards()).isEqualTo(16);
    assertThat(cluster.port()).isEqualTo(5701);
    assertThat(cluster.members()).containsExactly("127.0.0.1");
  }

  @Test
  void readsPortAndMembersFromTheFile() {
    OpenClawConfig.Cluster cluster = loader.fromYaml("""
        cluster: {enabled: true, port: 5901, members: ["10.0.0.5", "10.0.0.6:5702"]}
        """).cluster();

    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.port()).isEqualTo(5901);
    assertThat(cluster.members()).containsExactly("10.0.0.5", "10.0.0.6:5702");
  }

  @Test
  void acceptsMembersAsACommaSeparatedString() {
    OpenClawConfig.Cluster cluster = loader.fromYaml("cluster: {members: 'a.example, b.example:5702'}").cluster();

    assertThat(cluster.members()).containsExactly("a.example", "b.example:5702");
  }

  @Test
  void environmentOverridesPortAndMembers() {
    ConfigLoader withEnv = new ConfigLoader(Map.of(
        "OPENCLAW_CLUSTER_PORT", "5911",
        "OPENCLAW_CLUSTER_MEMBERS", "127.0.0.1:5911, 127.0.0.1:5912"));

    OpenClawConfig.Cluster cluster = withEnv.fromYaml("cluster: {port: 5701, members: [other]}").cluster();

    assertThat(cluster.port()).isEqualTo(5911);
    assertThat(cluster.members()).containsExactly("127.0.0.1:5911", "127.0.0.1:5912");
  }

  @Test
  void rejectsAPortOutOfRange() {
    assertThatThrownBy(() -> loader.fromYaml("cluster: {port: 70000}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.port")
        .hasMessageContaining("between 1 and 65535");
    assertThatThrownBy(() -> loader.fromYaml("cluster: {port: 0}"))
        .hasMessageContaining("cluster.port");
  }

  @Test
  void rejectsABadPortInTheEnvironment() {
    ConfigLoader withEnv = new ConfigLoader(Map.of("OPENCLAW_CLUSTER_PORT", "zero"));

    assertThatThrownBy(withEnv::defaults)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OPENCLAW_CLUSTER_PORT");
    assertThatThrownBy(new ConfigLoader(Map.of("OPENCLAW_CLUSTER_PORT", "0"))::defaults)
        .hasMessageContaining("OPENCLAW_CLUSTER_PORT");
  }

  @Test
  void rejectsMalformedMembers() {
    assertThatThrownBy(() -> loader.fromYaml("cluster: {members: ['host:port']}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.members")
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> loader.fromYaml("cluster: {members: ['host:99999']}"))
        .hasMessageContaining("cluster.members");
    assertThatThrownBy(() -> loader.fromYaml("cluster: {members: []}"))
        .hasMessageContaining("cluster.members")
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> loader.fromYaml("cluster: {members: [1]}"))
        .hasMessageContaining("cluster.members");
  }

  @Test
  void rejectsAnEmptyMemberListInTheEnvironment() {
    ConfigLoader withEnv = new ConfigLoader(Map.of("OPENCLAW_CLUSTER_MEMBERS", " "));

    assertThatThrownBy(withEnv::defaults).hasMessageContaining("cluster.members");
  }

  @Test
  void rejectsUnknownClusterKeys() {
    assertThatThrownBy(() -> loader.fromYaml("cluster: {memebers: [a]}"))
        .hasMessageContaining("unknown key cluster.memebers");
  }
}
