package io.openclaw.store;

import io.openclaw.node.OpenClawNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A steady, bounded stream of one-token requests over some buckets and nodes: a few client threads, each
 * sending one request at a time, until stopped, until each has sent {@code maxPerClient}, or until
 * {@code maxMillis} have passed. Counts answers by status, grants per bucket, and keeps the bodies of
 * answers that are neither 200 nor 429.
 */
final class BucketLoad {
  private static final int CLIENTS = 4;

  private final GlobalFixture fixture;
  private final List<OpenClawNode> nodes;
  private final String service;
  private final List<String> clients;
  private final int maxPerClient;
  private final long deadlineNanos;
  private final AtomicIntegerArray granted;
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  BucketLoad(GlobalFixture fixture, List<OpenClawNode> nodes, String service, List<String> clients,
      int maxPerClient, long maxMillis) {
    this.fixture = fixture;
    this.nodes = nodes;
    this.service = service;
    this.clients = clients;
    this.maxPerClient = maxPerClient;
    this.deadlineNanos = System.nanoTime() + maxMillis * 1_000_000;
    this.granted = new AtomicIntegerArray(clients.size());
  }

  void start() {
    running = true;
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      Thread thread = new Thread(() -> send(client), "bucket-load-" + i);
      threads.add(thread);
      thread.start();
    }
  }

  void stop() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(30_000);
    }
  }

  Map<Integer, Integer> statuses() {
    Map<Integer, Integer> counts = new TreeMap<>();
    statuses.forEach((status, count) -> counts.put(status, count.get()));
    return counts;
  }

  int sent() {
    return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Tokens granted to the bucket of {@code clients.get(index)}. */
  int granted(int index) {
    return granted.get(index);
  }

  /** What came back that was neither 200 nor 429 (status and body, or the exception). */
  List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  private void send(int thread) {
    for (int i = 0; running && i < maxPerClient && System.nanoTime() < deadlineNanos; i++) {
      int bucket = (thread + i * CLIENTS) % clients.size();
      OpenClawNode node = nodes.get(i % nodes.size());
      try {
        HttpResponse<String> answer = fixture.rate(node, service, clients.get(bucket), 1);
        statuses.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        if (answer.statusCode() == 200) {
          granted.incrementAndGet(bucket);
        } else if (answer.statusCode() != 429) {
          unexpected.add(answer.statusCode() + " " + answer.body());
        }
      } catch (Exception e) {
        statuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
        unexpected.add(e.toString());
      }
    }
  }
}
