package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.Mode;
import io.openclaw.node.OpenClawNode;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code openclaw healthcheck} against a running node, a closed port and a server that never answers. */
class HealthcheckIT {
  private static final int SHARDS = 4;
  private static OpenClawNode node;
  private static String url;

  /** What one run of the command printed and returned. */
  private record Run(int exitCode, String out, String err) {
  }

  @BeforeAll
  static void startNode() throws Exception {
    String yaml = """
        region: hc-region
        node: hc-node
        http: {host: 127.0.0.1, port: 0}
        cluster: {shards: %d}
        """.formatted(SHARDS);
    node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterEach
  void restoreStatus() {
    node.status().mode(Mode.STANDALONE);
    node.status().shardsOwned(SHARDS);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Run healthcheck(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> line = new ArrayList<>(List.of("healthcheck"));
    line.addAll(List.of(args));
    int exitCode = new CommandLine(new OpenClawCommand())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(line.toArray(String[]::new));
    return new Run(exitCode, out.toString().strip(), err.toString());
  }

  @Test
  void healthyNodeExitsZeroWithAOneLineSummary() {
    Run run = healthcheck("--url", url);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("UP: mode=standalone region=hc-region node=hc-node"
        + " redis_reachable=n/a (sync disabled) cluster_state=disabled"
        + " max_replication_lag_ms=none (threshold 100) shards_owned=4/4");
  }

  @Test
  void jsonOutputIsTheHealthEndpointsReport() throws Exception {
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.ofString());

    Run run = healthcheck("--url", url + "/health", "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(new JsonObject(run.out())).isEqualTo(new JsonObject(health.body()));
  }

  @Test
  void nodeInLocalModeIsDegradedAndExitsOne() {
    node.status().mode(Mode.LOCAL);

    Run run = healthcheck("--url", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("DEGRADED: mode=local region=hc-region");
  }

  @Test
  void nodeWithAFailedCheckIsDownAndExitsOne() {
    node.status().shardsOwned(0);

    Run run = healthcheck("--url", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("DOWN: ").contains("shards_owned=0/4").endsWith("failing_checks=shards");
  }

  @Test
  void closedPortIsUnreachableAndExitsTwo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    Run run = healthcheck("--url", "http://127.0.0.1:" + port);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEqualTo("UNREACHABLE: http://127.0.0.1:" + port + "/health: connection refused");
  }

  @Test
  void serverThatNeverAnswersIsUnreachableAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();

      Run run = healthcheck("--url", "http://127.0.0.1:" + silent.getLocalPort(), "--timeout-ms", "300", "--json");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(new JsonObject(run.out()).getString("error")).isEqualTo("no answer within 300 ms");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
    }
  }

  @Test
  void invalidCommandLineExitsThree() {
    assertThat(healthcheck("--url", "not a url").exitCode()).isEqualTo(3);
    assertThat(healthcheck("--timeout-ms", "soon").exitCode()).isEqualTo(3);
    assertThat(healthcheck("--timeout-ms", "0", "--url", url).exitCode()).isEqualTo(3);
  }
}
