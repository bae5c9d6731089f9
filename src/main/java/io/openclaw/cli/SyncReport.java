package io.openclaw.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code openclaw verify-sync} saw, and its verdict. The check runs in steps: in step k one token of the
 * probe bucket is spent through endpoint k, then every endpoint reads the bucket. {@code expected} holds, per
 * step, the remaining tokens the global bucket must show: its level read before the first spend less the spends
 * that were allowed in global mode so far. An endpoint agrees when every read it made showed the expected count.
 */
record SyncReport(List<Endpoint> endpoints, List<Long> expected, long maxLagMillis) {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int UNREACHABLE = 2;

  /**
   * One endpoint: the region and mode it answered with, the remaining tokens it read in each step (null where a
   * read failed), its worst replication lag from /health (null when it reported none), and the first error.
   */
  record Endpoint(String url, String region, String mode, List<Long> seen, Long maxLag, String error,
      boolean reachable) {
  }

  boolean agrees(Endpoint endpoint) {
    return endpoint.seen().size() == expected.size() && endpoint.seen().equals(expected);
  }

  boolean lagOk(Endpoint endpoint) {
    return endpoint.maxLag() == null || endpoint.maxLag() <= maxLagMillis;
  }

  boolean ok(Endpoint endpoint) {
    return endpoint.reachable() && endpoint.error() == null && "global".equals(endpoint.mode()) && agrees(endpoint)
        && lagOk(endpoint);
  }

  /** 2 when an endpoint could not be reached, else 1 when any endpoint is not ok, else 0. */
  int exitCode() {
    if (endpoints.stream().anyMatch(e -> !e.reachable())) {
      return UNREACHABLE;
    }
    return endpoints.stream().allMatch(this::ok) ? OK : FAILED;
  }

  /** The table, one row per endpoint, with a header. */
  List<String> table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ENDPOINT", "REGION", "MODE", "REMAINING_TOKENS", "AGREE", "MAX_LAG_MS", "OK"});
    for (Endpoint endpoint : endpoints) {
      rows.add(new String[] {endpoint.url(), orDash(endpoint.region()), orDash(endpoint.mode()), seen(endpoint),
          agrees(endpoint) ? "yes" : "NO", endpoint.maxLag() == null ? "-" : lag(endpoint),
          ok(endpoint) ? "yes" : "NO"});
    }
    return align(rows);
  }

  private String lag(Endpoint endpoint) {
    return endpoint.maxLag() + (lagOk(endpoint) ? "" : " (over " + maxLagMillis + ")");
  }

  private static String seen(Endpoint endpoint) {
    if (endpoint.seen().isEmpty()) {
      return "-";
    }
    List<String> values = endpoint.seen().stream().map(v -> v == null ? "?" : Long.toString(v)).toList();
    return String.join(" ", values);
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  private static List<String> align(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** One line: OK with the agreed count and worst lag, or FAILED/UNREACHABLE with every reason. */
  String verdict(String clientId) {
    List<String> reasons = reasons();
    if (reasons.isEmpty()) {
      long worst = endpoints.stream().map(Endpoint::maxLag).filter(Objects::nonNull).mapToLong(Long::longValue)
          .max().orElse(0);
      return String.format("verify-sync: OK: %d endpoints agree on %s (%d tokens left after %d spends),"
          + " replication lag at most %d ms (limit %d ms)", endpoints.size(), clientId,
          expected.isEmpty() ? 0 : expected.get(expected.size() - 1), expected.size(), worst, maxLagMillis);
    }
    String word = exitCode() == UNREACHABLE ? "UNREACHABLE" : "FAILED";
    return "verify-sync: " + word + ": " + String.join("; ", reasons);
  }

  private List<String> reasons() {
    List<String> reasons = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      if (!endpoint.reachable() || endpoint.error() != null) {
        reasons.add(endpoint.url() + " " + endpoint.error());
      } else if (!"global".equals(endpoint.mode())) {
        reasons.add(endpoint.url() + " is in " + endpoint.mode() + " mode, not global");
      } else if (!agrees(endpoint)) {
        reasons.add(endpoint.url() + " saw " + seen(endpoint) + ", expected " + expectedText());
      }
      if (endpoint.reachable() && !lagOk(endpoint)) {
        reasons.add(endpoint.url() + " reports replication lag " + endpoint.maxLag() + " ms, over "
            + maxLagMillis + " ms");
      }
    }
    return reasons;
  }

  private String expectedText() {
    return String.join(" ", expected.stream().map(String::valueOf).toList());
  }
}
