package io.openclaw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openclaw.node.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Utilization arithmetic and the concurrent running maximum. */
class ServiceMetersTest {

  @Test
  void utilizationIsTheSpentShareOfCapacityInMillionths() {
    assertThat(ServiceMeters.millionthsUsed(10_000, 10_000)).isZero();
    assertThat(ServiceMeters.millionthsUsed(9_999, 10_000)).isEqualTo(100);
    assertThat(ServiceMeters.millionthsUsed(0, 10_000)).isEqualTo(ServiceMeters.FULL);
    assertThat(ServiceMeters.millionthsUsed(1, 3)).isEqualTo(666_667);
  }

  @Test
  void utilizationStaysWithinZeroAndOne() {
    assertThat(ServiceMeters.millionthsUsed(-5, 100)).isEqualTo(ServiceMeters.FULL);
    assertThat(ServiceMeters.millionthsUsed(200, 100)).isZero();
    assertThat(ServiceMeters.millionthsUsed(Long.MAX_VALUE, Long.MAX_VALUE)).isZero();
    assertThat(ServiceMeters.millionthsUsed(0, 0)).isZero();
  }

  @Test
  void concurrentDecisionsKeepTheLargestUtilization() throws InterruptedException {
    ServiceMeters meters = new ServiceMeters("search", new SimpleMeterRegistry());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t;
      Thread thread = new Thread(() -> touchAll(meters, start, offset));
      thread.start();
      threads.add(thread);
    }

    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(meters.utilization()).isEqualTo(1 - 1 / 1000.0);
  }

  private static void touchAll(ServiceMeters meters, CountDownLatch start, int offset) {
    try {
      start.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (int remaining = 1000 - offset; remaining >= 1; remaining -= 4) {
      meters.touched(remaining, 1000);
    }
  }

  @Test
  void counterIsRegisteredOnceAndReused() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ServiceMeters meters = new ServiceMeters("search", registry);

    meters.counter(ServiceMeters.Outcome.DENIED, Mode.LOCAL).increment();
    meters.counter(ServiceMeters.Outcome.DENIED, Mode.LOCAL).increment();

    assertThat(meters.counter(ServiceMeters.Outcome.DENIED, Mode.LOCAL).count()).isEqualTo(2);
    assertThat(registry.find(MetricNames.DECISIONS).counters()).hasSize(1);
  }
}
