package io.openclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.RateRequestParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openclaw verify-sync}: checks that regions share their buckets. With a client id of its own, it reads
 * the level of the built-in probe service's bucket (tokens 0), spends one token through each endpoint in turn
 * and after each spend reads the bucket through every endpoint; all must show the same count, the one the spends
 * so far leave of the level read first. The probe bucket never refills, so the answer cannot drift while the
 * check runs, and a --client-id used before starts from what earlier runs left. Then it reads each endpoint's
 * /health for the replication lag of every Redis master.
 */
@Command(name = "verify-sync", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = 3,
    description = "Check that every region decides from the same global buckets and that Redis replication "
        + "lag is under a limit.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every endpoint is in global mode, all agree on the probe bucket, and lag is under --max-lag-ms",
        "1:a mismatch, lag over --max-lag-ms, or an endpoint not in global mode (local or standalone)",
        "2:an endpoint could not be reached or did not answer like an OpenClaw node",
        "3:invalid command line, or a --client-id whose probe bucket has fewer tokens left than the check spends"})
final class VerifySyncCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--endpoints", required = true, split = ",", paramLabel = "URL",
      description = "The nodes to check, one per region, comma-separated, e.g. http://127.0.0.1:8081,...")
  List<String> endpoints;

  @Option(names = "--max-lag-ms", paramLabel = "N", defaultValue = "100",
      description = "Highest acceptable replication lag of any Redis master. Default: ${DEFAULT-VALUE}.")
  long maxLagMillis;

  @Option(names = "--timeout-ms", paramLabel = "N", defaultValue = "2000",
      description = "Give up on one request after N milliseconds. Default: ${DEFAULT-VALUE}.")
  long timeoutMillis;

  @Option(names = "--client-id", paramLabel = "ID",
      description = "Client id of the probe bucket. Default: verify-<random>, new for every run.")
  String clientId;

  private HttpClient http;

  /** What one endpoint showed so far. */
  private static final class Probe {
    final URI base;
    String region;
    String mode;
    final List<Long> seen = new ArrayList<>();
    Long maxLag;
    String error;
    boolean reachable = true;

    Probe(URI base) {
      this.base = base;
    }

    SyncReport.Endpoint result() {
      List<Long> reads = java.util.Collections.unmodifiableList(new ArrayList<>(seen));
      return new SyncReport.Endpoint(base.toString(), region, mode, reads, maxLag, error, reachable);
    }
  }

  @Override
  public Integer call() {
    List<Probe> probes = parse();
    if (clientId == null) {
      byte[] random = new byte[6];
      new SecureRandom().nextBytes(random);
      clientId = "verify-" + HexFormat.of().formatHex(random);
    }
    http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMillis)).build();

    Long level = readLevel(probes);
    if (level != null && level < probes.size()) {
      spec.commandLine().getErr().printf("verify-sync: cannot run: the probe bucket of client id %s has %d"
          + " token%s left, fewer than the %d this check spends (one per endpoint), and it never refills; pick"
          + " another --client-id, or leave it out for a new one every run%n", clientId, level,
          level == 1 ? "" : "s", probes.size());
      spec.commandLine().getErr().flush();
      return spec.exitCodeOnInvalidInput();
    }
    List<Long> expected = spendAndRead(probes, level == null ? OpenClawConfig.Buckets.PROBE_POLICY.capacity()
        : level);
    probes.forEach(this::readLag);

    SyncReport report = new SyncReport(probes.stream().map(Probe::result).toList(), expected, maxLagMillis);
    report.table().forEach(spec.commandLine().getOut()::println);
    spec.commandLine().getOut().println(report.verdict(clientId));
    spec.commandLine().getOut().flush();
    return report.exitCode();
  }

  private List<Probe> parse() {
    if (timeoutMillis < 1 || maxLagMillis < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-ms must be >= 1, --max-lag-ms >= 0");
    }
    int clientIdBytes = clientId == null ? 1 : clientId.getBytes(StandardCharsets.UTF_8).length;
    if (clientIdBytes < 1 || clientIdBytes > RateRequestParser.MAX_CLIENT_ID_BYTES) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--client-id must be 1 to "
          + RateRequestParser.MAX_CLIENT_ID_BYTES + " bytes of UTF-8, not " + (clientIdBytes == 0 ? "empty"
          : clientIdBytes + " bytes"));
    }
    List<Probe> probes = new ArrayList<>();
    Set<URI> seen = new HashSet<>();
    for (String endpoint : endpoints) {
      URI base = baseUri(endpoint.strip());
      if (!seen.add(base)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--endpoints: " + base + " is named twice; a check of one node against itself proves nothing");
      }
      probes.add(new Probe(base));
    }
    if (probes.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--endpoints: name at least one URL");
    }
    return probes;
  }

  private URI baseUri(String value) {
    try {
      return NodeUrls.base(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--endpoints: " + e.getMessage());
    }
  }

  /**
   * The probe bucket's level before any spend, read with tokens 0 (which never spends) through the first endpoint,
   * or the next one when that gives no answer in global mode; null when none does. A node in local or standalone
   * mode shows a bucket of its own, not the global one, so its level is no start for the expected counts (and
   * the check fails on its mode anyway).
   */
  private Long readLevel(List<Probe> probes) {
    for (Probe probe : probes) {
      JsonNode read = rate(probe, 0);
      if (read != null && "global".equals(read.path("mode").asText())) {
        return read.path("remaining_tokens").asLong();
      }
    }
    return null;
  }

  /**
   * Spends through each endpoint in turn, reads through all after each spend; returns the expected counts, from
   * {@code level} down.
   */
  private List<Long> spendAndRead(List<Probe> probes, long level) {
    long remaining = level;
    List<Long> expected = new ArrayList<>();
    for (Probe spender : probes) {
      JsonNode spent = rate(spender, 1);
      if (spent != null && spent.path("allowed").asBoolean() && "global".equals(spent.path("mode").asText())) {
        remaining--;
      }
      expected.add(remaining);
      for (Probe reader : probes) {
        JsonNode read = rate(reader, 0);
        reader.seen.add(read == null ? null : read.path("remaining_tokens").asLong());
      }
    }
    return expected;
  }

  /** One POST /v1/rate on the probe service; null (and the error noted) when there is no decision. */
  private JsonNode rate(Probe probe, long tokens) {
    if (!probe.reachable) {
      return null;
    }
    ObjectNode body = JSON.createObjectNode().put("client_id", clientId).put("tokens", tokens)
        .put("service", OpenClawConfig.Buckets.PROBE_SERVICE);
    HttpRequest request = HttpRequest.newBuilder(probe.base.resolve("/v1/rate"))
        .timeout(Duration.ofMillis(timeoutMillis)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    JsonNode answer = send(probe, request);
    if (answer == null) {
      return null;
    }
    if (!answer.path("remaining_tokens").isIntegralNumber()) {
      noteError(probe, "answered " + answer.path("status").asText() + " " + answer.path("error").asText("")
          + " instead of a decision");
      return null;
    }
    probe.region = answer.path("region").asText(null);
    probe.mode = answer.path("mode").asText(null);
    return answer;
  }

  private void readLag(Probe probe) {
    if (!probe.reachable) {
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(probe.base.resolve("/health"))
        .timeout(Duration.ofMillis(timeoutMillis)).GET().build();
    JsonNode health = send(probe, request);
    if (health == null) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> lags = health.path("replication_lag_ms").fields();
    while (lags.hasNext()) {
      long lag = lags.next().getValue().asLong();
      probe.maxLag = probe.maxLag == null ? lag : Math.max(probe.maxLag, lag);
    }
  }

  /** The JSON object answered, with its HTTP status under "status"; null when unreachable (noted). */
  private JsonNode send(Probe probe, HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = parseJson(response.body());
      if (json == null || !json.isObject()) {
        probe.reachable = false;
        probe.error = "HTTP " + response.statusCode() + " from " + request.uri().getPath() + " is not OpenClaw JSON";
        return null;
      }
      if (response.statusCode() != 200 && response.statusCode() != 429 && !json.has("status")) {
        ((ObjectNode) json).put("status", "HTTP " + response.statusCode());
      }
      return json;
    } catch (IOException e) {
      probe.reachable = false;
      probe.error = HttpFailures.describe(e, timeoutMillis);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      probe.reachable = false;
      probe.error = "interrupted";
      return null;
    }
  }

  private static JsonNode parseJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static void noteError(Probe probe, String error) {
    if (probe.error == null) {
      probe.error = error;
    }
  }
}
