package io.openclaw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of());

  @Test
  void embeddedDefaultIsAStandaloneNodeOnPort8080() {
    OpenClawConfig config = loader.defaults();

    assertThat(config.sync().enabled()).isFalse();
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.cluster().shards()).isEqualTo(16);
    assertThat(config.buckets().defaults().capacity()).isEqualTo(10_000);
    assertThat(config.buckets().defaults().graceTokens()).isEqualTo(1000);
    assertThat(config.buckets().keyPrefix()).isEqualTo("openclaw:tb");
  }

  @Test
  void shippedConfigsLoad() {
    for (String file : new String[] {"conf/openclaw.yaml", "conf/openclaw-standalone.yaml"}) {
      assertThat(loader.load(Path.of(file)).region()).isNotBlank();
    }
  }

  @Test
  void regionConfigsDifferOnlyInRegionNodeAndPort() {
    List<String> regions = List.of("us-east", "eu-west", "ap-southeast");
    for (int i = 0; i < regions.size(); i++) {
      OpenClawConfig config = loader.load(Path.of("conf/regions/" + regions.get(i) + ".yaml"));

      assertThat(config.region()).isEqualTo(regions.get(i));
      assertThat(config.http().port()).isEqualTo(8081 + i);
      assertThat(config.sync().enabled()).isTrue();
      assertThat(config.sync().clusterNodes()).hasSize(6).allMatch(node -> node.matches("127\\.0\\.0\\.1:700[0-5]"));
      assertThat(config.sync().heartbeatIntervalMillis()).isEqualTo(1000);
      assertThat(config.buckets().keyPrefix()).isEqualTo("openclaw:tb");
    }
  }

  @Test
  void servicesInheritWhatTheyLeaveOut() {
    OpenClawConfig config = loader.fromYaml("""
        bucket: {capacity: 100, refill_rate: 10, burst_grace_ratio: 0.5}
        services:
          search: {capacity: 20}
        """);

    assertThat(config.buckets().policyFor("search").capacity()).isEqualTo(20);
    assertThat(config.buckets().policyFor("search").refillRate()).isEqualByComparingTo("10");
    assertThat(config.buckets().policyFor("search").graceTokens()).isEqualTo(10);
    assertThat(config.buckets().policyFor("unknown").capacity()).isEqualTo(100);
  }

  @Test
  void unknownKeyIsNamed() {
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: 10, refil_rate: 5}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key bucket.refil_rate");
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    assertThatThrownBy(() -> loader.fromYaml("regoin: us-east"))
        .hasMessageStartingWith("unknown key regoin");
  }

  @Test
  void invalidValuesNameTheKeyAndTheProblem() {
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: -5}"))
        .hasMessage("bucket.capacity must be between 1 and 4503599627, not -5");
    assertThatThrownBy(() -> loader.fromYaml("services: {search: {capacity: 4503599628}}"))
        .hasMessage("services.search.capacity must be between 1 and 4503599627, not 4503599628");
    assertThatThrownBy(() -> loader.fromYaml("bucket: {refill_rate: fast}"))
        .hasMessage("bucket.refill_rate must be a number, not \"fast\"");
    assertThatThrownBy(() -> loader.fromYaml("bucket: {refill_rate: 1e20}"))
        .hasMessage("bucket.refill_rate must be tokens per second, from 0 to 4503599627, with at most 6 decimal "
            + "places, not 100000000000000000000");
    assertThatThrownBy(() -> loader.fromYaml("bucket: {refill_rate: 0.0000001}"))
        .hasMessage("bucket.refill_rate must be tokens per second, from 0 to 4503599627, with at most 6 decimal "
            + "places, not 0.0000001");
    assertThatThrownBy(() -> loader.fromYaml("http: {port: 70000}"))
        .hasMessageContaining("http.port must be between 0 and 65535");
    assertThatThrownBy(() -> loader.fromYaml("sync: {enabled: yes please}"))
        .hasMessageContaining("sync.enabled must be true or false");
    assertThatThrownBy(() -> loader.fromYaml("services: {search: {burst_grace_ratio: 2}}"))
        .hasMessageContaining("services.search.burst_grace_ratio must be between 0 and 1");
    assertThatThrownBy(() -> loader.fromYaml("failover: {local_capacity_ratio: 0}"))
        .hasMessageContaining("failover.local_capacity_ratio must be greater than 0");
    assertThatThrownBy(() -> loader.fromYaml("sync: {cluster_nodes: [localhost]}"))
        .hasMessageContaining("sync.cluster_nodes entries must look like host:port");
  }

  @Test
  void httpIdleTimeoutDefaultsTo30SecondsAndIsValidated() {
    assertThat(loader.defaults().http().idleTimeoutSeconds()).isEqualTo(30);
    assertThat(loader.fromYaml("http: {idle_timeout_seconds: 5}").http().idleTimeoutSeconds()).isEqualTo(5);
    assertThatThrownBy(() -> loader.fromYaml("http: {idle_timeout_seconds: 0}"))
        .hasMessage("http.idle_timeout_seconds must be between 1 and 3600, not 0");
    assertThatThrownBy(() -> loader.fromYaml("http: {idle_timeout_seconds: soon}"))
        .hasMessage("http.idle_timeout_seconds must be a whole number, not \"soon\"");
  }

  @Test
  void defaultIsNotAServiceNameBecauseBucketConfiguresIt() {
    assertThatThrownBy(() -> loader.fromYaml("services: {default: {capacity: 5}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("services.default is reserved for requests that name no service; configure the default bucket "
            + "under bucket:");
    assertThatThrownBy(() -> loader.fromYaml("services: {openclaw-probe: {capacity: 5}}"))
        .hasMessageContaining("services.openclaw-probe is reserved");
  }

  @Test
  void aSectionWithNoValueIsRefusedWithItsName() {
    assertThatThrownBy(() -> loader.fromYaml("http: null"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http must be a mapping of keys to values, not empty; write {} for all defaults");
    assertThatThrownBy(() -> loader.fromYaml("region: eu\nsync:\nbucket: {capacity: 5}\n"))
        .hasMessage("sync must be a mapping of keys to values, not empty; write {} for all defaults");
    assertThatThrownBy(() -> loader.fromYaml("services:\n  search:\n"))
        .hasMessage("services.search must be a mapping of keys to values, not empty; write {} for all defaults");
    assertThat(loader.fromYaml("http: {}\nservices: {search: {}}").buckets().isConfigured("search")).isTrue();
  }

  @Test
  void serviceCannotOverrideTheKeyPrefix() {
    assertThatThrownBy(() -> loader.fromYaml("services: {search: {key_prefix: x}}"))
        .hasMessageContaining("unknown key services.search.key_prefix");
  }

  @Test
  void aFileThatCannotBeReadIsReportedWithTheReason(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nonexistent.yaml");
    assertThatThrownBy(() -> loader.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot read config file " + missing + ": no such file");

    Path latin1 = Files.write(dir.resolve("latin1.yaml"), "region: caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> loader.load(latin1))
        .hasMessage("cannot read config file " + latin1 + ": not UTF-8 text");

    Path notADirectory = latin1.resolve("openclaw.yaml");
    assertThatThrownBy(() -> loader.load(notADirectory))
        .hasMessage("cannot read config file " + notADirectory + ": Not a directory");
  }

  @Test
  void malformedYamlIsReported() {
    assertThatThrownBy(() -> loader.fromYaml("bucket: [capacity: 1"))
        .hasMessageStartingWith("config is not valid YAML");
  }

  @Test
  void aNumberYamlCannotReadIsReportedWithItsKey() {
    assertThatThrownBy(() -> loader.fromYaml("bucket:\n  capacity: .inf\n"))
        .hasMessage("config is not valid YAML at bucket.capacity: Malformed numeric value '.inf' (line 2, column 17)");
    assertThatThrownBy(() -> loader.fromYaml("sync: {cluster_nodes: ['a:1', .nan]}"))
        .hasMessageStartingWith("config is not valid YAML at sync.cluster_nodes[1]: ");
  }

  @Test
  void aYamlAliasIsRefusedWhereItStands() {
    assertThatThrownBy(() -> loader.fromYaml("bucket: &shared {capacity: 5}\nservices: {search: *shared}\n"))
        .hasMessage("config uses a YAML alias (*shared) at services.search (line 2, column 20); aliases are not "
            + "supported, write the values out");
  }

  @Test
  void aWholeNumberWrittenAsAFloatIsAccepted() {
    OpenClawConfig config = loader.fromYaml("bucket: {capacity: 1e3}\nhttp: {port: 8081.0}\n");

    assertThat(config.buckets().policyFor("default").capacity()).isEqualTo(1000);
    assertThat(config.http().port()).isEqualTo(8081);
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: 1000.5}"))
        .hasMessage("bucket.capacity must be a whole number, not 1000.5");
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: 1e20}"))
        .hasMessage("bucket.capacity must be a whole number, not 1.0E20");
  }

  @Test
  void environmentOverridesEndpoints() {
    ConfigLoader withEnv = new ConfigLoader(Map.of(
        "OPENCLAW_HTTP_PORT", "9090",
        "OPENCLAW_SYNC_CLUSTER_NODES", "redis-a:7000, redis-b:7001"));

    OpenClawConfig config = withEnv.fromYaml("sync: {enabled: true, cluster_nodes: [127.0.0.1:7000]}");

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.sync().clusterNodes()).containsExactly("redis-a:7000", "redis-b:7001");
  }

  @Test
  void clusterNodePortMustBeFrom1To65535() {
    assertThatThrownBy(() -> loader.fromYaml("sync: {cluster_nodes: [\"127.0.0.1:7000\", \"127.0.0.1:99999\"]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sync.cluster_nodes entries must look like host:port with a port from 1 to 65535, "
            + "not '127.0.0.1:99999'");
    assertThatThrownBy(() -> loader.fromYaml("sync: {cluster_nodes: [\"127.0.0.1:0\"]}"))
        .hasMessage("sync.cluster_nodes entries must look like host:port with a port from 1 to 65535, "
            + "not '127.0.0.1:0'");
    assertThat(loader.fromYaml("sync: {cluster_nodes: [\"127.0.0.1:1\", \"redis:65535\"]}").sync().clusterNodes())
        .containsExactly("127.0.0.1:1", "redis:65535");
  }

  @Test
  void clusterNodePortFromTheEnvironmentIsCheckedToo() {
    ConfigLoader withEnv = new ConfigLoader(Map.of("OPENCLAW_SYNC_CLUSTER_NODES", "redis-a:7000, redis-b:0"));

    assertThatThrownBy(withEnv::defaults)
        .isInstanceOf(ConfigException.class)
        .hasMessage("sync.cluster_nodes (from OPENCLAW_SYNC_CLUSTER_NODES) entries must look like host:port "
            + "with a port from 1 to 65535, not 'redis-b:0'");
    assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENCLAW_SYNC_CLUSTER_NODES", "redis-a:65536")).defaults())
        .hasMessageContaining("not 'redis-a:65536'");
  }

  @Test
  void httpHostTakesNamesAndAddressesOfAnyKind() {
    for (String host : List.of("0.0.0.0", "127.0.0.1", "255.255.255.255", "localhost", "localhost.",
        "node-1.eu-west.internal", "redis_a", "::", "::1", "[::1]", "fe80::1", "::ffff:10.0.0.1")) {
      assertThat(loader.fromYaml("http: {host: '" + host + "'}").http().host()).isEqualTo(host);
    }
  }

  @Test
  void httpHostOfAWrongFormIsRefusedWithoutALookup() {
    assertThatThrownBy(() -> loader.fromYaml("http: {host: 999.1.1.1}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.host must be a host name or an IP address, not '999.1.1.1' (each number of an IPv4 "
            + "address is from 0 to 255)");
    assertThatThrownBy(() -> loader.fromYaml("http: {host: '127.1'}"))
        .hasMessage("http.host must be a host name or an IP address, not '127.1' (an IPv4 address is four "
            + "numbers separated by dots)");
    assertThatThrownBy(() -> loader.fromYaml("http: {host: '1.2.3.4.5'}"))
        .hasMessageContaining("(an IPv4 address is four numbers separated by dots)");
    assertThatThrownBy(() -> loader.fromYaml("http: {host: '::12345'}"))
        .hasMessage("http.host must be a host name or an IP address, not '::12345' (not a valid IPv6 address)");
    assertThatThrownBy(() -> loader.fromYaml("http: {host: '[::1'}"))
        .hasMessageContaining("(not a valid IPv6 address)");
    assertThatThrownBy(() -> loader.fromYaml("http: {host: '1:2'}"))
        .hasMessageContaining("(not a valid IPv6 address)");
    for (String name : List.of("my host", "-edge", "edge-", "a..b", "edge:8080", "http://edge",
        "x".repeat(64))) {
      assertThatThrownBy(() -> loader.fromYaml("http: {host: '" + name + "'}"))
          .hasMessage("http.host must be a host name or an IP address, not '" + name + "' (a host name is labels "
              + "of 1-63 letters, digits, '-' or '_', separated by dots)");
    }
  }

  @Test
  void httpHostFromTheEnvironmentIsCheckedToo() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENCLAW_HTTP_HOST", "999.1.1.1")).defaults())
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.host (from OPENCLAW_HTTP_HOST) must be a host name or an IP address, not '999.1.1.1' "
            + "(each number of an IPv4 address is from 0 to 255)");
    assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENCLAW_HTTP_HOST", "")).defaults())
        .hasMessage("http.host (from OPENCLAW_HTTP_HOST) must be a host name or an IP address, not empty");
    assertThat(new ConfigLoader(Map.of("OPENCLAW_HTTP_HOST", "127.0.0.1")).defaults().http().host())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void theDefaultNodeNameIsTheHostAndThePort() {
    String name = loader.fromYaml("http: {port: 8089}").node();

    assertThat(name).endsWith("-8089").isEqualTo(ConfigLoader.defaultNodeName(8089));
    assertThat(loader.fromYaml("node: edge-1\nhttp: {port: 8089}").node()).isEqualTo("edge-1");
  }

  @Test
  void withPortZeroTheDefaultNodeNameIsTheHostAndTheProcessId() {
    String pid = "-pid" + ProcessHandle.current().pid();

    assertThat(loader.fromYaml("http: {port: 0}").node()).endsWith(pid).doesNotEndWith("-0");
    assertThat(new ConfigLoader(Map.of("OPENCLAW_HTTP_PORT", "0")).fromYaml("http: {port: 8089}").node())
        .endsWith(pid);
    assertThat(loader.fromYaml("node: edge-1\nhttp: {port: 0}").node()).isEqualTo("edge-1");
  }

  @Test
  void badEnvironmentPortIsNamed() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENCLAW_HTTP_PORT", "http")).defaults())
        .hasMessageContaining("OPENCLAW_HTTP_PORT must be a port number");
  }

  @Test
  void aKeyGivenTwiceIsRefusedWithItsName() {
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: 5}\nbucket: {capacity: 6}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Duplicate field 'bucket'")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> loader.fromYaml("bucket: {capacity: 5, capacity: 7}"))
        .hasMessageContaining("Duplicate field 'capacity'");
  }

  @Test
  void aNumberYamlCannotReadIsPlacedByLine() {
    assertThatThrownBy(() -> loader.fromYaml("bucket:\n  capacity: .inf\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".inf")
        .hasMessageContaining("line 2");
  }

  @Test
  void logFormatFromTheEnvironmentIsCheckedToo() {
    ConfigLoader withEnv = new ConfigLoader(Map.of("OPENCLAW_LOG_FORMAT", "xml"));

    assertThatThrownBy(withEnv::defaults)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OPENCLAW_LOG_FORMAT must be text or json, not 'xml'");
    assertThat(new ConfigLoader(Map.of("OPENCLAW_LOG_FORMAT", "json")).defaults().logging().format())
        .isEqualTo("json");
  }
}
