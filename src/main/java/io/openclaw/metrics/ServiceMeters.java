package io.openclaw.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.node.Mode;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one service label: how full its fullest recently touched bucket is, and its decision counters
 * by outcome and mode. Safe to call from every event loop at once: the request path does one atomic max and
 * one counter increment, and looks nothing up in the registry once a counter exists.
 */
final class ServiceMeters {
  /** Utilization is kept in millionths, so that the running maximum fits an {@link AtomicLong}. */
  static final long FULL = 1_000_000;

  /** What a decision counter counts, rendered as the {@code decision} label. */
  enum Outcome {
    ALLOWED, DENIED, UNAVAILABLE;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private static final int MODES = Mode.values().length;

  private final String service;
  private final MeterRegistry registry;
  private final AtomicLong currentSlice = new AtomicLong();
  private volatile long previousSlice;
  private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(Outcome.values().length * MODES);

  ServiceMeters(String service, MeterRegistry registry) {
    this.service = service;
    this.registry = registry;
    Gauge.builder(MetricNames.BUCKET_UTILIZATION, this, ServiceMeters::utilization)
        .description("Fullest bucket of the service touched in the last 5-10 s: 1 - remaining/capacity")
        .tag(MetricNames.TAG_SERVICE, service)
        .strongReference(true)
        .register(registry);
  }

  /** Notes a bucket of this service that was just decided; keeps the largest utilization of the slice. */
  void touched(long remainingTokens, long capacity) {
    long used = millionthsUsed(remainingTokens, capacity);
    long seen = currentSlice.get();
    while (used > seen && !currentSlice.compareAndSet(seen, used)) {
      seen = currentSlice.get();
    }
  }

  static long millionthsUsed(long remainingTokens, long capacity) {
    if (capacity <= 0) {
      return 0;
    }
    double left = Math.min(1.0, Math.max(0.0, (double) remainingTokens / capacity));
    return Math.round((1.0 - left) * FULL);
  }

  /** Starts a new slice; the gauge still covers the one that just ended. */
  void rotate() {
    previousSlice = currentSlice.getAndSet(0);
  }

  /** The fullest bucket seen in the current and the previous slice, 0..1. */
  double utilization() {
    return Math.max(currentSlice.get(), previousSlice) / (double) FULL;
  }

  /** The counter for one outcome in one mode, registered on first use and cached. */
  Counter counter(Outcome outcome, Mode mode) {
    int index = outcome.ordinal() * MODES + mode.ordinal();
    Counter counter = counters.get(index);
    if (counter == null) {
      counter = Counter.builder(MetricNames.DECISIONS)
          .description("Rating decisions rendered by the HTTP edge")
          .tag(MetricNames.TAG_SERVICE, service)
          .tag(MetricNames.TAG_DECISION, outcome.label)
          .tag(MetricNames.TAG_MODE, mode.label())
          .register(registry);
      counters.set(index, counter);
    }
    return counter;
  }
}
