package io.openclaw.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openclaw healthcheck}: asks a node for {@code GET /health} and turns the answer into an exit code. */
@Command(name = "healthcheck", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = 3,
    description = "Ask a node for its health and print a one-line summary (or the JSON with --json).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:healthy: status UP",
        "1:degraded (local mode: Redis unreachable, deciding locally) or down (a health check failed)",
        "2:unreachable: no connection, no answer within --timeout-ms, or an answer that is not a health report",
        "3:invalid command line"})
final class HealthcheckCommand implements Callable<Integer> {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  private static final String HEALTH_PATH = "/health";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private URI uri;

  @Option(names = "--json", description = "Print the node's health report as JSON instead of the summary.")
  boolean json;

  @Option(names = "--timeout-ms", paramLabel = "N", defaultValue = "2000",
      description = "Give up after N milliseconds (connect and answer). Default: ${DEFAULT-VALUE}.")
  long timeoutMillis;

  @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
      description = "The node's HTTP address; /health is added unless the URL ends with it. Default: ${DEFAULT-VALUE}.")
  void url(String value) {
    try {
      URI base = NodeUrls.base(value);
      uri = base.getPath().endsWith(HEALTH_PATH) ? base : URI.create(base + HEALTH_PATH);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--url: " + e.getMessage());
    }
  }

  @Override
  public Integer call() {
    if (timeoutMillis < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-ms must be at least 1");
    }
    HealthReport report = fetch();
    spec.commandLine().getOut().println(json ? report.json() : report.summary());
    spec.commandLine().getOut().flush();
    return report.exitCode();
  }

  private HealthReport fetch() {
    Duration timeout = Duration.ofMillis(timeoutMillis);
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
        .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return HealthReport.answered(uri.toString(), response.statusCode(), response.body());
    } catch (IOException e) {
      return HealthReport.unreachable(uri.toString(), HttpFailures.describe(e, timeoutMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthReport.unreachable(uri.toString(), "interrupted");
    }
  }
}
