package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.TestClient;
import io.openclaw.http.TestPorts;
import io.openclaw.node.OpenClawNode;
import io.openclaw.sync.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code openclaw verify-sync} against three regions in this JVM (separate Vert.x instances, one Redis Cluster),
 * and against endpoints that do not share their buckets.
 *
 * <p>NOTE: the runs pass {@code --max-lag-ms 1000}: the measured lag includes each node's own scheduling, and on
 * the shared test machine a busy moment can push one heartbeat past the default 100 ms. The lag limit itself is
 * covered by SyncReportTest.
 */
class VerifySyncIT {
  private static final String[] REGIONS = {"vs-us-east", "vs-eu-west", "vs-ap-southeast"};
  private static final List<OpenClawNode> NODES = new ArrayList<>();
  private static final List<String> GLOBAL_URLS = new ArrayList<>();

  private record Run(int exitCode, String out, String err) {
  }

  @BeforeAll
  static void startRegions() throws Exception {
    for (String region : REGIONS) {
      GLOBAL_URLS.add(url(start(global(region, "openclaw:tb"))));
    }
    for (String url : GLOBAL_URLS) {
      awaitGlobalMode(url);
    }
  }

  @AfterAll
  static void stopRegions() throws Exception {
    for (OpenClawNode node : NODES) {
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** grace_window_seconds 1: a node that found Redis slow at start-up is back in global mode at once. */
  private static String global(String region, String keyPrefix) {
    return """
        region: %s
        node: %s-node
        http: {host: 127.0.0.1, port: 0}
        sync: {enabled: true, cluster_nodes: %s, heartbeat_interval_ms: 200}
        bucket: {key_prefix: "%s"}
        failover: {grace_window_seconds: 1}
        cluster: {shards: 2}
        """.formatted(region, region, TestRedis.yamlList(), keyPrefix);
  }

  private static OpenClawNode start(String yaml) throws Exception {
    OpenClawNode node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    NODES.add(node);
    return node;
  }

  private static String url(OpenClawNode node) {
    return "http://127.0.0.1:" + node.httpPort();
  }

  private static int port(String url) {
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
  }

  private static void awaitGlobalMode(String url) throws Exception {
    TestClient client = new TestClient(port(url));
    long deadline = System.currentTimeMillis() + 20_000;
    JsonObject health = TestClient.json(client.send(client.request("/health").GET().build()));
    while (!"global".equals(health.getString("mode")) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      health = TestClient.json(client.send(client.request("/health").GET().build()));
    }
    assertThat(health.getString("mode")).as("mode of %s", url).isEqualTo("global");
  }

  private static Run verifySync(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> line = new ArrayList<>(List.of("verify-sync"));
    line.addAll(List.of(args));
    int exitCode = new CommandLine(new OpenClawCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err)).execute(line.toArray(String[]::new));
    return new Run(exitCode, out.toString().strip(), err.toString().strip());
  }

  private static List<String> rows(Run run) {
    return run.out().lines().toList();
  }

  @Test
  void threeRegionsOnOneClusterAgreeAndExitZero() {
    Run run = verifySync("--endpoints", String.join(",", GLOBAL_URLS), "--max-lag-ms", "1000",
        "--client-id", "verify-it-" + System.nanoTime());

    assertThat(run.exitCode()).as(run.out()).isZero();
    List<String> rows = rows(run);
    assertThat(rows).hasSize(5);
    for (int i = 0; i < REGIONS.length; i++) {
      assertThat(rows.get(1 + i)).startsWith(GLOBAL_URLS.get(i)).contains(REGIONS[i], " global ",
          " 999999 999998 999997 ").endsWith(" yes");
    }
    assertThat(rows.get(4)).startsWith("verify-sync: OK: 3 endpoints agree on verify-it-")
        .contains("(999997 tokens left after 3 spends)");
  }

  /** The probe bucket never refills: a second run with the same --client-id starts where the first one left it. */
  @Test
  void secondRunWithTheSameClientIdAgreesAndExitsZero() {
    String clientId = "verify-it-again-" + System.nanoTime();
    String endpoints = String.join(",", GLOBAL_URLS);

    Run first = verifySync("--endpoints", endpoints, "--max-lag-ms", "1000", "--client-id", clientId);
    Run second = verifySync("--endpoints", endpoints, "--max-lag-ms", "1000", "--client-id", clientId);

    assertThat(first.exitCode()).as(first.out()).isZero();
    assertThat(second.exitCode()).as(second.out()).isZero();
    for (int i = 0; i < REGIONS.length; i++) {
      assertThat(rows(second).get(1 + i)).startsWith(GLOBAL_URLS.get(i)).contains(" 999996 999995 999994 ")
          .endsWith(" yes");
    }
    assertThat(rows(second).get(4)).startsWith("verify-sync: OK: 3 endpoints agree on " + clientId
        + " (999994 tokens left after 3 spends)");
  }

  @Test
  void probeBucketWithTooFewTokensLeftCannotRunAndExitsThree() {
    String clientId = "verify-it-spent-" + System.nanoTime();
    TestClient client = new TestClient(port(GLOBAL_URLS.get(0)));
    JsonObject spent = TestClient.json(client.rate(clientId, 999_998, OpenClawConfig.Buckets.PROBE_SERVICE));
    assertThat(spent.getLong("remaining_tokens")).as(spent.encode()).isEqualTo(2);

    Run run = verifySync("--endpoints", String.join(",", GLOBAL_URLS), "--max-lag-ms", "1000",
        "--client-id", clientId);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("verify-sync: cannot run: the probe bucket of client id " + clientId
        + " has 2 tokens left, fewer than the 3 this check spends (one per endpoint), and it never refills;"
        + " pick another --client-id, or leave it out for a new one every run");
    JsonObject after = TestClient.json(client.rate(clientId, 0, OpenClawConfig.Buckets.PROBE_SERVICE));
    assertThat(after.getLong("remaining_tokens")).as("nothing spent").isEqualTo(2);
  }

  @Test
  void standaloneNodeAmongTheRegionsIsAMismatchAndExitsOne() throws Exception {
    String standalone = url(start("""
        region: vs-standalone
        http: {host: 127.0.0.1, port: 0}
        cluster: {shards: 1}
        """));
    List<String> endpoints = new ArrayList<>(GLOBAL_URLS);
    endpoints.add(standalone);

    Run run = verifySync("--endpoints", String.join(",", endpoints), "--max-lag-ms", "1000");

    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(rows(run).get(4)).startsWith(standalone).contains(" standalone ").endsWith(" NO");
    assertThat(rows(run).get(1)).contains(" 999999 999998 999997 999997 ").endsWith(" yes");
    assertThat(rows(run).get(5)).startsWith("verify-sync: FAILED: ")
        .contains(standalone + " is in standalone mode, not global");
  }

  @Test
  void regionWithAnotherKeyPrefixDisagreesAndExitsOne() throws Exception {
    String other = url(start(global("vs-other-prefix", "openclaw:other")));
    awaitGlobalMode(other);

    Run run = verifySync("--endpoints", GLOBAL_URLS.get(0) + "," + other, "--max-lag-ms", "1000");

    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(rows(run).get(1)).contains(" 999999 999999 ").contains(" NO ");
    assertThat(rows(run).get(2)).contains(" global ").contains(" 1000000 999999 ").contains(" NO ");
  }

  @Test
  void unreachableEndpointExitsTwo() {
    String closed = "http://127.0.0.1:" + TestPorts.free();

    Run run = verifySync("--endpoints", GLOBAL_URLS.get(0) + "," + closed, "--max-lag-ms", "1000");

    assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
    assertThat(rows(run).get(3)).startsWith("verify-sync: UNREACHABLE: " + closed + " connection refused");
  }

  @Test
  void badCommandLineExitsThree() {
    assertThat(verifySync().exitCode()).isEqualTo(3);
    assertThat(verifySync("--endpoints", "not a url").exitCode()).isEqualTo(3);
    assertThat(verifySync("--endpoints", GLOBAL_URLS.get(0), "--max-lag-ms", "soon").exitCode()).isEqualTo(3);
    assertThat(verifySync("--endpoints", GLOBAL_URLS.get(0) + "," + GLOBAL_URLS.get(0) + "/").exitCode())
        .as("one endpoint named twice").isEqualTo(3);
  }
}
