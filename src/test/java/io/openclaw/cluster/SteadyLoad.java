package io.openclaw.cluster;

import io.openclaw.node.OpenClawNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gentle, steady stream of rating requests through some nodes (two client threads, a pause between
 * requests), counting every answer by status and every request that got no answer at all.
 */
final class SteadyLoad {
  private static final int CLIENTS = 2;
  private static final long PAUSE_MILLIS = 5;

  private final RegionFixture region;
  private final List<OpenClawNode> nodes;
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final List<String> unavailable = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  SteadyLoad(RegionFixture region, List<OpenClawNode> nodes) {
    this.region = region;
    this.nodes = nodes;
  }

  void start() {
    running = true;
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      Thread thread = new Thread(() -> send(client), "steady-load-" + i);
      threads.add(thread);
      thread.start();
    }
  }

  void stop() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(15_000);
    }
  }

  Map<Integer, Integer> statuses() {
    Map<Integer, Integer> counts = new TreeMap<>();
    statuses.forEach((status, count) -> counts.put(status, count.get()));
    return counts;
  }

  /** The bodies of the 503 answers. */
  List<String> unavailable() {
    return List.copyOf(unavailable);
  }

  int failures() {
    return failures.get();
  }

  private void send(int client) {
    for (int i = 0; running; i++) {
      OpenClawNode node = nodes.get(i % nodes.size());
      try {
        HttpResponse<String> answer = region.rateAnswer(node, "default", "steady-" + client + "-" + i % 200);
        statuses.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        if (answer.statusCode() == 503) {
          unavailable.add(answer.body());
        }
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }
}
