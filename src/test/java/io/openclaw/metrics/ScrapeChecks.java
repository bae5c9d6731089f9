package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Checks of a real scrape against the project's own monitoring files, shared by the metrics ITs. */
final class ScrapeChecks {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private ScrapeChecks() {
  }

  /** Fails unless {@code promtool check metrics} accepts the scrape. */
  static void assertPromtoolAccepts(Scrape scrape) throws Exception {
    assertThat(PROMTOOL).as("promtool must be installed (apt-get install prometheus)").isExecutable();
    Path file = Files.createTempFile("openclaw-scrape", ".txt");
    try {
      Files.writeString(file, scrape.text());
      Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
          .redirectInput(file.toFile()).redirectErrorStream(true).start();
      String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as("promtool check metrics said: %s", output).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The metric names the Grafana dashboard and the alert rules query, as scripts/dashboard-metrics.py lists them. */
  static List<String> dashboardMetricNames() throws Exception {
    Process script = new ProcessBuilder("python3", "scripts/dashboard-metrics.py").redirectErrorStream(true).start();
    String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(script.exitValue()).as("scripts/dashboard-metrics.py said: %s", output).isZero();
    return output.lines().filter(line -> !line.isBlank()).toList();
  }
}
