package io.openclaw.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.metrics.ServiceMeters.Outcome;
import io.openclaw.node.Mode;
import io.openclaw.node.NodeStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service's own meters, and the one place the rest of the code reports to. Built on a registry with the
 * node's {@code region} and {@code node} tags; {@link #disabled()} gives one whose meters record nothing.
 *
 * <p>Label values stay bounded by the config: {@code service} is a configured service name or
 * {@value MetricNames#DEFAULT_SERVICE}, {@code mode} and {@code decision} come from enums, {@code master} from
 * the Redis masters. No client id is ever a label.
 *
 * <p>NOTE: {@code openclaw_sync_mode} is 2 on a standalone node (sync disabled): neither global nor local, and
 * not 0, which would raise the local-mode alert. {@code sync_latency_seconds} exists only with sync enabled.
 */
public final class Metrics {
  /** How often the utilization window moves on; the gauge covers the last one to two slices. */
  public static final long UTILIZATION_SLICE_MILLIS = 5_000;

  /** Histogram buckets for Redis round trips and HTTP response times; 200 ms is the alert threshold. */
  static final List<Duration> LATENCY_BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500));

  private final NodeStatus status;
  private final Map<String, ServiceMeters> services;
  private final ServiceMeters defaultService;
  private final Timer syncLatency;
  private final Counter syncFailures;
  private final MultiGauge replicationLag;

  private Metrics(MeterRegistry registry, OpenClawConfig config, NodeStatus status) {
    this.status = status;
    this.services = serviceMeters(registry, config);
    this.defaultService = services.get(MetricNames.DEFAULT_SERVICE);
    this.syncLatency = syncLatencyTimer(config.sync().enabled() ? registry : new CompositeMeterRegistry());
    this.syncFailures = Counter.builder(MetricNames.SYNC_FAILURES)
        .description("Times the node lost Redis and went to local mode")
        .register(registry);
    this.replicationLag = MultiGauge.builder(MetricNames.REPLICATION_LAG)
        .description("Time a heartbeat written to a Redis master took to reach its replicas")
        .baseUnit(MetricNames.SECONDS)
        .register(registry);
    registerNodeGauges(registry);
    registerExpectedCounters(config.sync().enabled());
  }

  /** The meters of a node, registered in {@code registry}. */
  public static Metrics create(MeterRegistry registry, OpenClawConfig config, NodeStatus status) {
    return new Metrics(registry, config, status);
  }

  /** Meters that record nothing, for a node with {@code metrics.enabled: false} and for tests. */
  public static Metrics disabled(OpenClawConfig config) {
    return new Metrics(new CompositeMeterRegistry(), config, new NodeStatus(Mode.STANDALONE));
  }

  private static Map<String, ServiceMeters> serviceMeters(MeterRegistry registry, OpenClawConfig config) {
    Map<String, ServiceMeters> meters = new HashMap<>();
    meters.put(MetricNames.DEFAULT_SERVICE, new ServiceMeters(MetricNames.DEFAULT_SERVICE, registry));
    for (String service : config.buckets().services().keySet()) {
      if (service.equals(OpenClawConfig.Buckets.PROBE_SERVICE)) {
        continue;  // the cross-region check's few requests count under the default service
      }
      meters.computeIfAbsent(service, name -> new ServiceMeters(name, registry));
    }
    return Map.copyOf(meters);
  }

  private static Timer syncLatencyTimer(MeterRegistry registry) {
    return Timer.builder(MetricNames.SYNC_LATENCY)
        .description("Redis round trips for bucket decisions")
        .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  private void registerNodeGauges(MeterRegistry registry) {
    Gauge.builder(MetricNames.SYNC_MODE, status, s -> syncModeValue(s.mode()))
        .description("1 global (Redis), 0 local (Redis unreachable), 2 standalone (sync disabled)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.SHARDS_OWNED, status, NodeStatus::shardsOwned)
        .description("Bucket shards this node owns")
        .strongReference(true)
        .register(registry);
  }

  /** Counters a node can reach start at 0, so that the first decision of a kind shows up as an increase. */
  private void registerExpectedCounters(boolean syncEnabled) {
    List<Mode> modes = syncEnabled ? List.of(Mode.GLOBAL, Mode.LOCAL) : List.of(Mode.STANDALONE);
    for (ServiceMeters meters : services.values()) {
      for (Outcome outcome : Outcome.values()) {
        modes.forEach(mode -> meters.counter(outcome, mode));
      }
    }
  }

  static double syncModeValue(Mode mode) {
    return switch (mode) {
      case GLOBAL -> 1;
      case LOCAL -> 0;
      case STANDALONE -> 2;
    };
  }

  /** Moves the utilization window on every {@link #UTILIZATION_SLICE_MILLIS} on {@code vertx}'s timer. */
  public void startUtilizationWindow(Vertx vertx) {
    vertx.setPeriodic(UTILIZATION_SLICE_MILLIS, id -> rotateUtilization());
  }

  void rotateUtilization() {
    services.values().forEach(ServiceMeters::rotate);
  }

  /** Counts an allowed or denied answer and notes how full the bucket is. Called on the request path. */
  public void decided(String service, boolean allowed, Mode mode, long remainingTokens, long capacity) {
    ServiceMeters meters = metersOf(service);
    meters.touched(remainingTokens, capacity);
    meters.counter(allowed ? Outcome.ALLOWED : Outcome.DENIED, mode).increment();
  }

  /** Counts a 503 answer; {@code mode} is the node's mode when the request was sent to its shard. */
  public void unavailable(String service, Mode mode) {
    metersOf(service).counter(Outcome.UNAVAILABLE, mode).increment();
  }

  /** The node's mode now, for callers that label a later {@link #unavailable} with it. */
  public Mode nodeMode() {
    return status.mode();
  }

  private ServiceMeters metersOf(String service) {
    ServiceMeters meters = services.get(service);
    return meters != null ? meters : defaultService;
  }

  /** One Redis round trip for a bucket decision. */
  public void recordSyncLatency(long nanos) {
    syncLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The node lost Redis and goes to local mode. */
  public void syncFailure() {
    syncFailures.increment();
  }

  /** Brings the per-master replication lag gauges up to date with {@link NodeStatus#redis()}; before a scrape. */
  public void refresh() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    status.redis().replicationLagMillis().forEach((master, lagMillis) ->
        rows.add(MultiGauge.Row.of(Tags.of(MetricNames.TAG_MASTER, master), lagMillis / 1000.0)));
    replicationLag.register(rows, true);
  }
}
