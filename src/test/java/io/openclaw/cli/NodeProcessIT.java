package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line as an operator runs it: {@code openclaw run} with JSON logs, and the exit codes
 * of {@code openclaw healthcheck} as a separate process sees them.
 */
class NodeProcessIT {
  private static final Path JAR = Path.of("target", "openclaw.jar");
  private static final String CLIENT_ID = "process-it-client-91c2";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  static Path dir;
  private static Process node;
  private static Path log;
  private static String url;

  @BeforeAll
  static void startNode() throws Exception {
    assertThat(JAR).as("the shaded jar is built in the package phase").isRegularFile();
    int port = freePort();
    url = "http://127.0.0.1:" + port;
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, """
        region: proc-region
        node: proc-node
        http: {host: 127.0.0.1, port: %d}
        cluster: {shards: 2}
        logging: {format: json}
        """.formatted(port));
    log = dir.resolve("node.log");
    node = java("run", "--config", config.toString()).redirectOutput(log.toFile())
        .redirectError(dir.resolve("node.err").toFile()).start();
    awaitHealthy();
  }

  @AfterAll
  static void stopNode() throws InterruptedException {
    if (node != null && node.isAlive()) {
      node.destroy();
      if (!node.waitFor(20, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(node.isAlive()).as("node exited early; log: %s", Files.readString(log)).isTrue();
      if (healthStatus() == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("node did not become healthy; log: " + Files.readString(log));
  }

  private static int healthStatus() throws InterruptedException {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** What one {@code openclaw healthcheck} process printed and returned. */
  private record Run(int exitCode, String out) {
  }

  private static Run healthcheck(String target) throws Exception {
    Process process = java("healthcheck", "--url", target).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  @Test
  void healthcheckProcessExitsZeroForTheNodeAndTwoForAClosedPort() throws Exception {
    Run healthy = healthcheck(url);
    String closed = "http://127.0.0.1:" + freePort();
    Run unreachable = healthcheck(closed);

    assertThat(healthy.exitCode()).as(healthy.out()).isZero();
    assertThat(healthy.out()).startsWith("UP: mode=standalone region=proc-region node=proc-node");
    assertThat(unreachable.exitCode()).as(unreachable.out()).isEqualTo(2);
    assertThat(unreachable.out()).isEqualTo("UNREACHABLE: " + closed + "/health: connection refused");
  }

  @Test
  void logsAreJsonLinesWithTheStartUpSummaryAndNothingPerRequest() throws Exception {
    List<String> before = Files.readAllLines(log);
    for (int i = 0; i < 20; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/rate"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\": \"" + CLIENT_ID + "\"}")).build();
      assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
    List<String> after = Files.readAllLines(log);

    assertThat(after).as("no log line per request").isEqualTo(before);
    assertThat(after).isNotEmpty().allSatisfy(NodeProcessIT::assertJsonLogLine);
    assertThat(after).noneMatch(line -> line.contains(CLIENT_ID));
    assertThat(after).anySatisfy(line -> assertThat(new JsonObject(line).getString("formattedMessage"))
        .startsWith("OpenClaw node started: region=proc-region node=proc-node standalone, sync disabled"));
  }

  private static void assertJsonLogLine(String line) {
    JsonObject entry;
    try {
      entry = new JsonObject(line);
    } catch (DecodeException e) {
      throw new AssertionError("not a JSON log line: " + line, e);
    }
    assertThat(entry.fieldNames()).contains("timestamp", "level", "loggerName", "message", "formattedMessage");
  }
}
