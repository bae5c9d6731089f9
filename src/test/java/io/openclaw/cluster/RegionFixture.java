package io.openclaw.cluster;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.Addresses;
import io.openclaw.node.OpenClawNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Nodes of one region started in this JVM, each with its own Vert.x, Hazelcast member, config and HTTP
 * port. The region name carries a random suffix and the Hazelcast ports come from 5901-5950, so a test
 * run never joins another run's or a developer's cluster.
 */
public final class RegionFixture implements AutoCloseable {
  static final int SHARDS = 16;
  private static final int FIRST_HAZELCAST_PORT = 5901;
  private static final int LAST_HAZELCAST_PORT = 5930;

  final String region = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> hazelcastPorts;
  private final List<OpenClawNode> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /** Reserves Hazelcast ports for {@code capacity} members, the ones started later included. */
  RegionFixture(int capacity) {
    this.hazelcastPorts = freePorts(capacity);
  }

  List<Integer> hazelcastPorts() {
    return hazelcastPorts;
  }

  /** Starts the member that uses the given Hazelcast port; blocks the (test) thread until it runs. */
  OpenClawNode start(int memberIndex) throws Exception {
    OpenClawNode node = await(OpenClawNode.start(config(memberIndex)), 60);
    running.add(node);
    return node;
  }

  void stop(OpenClawNode node) throws Exception {
    running.remove(node);
    await(node.stop(), 30);
  }

  List<OpenClawNode> running() {
    return List.copyOf(running);
  }

  private OpenClawConfig config(int memberIndex) throws IOException {
    String members = hazelcastPorts.stream().map(port -> "'127.0.0.1:" + port + "'")
        .collect(Collectors.joining(", "));
    return new ConfigLoader(Map.of()).fromYaml(String.join("\n",
        "region: " + region,
        "node: " + region + "-" + memberIndex,
        "http: {host: 127.0.0.1, port: " + freeHttpPort() + "}",
        "sync: {enabled: false}",
        "bucket: {capacity: 1000000, refill_rate: 0, burst_grace_ratio: 0}",
        "services: {hot: {capacity: 300, refill_rate: 0, burst_grace_ratio: 0}}",
        "cluster: {enabled: true, shards: " + SHARDS + ", port: " + hazelcastPorts.get(memberIndex)
            + ", members: [" + members + "]}",
        ""));
  }

  /** POSTs one rating request and returns the status code. */
  int rate(OpenClawNode node, String service, String clientId) throws IOException, InterruptedException {
    return rateAnswer(node, service, clientId).statusCode();
  }

  /** POSTs one rating request and returns the whole answer. */
  HttpResponse<String> rateAnswer(OpenClawNode node, String service, String clientId)
      throws IOException, InterruptedException {
    String body = "{\"client_id\": \"" + clientId + "\", \"service\": \"" + service + "\", \"tokens\": 1}";
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/rate"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The node ids holding a consumer of the shard's address, as the cluster's subscription map says. */
  static List<String> consumersOf(OpenClawNode node, int shard) throws Exception {
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    node.clusterManager().getRegistrations(Addresses.bucket(shard), registrations);
    return await(registrations.future(), 10).stream().map(RegistrationInfo::nodeId).toList();
  }

  /**
   * Whether the running nodes agree: every shard has exactly one consumer in the region, on the node that
   * rendezvous hashing names for the current members, and each node reports the shards it owns.
   */
  boolean ownershipSettled() throws Exception {
    OpenClawNode any = running.get(0);
    List<String> members = any.clusterManager().getNodes();
    Map<String, OpenClawNode> byId = new HashMap<>();
    running.forEach(node -> byId.put(node.clusterManager().getNodeId(), node));
    if (!byId.keySet().equals(Set.copyOf(members))) {
      return false;
    }
    ShardOwnership ownership = new ShardOwnership(SHARDS);
    for (int shard = 0; shard < SHARDS; shard++) {
      String owner = ownership.ownerOf(shard, members);
      if (!consumersOf(any, shard).equals(List.of(owner))
          || !byId.get(owner).status().ownedShards().contains(shard)) {
        return false;
      }
    }
    return running.stream().mapToInt(node -> node.status().shardsOwned()).sum() == SHARDS;
  }

  /** Polls the condition from the test thread; returns how long it took to hold. */
  public static Duration eventually(Duration limit, Check condition) throws Exception {
    long start = System.nanoTime();
    while (!condition.holds()) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError("condition not met within " + limit);
      }
      Thread.sleep(50);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A condition that may throw, for {@link #eventually}. */
  public interface Check {
    boolean holds() throws Exception;
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

  private static List<Integer> freePorts(int count) {
    return freePorts(FIRST_HAZELCAST_PORT, LAST_HAZELCAST_PORT, count);
  }

  /**
   * {@code count} free ports from {@code first..last}, starting at a random one, so that test classes with their
   * own ranges never share a Hazelcast port.
   */
  public static List<Integer> freePorts(int first, int last, int count) {
    int span = last - first + 1;
    int offset = ThreadLocalRandom.current().nextInt(span);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < span && ports.size() < count; i++) {
      int port = first + (offset + i) % span;
      if (isFree(port)) {
        ports.add(port);
      }
    }
    if (ports.size() < count) {
      throw new IllegalStateException("not enough free Hazelcast ports in " + first + "-" + last);
    }
    return ports;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freeHttpPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
