package io.openclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.openclaw.config.ConfigException;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HazelcastSettingsTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of());

  @Test
  void namesTheClusterAfterTheRegion() {
    Config config = HazelcastSettings.build(region("eu-west", "cluster/hazelcast.xml"));

    assertThat(config.getClusterName()).isEqualTo("openclaw-eu-west");
  }

  @Test
  void keepsTheVertxMapSettings() {
    Config config = HazelcastSettings.build(region("eu-west", "cluster/hazelcast.xml"));

    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
  }

  @Test
  void joinsOverTcpIpOnlyWithTheConfiguredPortAndMembers() {
    Config config = HazelcastSettings.build(region("eu-west", "cluster/hazelcast.xml"));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5905);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5905", "127.0.0.1:5906");
  }

  @Test
  void takesThePropertiesFromTheFile() {
    Config config = HazelcastSettings.build(region("eu-west", "cluster/hazelcast.xml"));

    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
  }

  @Test
  void leavesOtherDiscoveryAloneWhenTcpIpIsOff(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("hazelcast.xml");
    Files.writeString(file, """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <cluster-name>ignored</cluster-name>
          <network><join><multicast enabled="false"/><tcp-ip enabled="false"/></join></network>
        </hazelcast>
        """);

    Config config = HazelcastSettings.build(region("ap-south", file.toString()));

    assertThat(config.getClusterName()).isEqualTo("openclaw-ap-south");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).isEmpty();
  }

  @Test
  void namesTheKeyWhenTheFileIsMissing() {
    assertThatThrownBy(() -> HazelcastSettings.build(region("eu-west", "no/such/hazelcast.xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.hazelcast_config");
  }

  @Test
  void namesTheKeyWhenTheFileIsNotHazelcastXml(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.xml");
    Files.writeString(file, "<hazelcast><network><port>not a port</port></network></hazelcast>");

    assertThatThrownBy(() -> HazelcastSettings.build(region("eu-west", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.hazelcast_config");
  }

  private OpenClawConfig region(String region, String hazelcastFile) {
    return loader.fromYaml("region: " + region + "\n"
        + "cluster: {enabled: true, hazelcast_config: '" + hazelcastFile + "', port: 5905,"
        + " members: ['127.0.0.1:5905', '127.0.0.1:5906']}\n");
  }
}
