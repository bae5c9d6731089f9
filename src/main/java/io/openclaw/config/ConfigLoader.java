package io.openclaw.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.openclaw.bucket.BucketPolicy;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code openclaw.yaml}. Every key is validated; a bad one stops start-up with a message that names
 * it. Environment variables override the endpoints so that containers need no file edits.
 */
public final class ConfigLoader {
  public static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** Refuses a key given twice in one mapping: which one wins would otherwise be silent. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern REGION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:]+:\\d{1,5}");
  private static final Pattern CLUSTER_MEMBER = Pattern.compile("[^\\s:,]+(:\\d{1,5})?");

  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  public static ConfigLoader withSystemEnv() {
    return new ConfigLoader(System.getenv());
  }

  /** The embedded default: one standalone node with sync disabled. */
  public OpenClawConfig defaults() {
    return fromYaml("");
  }

  public OpenClawConfig load(Path file) {
    try {
      return fromYaml(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + reason(e), e);
    }
  }

  /** Why a file could not be read; the JDK's own messages for the common cases are only the path. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  public OpenClawConfig fromYaml(String yaml) {
    JsonNode root;
    try {
      refuseAliases(yaml);
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new ConfigException("config is not valid YAML" + keyOf(e) + ": " + e.getOriginalMessage()
          + at(e.getLocation()), e);
    } catch (IOException e) {
      throw new ConfigException("config could not be read: " + reason(e), e);
    }
    return read(new Section("", root));
  }

  private OpenClawConfig read(Section top) {
    String region = env.getOrDefault("OPENCLAW_REGION", top.string("region", "local"));
    if (!REGION_NAME.matcher(region).matches()) {
      throw top.invalid("region", "must be 1-64 letters, digits, '-' or '_', not '" + region + "'");
    }
    OpenClawConfig.Http http = http(top.section("http"));
    String node = top.string("node", defaultNodeName(http.port()));
    OpenClawConfig.Sync sync = sync(top.section("sync"));
    OpenClawConfig.Buckets buckets = buckets(top.section("bucket"), top.section("services"));
    OpenClawConfig.Failover failover = failover(top.section("failover"));
    OpenClawConfig.Cluster cluster = cluster(top.section("cluster"));
    OpenClawConfig.Metrics metrics = metrics(top.section("metrics"));
    OpenClawConfig.Logging logging = logging(top.section("logging"));
    top.finish();
    return new OpenClawConfig(region, node, http, sync, buckets, failover, cluster, metrics, logging);
  }

  private OpenClawConfig.Http http(Section section) {
    String host = section.string("host", "0.0.0.0");
    long port = section.integer("port", 8080, 0, 65535);
    long bodyLimit = section.integer("body_limit_bytes", 4096, 64, 1 << 20);
    long eventLoops = section.integer("event_loops", Runtime.getRuntime().availableProcessors(), 1, 1024);
    long idleTimeout = section.integer("idle_timeout_seconds", 30, 1, 3600);
    section.finish();
    String envHost = env.get("OPENCLAW_HTTP_HOST");
    host = envHost == null ? host : envHost;
    String hostProblem = ListenHost.problem(host);
    if (hostProblem != null) {
      String key = section.name("host") + (envHost == null ? "" : " (from OPENCLAW_HTTP_HOST)");
      throw new ConfigException(key + " " + hostProblem);
    }
    port = envPort("OPENCLAW_HTTP_PORT", port);
    return new OpenClawConfig.Http(host, (int) port, (int) bodyLimit, (int) eventLoops, (int) idleTimeout);
  }

  private long envPort(String name, long fallback) {
    String value = env.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException("environment variable " + name + " must be a port number, not '" + value + "'");
    }
  }

  private OpenClawConfig.Sync sync(Section section) {
    boolean enabled = section.bool("enabled", false);
    String backend = section.string("backend", "redis-cluster");
    if (!backend.equals("redis-cluster")) {
      throw section.invalid("backend", "must be redis-cluster, not '" + backend + "'");
    }
    List<String> nodes = section.strings("cluster_nodes", List.of("127.0.0.1:7000"));
    String envNodes = env.get("OPENCLAW_SYNC_CLUSTER_NODES");
    if (envNodes != null) {
      nodes = List.of(envNodes.trim().split("\\s*,\\s*"));
    }
    for (String endpoint : nodes) {
      if (!HOST_PORT.matcher(endpoint).matches() || !validPort(endpoint)) {
        String key = section.name("cluster_nodes") + (envNodes == null ? "" : " (from OPENCLAW_SYNC_CLUSTER_NODES)");
        throw new ConfigException(key + " entries must look like host:port with a port from 1 to 65535, not '"
            + endpoint + "'");
      }
    }
    if (enabled && nodes.isEmpty()) {
      throw section.invalid("cluster_nodes", "must name at least one node when sync is enabled");
    }
    long timeout = section.integer("timeout_ms", 250, 1, 60_000);
    long lagMax = section.integer("replication_lag_max_ms", 100, 1, 60_000);
    long threshold = section.integer("failure_threshold", 3, 1, 1000);
    long heartbeat = section.integer("heartbeat_interval_ms", 1000, 100, 60_000);
    section.finish();
    return new OpenClawConfig.Sync(enabled, backend, List.copyOf(nodes), timeout, lagMax, (int) threshold,
        heartbeat);
  }

  private OpenClawConfig.Buckets buckets(Section bucket, Section services) {
    String keyPrefix = bucket.string("key_prefix", "openclaw:tb");
    if (keyPrefix.contains("{") || keyPrefix.contains("}")) {
      throw bucket.invalid("key_prefix", "must not contain '{' or '}' (they mark the Redis hash tag)");
    }
    BucketPolicy defaults = policy(bucket, 10_000, new BigDecimal(2000), new BigDecimal("0.10"));
    bucket.finish();

    Map<String, BucketPolicy> byService = new LinkedHashMap<>();
    Iterator<String> names = services.keys();
    while (names.hasNext()) {
      String name = names.next();
      if (!SERVICE_NAME.matcher(name).matches()) {
        throw services.invalid(name, "is not a valid service name (1-64 letters, digits, '.', '-' or '_')");
      }
      if (name.equals(OpenClawConfig.Buckets.PROBE_SERVICE)) {
        throw services.invalid(name, "is reserved for the cross-region check (openclaw verify-sync)");
      }
      if (name.equals(OpenClawConfig.Buckets.DEFAULT_SERVICE)) {
        throw services.invalid(name, "is reserved for requests that name no service; configure the default bucket "
            + "under bucket:");
      }
      Section service = services.section(name);
      byService.put(name, policy(service, defaults.capacity(), defaults.refillRate(), defaults.graceRatio()));
      service.finish();
    }
    services.finish();
    byService.put(OpenClawConfig.Buckets.PROBE_SERVICE, OpenClawConfig.Buckets.PROBE_POLICY);
    return new OpenClawConfig.Buckets(keyPrefix, defaults, Map.copyOf(byService));
  }

  private static BucketPolicy policy(Section section, long capacity, BigDecimal refillRate, BigDecimal grace) {
    long cap = section.integer("capacity", capacity, 1, BucketPolicy.MAX_CAPACITY);
    BigDecimal rate = section.decimal("refill_rate", refillRate);
    if (rate.signum() < 0 || rate.compareTo(BucketPolicy.MAX_REFILL_RATE) > 0
        || rate.stripTrailingZeros().scale() > 6) {
      throw section.invalid("refill_rate", "must be tokens per second, from 0 to " + BucketPolicy.MAX_REFILL_RATE
          + ", with at most 6 decimal places, not " + plain(rate));
    }
    BigDecimal graceRatio = section.decimal("burst_grace_ratio", grace);
    if (graceRatio.signum() < 0 || graceRatio.compareTo(BigDecimal.ONE) > 0) {
      throw section.invalid("burst_grace_ratio", "must be between 0 and 1, not " + plain(graceRatio));
    }
    try {
      return BucketPolicy.of(cap, rate, graceRatio);
    } catch (IllegalArgumentException e) {
      throw section.invalid("capacity", e.getMessage());
    }
  }

  private OpenClawConfig.Failover failover(Section section) {
    long window = section.integer("grace_window_seconds", 30, 1, 86_400);
    BigDecimal ratio = section.decimal("local_capacity_ratio", new BigDecimal("0.5"));
    if (ratio.signum() <= 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
      throw section.invalid("local_capacity_ratio", "must be greater than 0 and at most 1, not " + plain(ratio));
    }
    long retryAfter = section.integer("retry_after_seconds", 1, 1, 3600);
    section.finish();
    return new OpenClawConfig.Failover(window, ratio, retryAfter);
  }

  private OpenClawConfig.Cluster cluster(Section section) {
    boolean enabled = section.bool("enabled", false);
    String hazelcast = section.string("hazelcast_config", "cluster/hazelcast.xml");
    long shards = section.integer("shards", 16, 1, 4096);
    long port = section.integer("port", 5701, 1, 65535);
    List<String> members = section.strings("members", List.of("127.0.0.1"));
    section.finish();

    port = envPort("OPENCLAW_CLUSTER_PORT", port);
    if (port == 0) {
      throw new ConfigException("environment variable OPENCLAW_CLUSTER_PORT must be a port number from 1, not 0");
    }
    String envMembers = env.get("OPENCLAW_CLUSTER_MEMBERS");
    if (envMembers != null) {
      members = List.of(envMembers.trim().split("\\s*,\\s*"));
    }
    checkMembers(section, members);
    return new OpenClawConfig.Cluster(enabled, hazelcast, (int) shards, (int) port, List.copyOf(members));
  }

  private static void checkMembers(Section section, List<String> members) {
    if (members.isEmpty() || members.size() == 1 && members.get(0).isEmpty()) {
      throw section.invalid("members", "must name at least one member host (e.g. 127.0.0.1 or 10.0.0.5:5701)");
    }
    for (String member : members) {
      if (!CLUSTER_MEMBER.matcher(member).matches() || member.contains(":") && !validPort(member)) {
        throw section.invalid("members", "entries must look like host or host:port, not '" + member + "'");
      }
    }
  }

  private static boolean validPort(String hostPort) {
    int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }

  private OpenClawConfig.Metrics metrics(Section section) {
    boolean enabled = section.bool("enabled", true);
    section.finish();
    return new OpenClawConfig.Metrics(enabled);
  }

  private OpenClawConfig.Logging logging(Section section) {
    String format = section.string("format", "text");
    if (!format.equals("text") && !format.equals("json")) {
      throw section.invalid("format", "must be text or json, not '" + format + "'");
    }
    format = env.getOrDefault("OPENCLAW_LOG_FORMAT", format);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("environment variable OPENCLAW_LOG_FORMAT must be text or json, not '" + format + "'");
    }
    String level = section.string("level", "info").toLowerCase(Locale.ROOT);
    if (!List.of("error", "warn", "info", "debug", "trace").contains(level)) {
      throw section.invalid("level", "must be one of error, warn, info, debug, trace, not '" + level + "'");
    }
    section.finish();
    return new OpenClawConfig.Logging(format, level);
  }

  /** A number as written, without the trailing zeros a float picks up on the way (1.0E-7 is 0.0000001). */
  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  /**
   * The tree reader would take an alias ({@code *name}) for the plain string "name", and the config would then
   * fail far from the cause, or not at all; an alias is refused where it stands instead.
   */
  private static void refuseAliases(String yaml) throws IOException {
    try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
      while (parser.nextToken() != null) {
        if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
          throw new ConfigException("config uses a YAML alias (*" + parser.getText() + ")" + pathOf(parser)
              + at(parser.currentTokenLocation()) + "; aliases are not supported, write the values out");
        }
      }
    }
  }

  /** " at a.b" when the parser knows under which key it failed, e.g. on an unreadable number; else "". */
  private static String keyOf(JacksonException e) {
    return e.getProcessor() instanceof JsonParser parser ? pathOf(parser) : "";
  }

  private static String pathOf(JsonParser parser) {
    List<String> names = new ArrayList<>();
    for (JsonStreamContext context = parser.getParsingContext(); context != null; context = context.getParent()) {
      if (context.inObject() && context.getCurrentName() != null) {
        names.add(0, context.getCurrentName());
      } else if (context.inArray()) {
        names.add(0, "[" + context.getCurrentIndex() + "]");
      }
    }
    return names.isEmpty() ? "" : " at " + String.join(".", names).replace(".[", "[");
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /**
   * {@code <hostname>-<http.port>}: two nodes on one host cannot share a port, so the name is unique per host.
   * With port 0 every node on a host would be {@code <hostname>-0}, and their metrics, {@code /health} and the
   * ids of the charges they send to Redis after an outage would collide; the process id stands in for the port
   * then, as {@code <hostname>-pid<pid>}.
   */
  static String defaultNodeName(long port) {
    String suffix = port == 0 ? "pid" + ProcessHandle.current().pid() : Long.toString(port);
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + suffix;
    } catch (UnknownHostException e) {
      return "node-" + suffix;
    }
  }
}
