package io.openclaw.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code openclaw healthcheck} learned from a node's {@code GET /health}: the node's own report, or why
 * there is none. Knows the exit code and renders the one-line summary or the JSON.
 */
record HealthReport(String url, JsonObject body, String error) {
  static final int HEALTHY = 0;
  static final int UNHEALTHY = 1;
  static final int UNREACHABLE = 2;

  /** An answer: a health report when the body is one, otherwise a server that is not a healthy node. */
  static HealthReport answered(String url, int httpStatus, String body) {
    Object json = parse(body);
    if (json instanceof JsonObject report && report.getValue("status") instanceof String) {
      return new HealthReport(url, report, null);
    }
    return unreachable(url, "HTTP " + httpStatus + " without a health report");
  }

  private static Object parse(String body) {
    try {
      return Json.decodeValue(body);
    } catch (DecodeException e) {
      return null;
    }
  }

  static HealthReport unreachable(String url, String error) {
    return new HealthReport(url, null, error);
  }

  String status() {
    return body == null ? "UNREACHABLE" : body.getString("status");
  }

  /** 0 when the node is UP, 1 when it is DEGRADED (local mode) or DOWN, 2 when there is no report. */
  int exitCode() {
    if (body == null) {
      return UNREACHABLE;
    }
    return "UP".equals(status()) ? HEALTHY : UNHEALTHY;
  }

  /** The node's report as it came, or a report of the failure in the same shape. */
  String json() {
    if (body != null) {
      return body.encode();
    }
    return new JsonObject().put("status", status()).put("url", url).put("error", error).encode();
  }

  /** One line for a person: the status, then the facts as key=value. */
  String summary() {
    if (body == null) {
      return status() + ": " + url + ": " + error;
    }
    JsonObject redis = body.getJsonObject("redis", new JsonObject());
    StringBuilder line = new StringBuilder(status()).append(':')
        .append(" mode=").append(body.getString("mode"))
        .append(" region=").append(body.getString("region"))
        .append(" node=").append(body.getString("node"))
        .append(" redis_reachable=").append(redisReachable(redis))
        .append(" cluster_state=").append(redis.getString("cluster_state"))
        .append(" max_replication_lag_ms=").append(replicationLag())
        .append(" shards_owned=").append(body.getValue("shards_owned"));
    if (body.containsKey("shards_total")) {
      line.append('/').append(body.getValue("shards_total"));
    }
    List<String> failing = failingChecks();
    if (!failing.isEmpty()) {
      line.append(" failing_checks=").append(String.join(",", failing));
    }
    return line.toString();
  }

  private static String redisReachable(JsonObject redis) {
    if (!redis.getBoolean("enabled", false)) {
      return "n/a (sync disabled)";
    }
    String reachable = String.valueOf(redis.getBoolean("reachable", false));
    String lastError = redis.getString("last_error");
    return lastError == null ? reachable : reachable + " (" + lastError + ")";
  }

  /** The worst lag and its master against the threshold, e.g. {@code 42 (127.0.0.1:7001, threshold 100)}. */
  private String replicationLag() {
    JsonObject lags = body.getJsonObject("replication_lag_ms", new JsonObject());
    Object threshold = body.getValue("replication_lag_max_ms");
    String worstMaster = null;
    long worst = -1;
    for (Map.Entry<String, Object> lag : lags) {
      long millis = ((Number) lag.getValue()).longValue();
      if (millis > worst) {
        worst = millis;
        worstMaster = lag.getKey();
      }
    }
    if (worstMaster == null) {
      return "none (threshold " + threshold + ")";
    }
    String verdict = threshold instanceof Number max && worst > max.longValue() ? ", OVER threshold " : ", threshold ";
    return worst + " (" + worstMaster + verdict + threshold + ")";
  }

  private List<String> failingChecks() {
    List<String> failing = new ArrayList<>();
    JsonArray checks = body.getJsonArray("checks", new JsonArray());
    for (int i = 0; i < checks.size(); i++) {
      JsonObject check = checks.getJsonObject(i);
      if (!"UP".equals(check.getString("status"))) {
        failing.add(check.getString("id"));
      }
    }
    return failing;
  }
}
