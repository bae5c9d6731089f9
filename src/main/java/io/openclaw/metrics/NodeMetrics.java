package io.openclaw.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.NodeStatus;
import io.vertx.core.Handler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The metrics plumbing of one node: a Prometheus registry tagged with region and node, the Vert.x HTTP server
 * and event-bus metrics and the JVM binders that feed it, and {@code GET /metrics}. With
 * {@code metrics.enabled: false} there is no registry, Vert.x runs without metrics and no route is added.
 */
public final class NodeMetrics {
  /** Route of the Prometheus scrape. */
  public static final String PATH = "/metrics";

  /**
   * Labels of the Vert.x meters, each with a bounded set of values: methods are the standard ones or "other"
   * ({@link #boundedHttpMethods}), routes are templates (unmatched paths share the route ""), codes are the
   * server's own, event-bus addresses are the node's own (one per shard; reply addresses are not counted), pools
   * are the Vert.x worker pools. The address shows which shard is busy; it adds about nine series per shard.
   */
  private static final EnumSet<Label> VERTX_LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
      Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME);

  /** The methods of RFC 9110 and PATCH, the values the {@code method} label may keep. */
  private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "PATCH");

  private final OpenClawConfig config;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;

  private NodeMetrics(OpenClawConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.gcMetrics = registry == null ? null : new JvmGcMetrics();
  }

  /** Prometheus metrics when the config enables them, otherwise none. */
  public static NodeMetrics create(OpenClawConfig config) {
    if (!config.metrics().enabled()) {
      return new NodeMetrics(config, null);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .commonTags(MetricNames.TAG_REGION, config.region(), MetricNames.TAG_NODE, config.node())
        .meterFilter(MeterFilter.deny(id -> MetricNames.NOT_EXPORTED.contains(id.getName())))
        .meterFilter(boundedHttpMethods())
        .meterFilter(httpResponseTimeHistogram());
    NodeMetrics metrics = new NodeMetrics(config, registry);
    metrics.bindJvm();
    return metrics;
  }

  /**
   * Vert.x labels a request with its method as sent, and a client may send any token as a method; each new
   * one would add a set of series. Methods outside the standard ones are labelled
   * {@value MetricNames#OTHER_HTTP_METHOD}.
   */
  static MeterFilter boundedHttpMethods() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String method = id.getTag(MetricNames.TAG_HTTP_METHOD);
        if (method == null || STANDARD_METHODS.contains(method) || !id.getName().startsWith(
            MetricNames.VERTX_HTTP_PREFIX)) {
          return id;
        }
        return id.replaceTags(Tags.of(id.getTagsAsIterable()).and(MetricNames.TAG_HTTP_METHOD,
            MetricNames.OTHER_HTTP_METHOD));
      }
    };
  }

  private static MeterFilter httpResponseTimeHistogram() {
    double[] buckets = Metrics.LATENCY_BUCKETS.stream().mapToDouble(d -> (double) d.toNanos()).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(MetricNames.HTTP_SERVER_RESPONSE_TIME)) {
          return config;
        }
        return DistributionStatisticConfig.builder().serviceLevelObjectives(buckets).build().merge(config);
      }
    };
  }

  private void bindJvm() {
    List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), gcMetrics, new JvmThreadMetrics(),
        new ProcessorMetrics(), new UptimeMetrics());
    binders.forEach(binder -> binder.bindTo(registry));
  }

  /** A builder for the node's Vert.x instance, reporting HTTP server and event-bus metrics when enabled. */
  public VertxBuilder vertxBuilder(VertxBuilder builder, VertxOptions options) {
    if (registry == null) {
      return builder.with(options);
    }
    // Vert.x keeps registries by name for the whole JVM; a unique name keeps two nodes in one JVM apart.
    options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("openclaw-" + config.node() + "-" + UUID.randomUUID())
        .setLabels(VERTX_LABELS));
    return builder.with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** The service meters, reported to the registry, or recording nothing when metrics are disabled. */
  public Metrics serviceMetrics(NodeStatus status) {
    return registry == null ? Metrics.disabled(config) : Metrics.create(registry, config, status);
  }

  /** Adds {@code GET /metrics} when enabled. */
  public void addRoutes(Router router, Metrics metrics) {
    if (registry == null) {
      return;
    }
    Handler<RoutingContext> scrape = PrometheusScrapingHandler.create(registry);
    router.get(PATH).handler(ctx -> {
      metrics.refresh();
      scrape.handle(ctx);
    });
  }

  /** Releases the JVM listeners and the registry; call after Vert.x is closed. */
  public void close() {
    if (registry != null) {
      gcMetrics.close();
      registry.close();
    }
  }
}
