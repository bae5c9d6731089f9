package io.openclaw.store;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.OpenClawNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Global-mode nodes started in this JVM against the test Redis Cluster (each with its own Vert.x, config and
 * HTTP port), plus redis-cli access to the cluster's nodes. The cluster comes from
 * {@code OPENCLAW_TEST_REDIS_NODES} and {@code OPENCLAW_TEST_REDIS_BASE_PORT} (scripts/test.sh sets both);
 * every fixture uses a random key prefix, so runs and test classes never see each other's buckets.
 */
public final class GlobalFixture implements AutoCloseable {
  static final int SHARDS = 4;

  final String keyPrefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":tb";
  private final String services;
  private final List<OpenClawNode> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /** {@code services} is the YAML flow map of the {@code services:} key, e.g. {@code {quota: {capacity: 5}}}. */
  GlobalFixture(String services) {
    this.services = services;
  }

  /** The cluster's endpoints, host:port; fails the test when the environment does not name them. */
  static List<String> redisNodes() {
    String nodes = System.getenv("OPENCLAW_TEST_REDIS_NODES");
    if (nodes == null || nodes.isBlank()) {
      throw new IllegalStateException("OPENCLAW_TEST_REDIS_NODES is not set: global-mode integration tests need "
          + "a Redis Cluster; run them through scripts/test.sh, which starts one and sets it");
    }
    return List.of(nodes.trim().split("\\s*,\\s*"));
  }

  /** The first port of the test cluster; fails the test when the environment does not name it. */
  public static int basePort() {
    String port = System.getenv("OPENCLAW_TEST_REDIS_BASE_PORT");
    if (port == null || !port.trim().matches("\\d+")) {
      throw new IllegalStateException("OPENCLAW_TEST_REDIS_BASE_PORT is not set to a port (got '" + port
          + "'): run the integration tests through scripts/test.sh, which starts the cluster and sets it");
    }
    return Integer.parseInt(port.trim());
  }

  /** Starts a global-mode node of the given region; blocks the (test) thread until it serves. */
  OpenClawNode start(String region) throws Exception {
    OpenClawNode node = await(OpenClawNode.start(config(region)), 60);
    running.add(node);
    return node;
  }

  /**
   * NOTE: a generous sync timeout and failure threshold: this machine is shared and slow at times, and a
   * node that trips to LOCAL or times a call out would make exact counts meaningless; failover has its own
   * tests.
   */
  OpenClawConfig config(String region) {
    String nodes = redisNodes().stream().map(node -> "'" + node + "'").collect(Collectors.joining(", "));
    return new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: " + region,
        "node: " + region + "-node",
        "http: {host: 127.0.0.1, port: 0, event_loops: 2}",
        "sync: {enabled: true, cluster_nodes: [" + nodes + "], timeout_ms: 5000, failure_threshold: 1000}",
        "bucket: {capacity: 1000000, refill_rate: 0, burst_grace_ratio: 0, key_prefix: '" + keyPrefix + "'}",
        "services: " + services,
        "failover: {grace_window_seconds: 2}",
        "cluster: {shards: " + SHARDS + "}",
        "metrics: {enabled: false}",
        ""));
  }

  /** The Redis key of a bucket of this fixture. */
  String redisKey(String service, String clientId) {
    return new BucketKey(service, clientId).redisKey(keyPrefix);
  }

  HttpResponse<String> rate(OpenClawNode node, String service, String clientId, long tokens) throws Exception {
    return rateAsync(node, service, clientId, tokens).get(30, TimeUnit.SECONDS);
  }

  CompletableFuture<HttpResponse<String>> rateAsync(OpenClawNode node, String service, String clientId,
      long tokens) {
    String body = new JsonObject().put("client_id", clientId).put("service", service).put("tokens", tokens).encode();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/rate"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The remaining tokens as a zero-token request through {@code node} reads them; asserts the 200. */
  long remaining(OpenClawNode node, String service, String clientId) throws Exception {
    HttpResponse<String> answer = rate(node, service, clientId, 0);
    if (answer.statusCode() != 200) {
      throw new AssertionError("reading " + clientId + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return new JsonObject(answer.body()).getLong("remaining_tokens");
  }

  static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    List<Future<Void>> stops = new ArrayList<>();
    for (OpenClawNode node : running) {
      stops.add(node.stop());
    }
    running.clear();
    await(Future.join(stops), 60);
  }

  /** A master of the test cluster and the slot ranges it owns, as CLUSTER NODES says. */
  public record Master(String id, int port, List<int[]> slotRanges) {
    public boolean owns(int slot) {
      return slotRanges.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
    }
  }

  /** The cluster's masters, ordered by port. */
  static List<Master> masters() throws IOException, InterruptedException {
    return masters(basePort());
  }

  /** The masters of the cluster that the node on {@code askedPort} belongs to, ordered by port. */
  public static List<Master> masters(int askedPort) throws IOException, InterruptedException {
    List<Master> masters = new ArrayList<>();
    for (String line : redisCli(askedPort, "cluster", "nodes").split("\n")) {
      String[] fields = line.strip().split(" ");
      if (!fields[2].contains("master") || fields[2].contains("fail")) {
        continue;
      }
      int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
      List<int[]> ranges = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        if (!fields[i].startsWith("[")) {
          String[] bounds = fields[i].split("-");
          ranges.add(new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[bounds.length - 1])});
        }
      }
      masters.add(new Master(fields[0], port, ranges));
    }
    masters.sort(java.util.Comparator.comparingInt(Master::port));
    return masters;
  }

  static Master masterOf(int slot) throws IOException, InterruptedException {
    return masterOf(basePort(), slot);
  }

  /** The master that serves {@code slot} in the cluster of the node on {@code port}. */
  public static Master masterOf(int port, int slot) throws IOException, InterruptedException {
    return masters(port).stream().filter(master -> master.owns(slot)).findFirst()
        .orElseThrow(() -> new AssertionError("no master owns slot " + slot));
  }

  /** The cluster slot of a Redis key (CRC16 of its hash tag). */
  public static int slot(String redisKey) {
    return io.vertx.redis.client.impl.ZModem.generate(redisKey);
  }

  /** Runs redis-cli with {@code lastArg} as the last argument, passed as raw UTF-8 on stdin ({@code -x}). */
  static String redisCliLastArg(int port, String lastArg, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("-x"));
    command.addAll(List.of(args));
    return redisCliInput(port, lastArg, command.toArray(String[]::new));
  }

  /** Runs redis-cli with {@code input} on its stdin (commands, one a line, on one connection, without args). */
  public static String redisCliInput(int port, String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + out);
    }
    return out.strip();
  }

  /** Runs redis-cli against one node of the test cluster and returns what it printed, trimmed. */
  public static String redisCli(int port, String... args) throws IOException, InterruptedException {
    return redisCliInput(port, "", args);
  }
}
