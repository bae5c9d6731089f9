package io.openclaw.metrics;

import io.openclaw.config.OpenClawConfig;
import java.util.Set;

/**
 * Every meter name and tag the service registers. Names are dotted Micrometer names; the Prometheus registry
 * renders them as the names of the metrics contract (DESIGN.md, docs/operations.md), shown next to each.
 */
public final class MetricNames {
  /** {@code openclaw_bucket_utilization{service}}: gauge, 0..1. */
  public static final String BUCKET_UTILIZATION = "openclaw.bucket.utilization";
  /** {@code openclaw_decisions_total{service, decision, mode}}: counter. */
  public static final String DECISIONS = "openclaw.decisions";
  /** {@code sync_latency_seconds}: histogram of Redis round trips for bucket decisions. */
  public static final String SYNC_LATENCY = "sync.latency";
  /** {@code openclaw_replication_lag_seconds{master}}: gauge per Redis master. */
  public static final String REPLICATION_LAG = "openclaw.replication.lag";
  /** {@code openclaw_sync_mode}: gauge, 1 global, 0 local, 2 standalone. */
  public static final String SYNC_MODE = "openclaw.sync.mode";
  /** {@code openclaw_sync_failures_total}: counter. */
  public static final String SYNC_FAILURES = "openclaw.sync.failures";
  /** {@code openclaw_shards_owned}: gauge. */
  public static final String SHARDS_OWNED = "openclaw.shards.owned";

  /** Vert.x's HTTP server timer, {@code vertx_http_server_response_time_seconds}, given histogram buckets. */
  public static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";

  /**
   * Micrometer processor meters left out, since {@code promtool check metrics} rejects their Prometheus names
   * ({@code process_cpu_time_ns_total}: abbreviated unit, {@code system_cpu_count}: a gauge named like a
   * histogram count). {@code process_cpu_usage} and {@code system_cpu_usage} stay.
   */
  public static final Set<String> NOT_EXPORTED = Set.of("process.cpu.time", "system.cpu.count");

  public static final String TAG_REGION = "region";
  public static final String TAG_NODE = "node";
  public static final String TAG_SERVICE = "service";
  public static final String TAG_DECISION = "decision";
  public static final String TAG_MODE = "mode";
  public static final String TAG_MASTER = "master";

  /** Prefix of the Vert.x HTTP meters, whose {@code method} label is bounded. */
  public static final String VERTX_HTTP_PREFIX = "vertx.http.";
  /** Label of the Vert.x HTTP meters that holds the request method. */
  public static final String TAG_HTTP_METHOD = "method";
  /** The {@code method} label of every request whose method is not one of the standard ones. */
  public static final String OTHER_HTTP_METHOD = "other";

  /** The service label of the default bucket and of every service without a {@code services:} entry. */
  public static final String DEFAULT_SERVICE = OpenClawConfig.Buckets.DEFAULT_SERVICE;

  /** The seconds unit, so that Prometheus names end in {@code _seconds}. */
  static final String SECONDS = "seconds";

  private MetricNames() {
  }
}
