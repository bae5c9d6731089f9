package io.openclaw.failover;

import io.openclaw.store.GlobalFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Redis Cluster that one test class owns, because it stops, restarts and kills its nodes: started with
 * {@code scripts/redis-cluster.sh} on {@code OPENCLAW_TEST_REDIS_BASE_PORT + 50}, with its data in a temporary
 * directory of its own (under {@code OPENCLAW_DATA_DIR} when that is set, so scripts/test.sh can stop it
 * should the test JVM die).
 */
final class OwnRedisCluster implements AutoCloseable {
  static final int PORT_OFFSET = 50;
  static final String DATA_DIR_PREFIX = "failover-it-";

  final int basePort = GlobalFixture.basePort() + PORT_OFFSET;
  private final Path dataDir;

  /** One node as CLUSTER NODES shows it. */
  record Node(String id, int port, boolean master, String masterId, boolean failed) {
  }

  OwnRedisCluster() throws IOException {
    String parent = System.getenv("OPENCLAW_DATA_DIR");
    Path root = parent == null || parent.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(parent);
    Files.createDirectories(root);
    this.dataDir = Files.createTempDirectory(root, DATA_DIR_PREFIX);
  }

  /** The seed nodes for a config's {@code sync.cluster_nodes}: the first three ports. */
  String seedsYaml() {
    return "['127.0.0.1:" + basePort + "', '127.0.0.1:" + (basePort + 1) + "', '127.0.0.1:" + (basePort + 2) + "']";
  }

  /** Starts (or restarts from its data) the cluster; returns the script's output once it is healthy. */
  String start() throws IOException, InterruptedException {
    return script("start");
  }

  /** Stops every node with SIGTERM, all at once, keeping the data. */
  String stop() throws IOException, InterruptedException {
    return script("stop");
  }

  /** The pid of the node on {@code port}, from the script's pid file. */
  long pid(int port) throws IOException {
    Path file = dataDir.resolve("redis-cluster-" + basePort).resolve(Integer.toString(port)).resolve("redis.pid");
    return Long.parseLong(Files.readString(file).strip());
  }

  /** Kills the node on {@code port} with SIGKILL, as a crash would. */
  void kill(int port) throws Exception {
    ProcessHandle process = ProcessHandle.of(pid(port))
        .orElseThrow(() -> new IllegalStateException("no process for the node on " + port));
    process.destroyForcibly();
    process.onExit().get(10, TimeUnit.SECONDS);
  }

  /** Every node by port, as the node on {@code askedPort} sees the cluster. */
  Map<Integer, Node> nodes(int askedPort) throws IOException, InterruptedException {
    Map<Integer, Node> nodes = new TreeMap<>();
    for (String line : GlobalFixture.redisCli(askedPort, "cluster", "nodes").split("\n")) {
      String[] fields = line.strip().split(" ");
      String address = fields[1];
      int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
      String flags = fields[2];
      nodes.put(port, new Node(fields[0], port, flags.contains("master"), fields[3], flags.contains("fail")));
    }
    return nodes;
  }

  /** The port of the master that serves the Redis key now. */
  int masterPortOf(String redisKey) throws IOException, InterruptedException {
    return GlobalFixture.masterOf(basePort, GlobalFixture.slot(redisKey)).port();
  }

  /** Field {@code l} of a bucket, in micro-tokens, read on the master that serves it. */
  long level(String redisKey) throws IOException, InterruptedException {
    return Long.parseLong(GlobalFixture.redisCli(masterPortOf(redisKey), "hget", redisKey, "l"));
  }

  String cli(int port, String... args) throws IOException, InterruptedException {
    return GlobalFixture.redisCli(port, args);
  }

  private String script(String command, String... options) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("scripts/redis-cluster.sh", command, "--base-port",
        Integer.toString(basePort)));
    args.addAll(List.of(options));
    ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true);
    builder.environment().put("OPENCLAW_DATA_DIR", dataDir.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("redis-cluster.sh " + String.join(" ", args) + " failed: " + out);
    }
    return out.strip();
  }

  /** Stops the nodes that are still running and deletes the data. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      script("stop", "--purge");
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
