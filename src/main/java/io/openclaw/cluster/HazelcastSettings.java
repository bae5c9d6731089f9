package io.openclaw.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.openclaw.config.ConfigException;
import io.openclaw.config.OpenClawConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hazelcast configuration of one node. It starts from the Vert.x cluster manager's own defaults, which
 * carry the settings of the {@code __vertx.*} maps the event bus relies on, and takes from the region's
 * file only what an operator tunes per deployment: the network section (interfaces, port range, join
 * method) and the properties. The cluster name always comes from the region, so that two regions can
 * never merge into one cluster, whatever their files say.
 */
public final class HazelcastSettings {
  private HazelcastSettings() {
  }

  /** The Hazelcast cluster name of a region. */
  public static String clusterName(String region) {
    return "openclaw-" + region;
  }

  /** Reads the configured file; this touches the disk, so call it before any event loop is involved. */
  public static Config build(OpenClawConfig config) {
    OpenClawConfig.Cluster cluster = config.cluster();
    Config result = ConfigUtil.loadConfig();
    Config file = load(Path.of(cluster.hazelcastConfig()));

    result.setNetworkConfig(file.getNetworkConfig());
    for (String name : file.getProperties().stringPropertyNames()) {
      result.setProperty(name, file.getProperty(name));
    }
    result.setClusterName(clusterName(config.region()));
    apply(result.getNetworkConfig(), cluster);
    return result;
  }

  private static void apply(NetworkConfig network, OpenClawConfig.Cluster cluster) {
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    TcpIpConfig tcpIp = network.getJoin().getTcpIpConfig();
    if (tcpIp.isEnabled()) {
      tcpIp.setMembers(cluster.members());
    }
  }

  private static Config load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("cluster.hazelcast_config names no readable file: " + file.toAbsolutePath());
    }
    try {
      return Config.loadFromFile(file.toFile());
    } catch (IOException | InvalidConfigurationException e) {
      throw new ConfigException("cluster.hazelcast_config " + file + " is not a valid Hazelcast configuration: "
          + e.getMessage(), e);
    }
  }
}
