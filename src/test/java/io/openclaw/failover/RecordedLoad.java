package io.openclaw.failover;

import io.openclaw.http.TestClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Client threads that each send one-token rating requests, one after the other with a short pause, and keep
 * every answer in order. A thread has at most one request in flight, so a moment of failure can touch at most
 * one request per thread.
 */
final class RecordedLoad {
  private static final long PAUSE_MILLIS = 2;

  /** One answer as a client saw it. */
  record Answer(String clientId, int status, JsonObject body, String retryAfter, String policy) {
    /** G: decided in Redis, L: decided locally, U: 503, X: anything else (or no answer). */
    char kind() {
      if (status == 503) {
        return 'U';
      }
      if (status != 200 && status != 429) {
        return 'X';
      }
      return switch (body.getString("mode")) {
        case "global" -> 'G';
        case "local" -> 'L';
        default -> 'X';
      };
    }

    boolean granted() {
      return status == 200 && body.getBoolean("allowed");
    }
  }

  private final TestClient client;
  private final String service;
  private final List<String> clientIds;
  private final List<List<Answer>> answers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /** One thread per client id, each spending on its own bucket (or on a shared one when the ids repeat). */
  RecordedLoad(TestClient client, String service, List<String> clientIds) {
    this.client = client;
    this.service = service;
    this.clientIds = clientIds;
    clientIds.forEach(id -> answers.add(new CopyOnWriteArrayList<>()));
  }

  void start() {
    running = true;
    for (int i = 0; i < clientIds.size(); i++) {
      int index = i;
      Thread thread = new Thread(() -> send(index), "recorded-load-" + i);
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

  int threads() {
    return clientIds.size();
  }

  /** The answers of one thread so far, in the order it got them. */
  List<Answer> answers(int thread) {
    return List.copyOf(answers.get(thread));
  }

  List<Answer> all() {
    return answers.stream().flatMap(List::stream).toList();
  }

  /** One letter per answer of a thread (see {@link Answer#kind}), e.g. {@code GGGGULLLLGG}. */
  String pattern(int thread) {
    return answers(thread).stream().map(answer -> String.valueOf(answer.kind())).collect(Collectors.joining());
  }

  /** How many answers of one thread, after its last answer of another kind, are of {@code kind}. */
  int trailing(int thread, char kind) {
    String pattern = pattern(thread);
    int count = 0;
    for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == kind; i--) {
      count++;
    }
    return count;
  }

  /** Whether every thread has at least {@code count} answers of {@code kind} after its last other answer. */
  boolean everyThreadEndsWith(char kind, int count) {
    for (int i = 0; i < threads(); i++) {
      if (trailing(i, kind) < count) {
        return false;
      }
    }
    return true;
  }

  /** Whether the answers of every thread so far match {@code regex} (letters as in {@link #pattern}). */
  boolean everyThreadMatches(String regex) {
    for (int i = 0; i < threads(); i++) {
      if (!pattern(i).matches(regex)) {
        return false;
      }
    }
    return true;
  }

  long count(Predicate<Answer> which) {
    return all().stream().filter(which).count();
  }

  private void send(int index) {
    String clientId = clientIds.get(index);
    while (running) {
      answers.get(index).add(rate(clientId));
      try {
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Answer rate(String clientId) {
    try {
      HttpResponse<String> response = client.rate(clientId, 1, service);
      JsonObject body = response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
      return new Answer(clientId, response.statusCode(), body,
          response.headers().firstValue("Retry-After").orElse(null),
          response.headers().firstValue("RateLimit-Policy").orElse(null));
    } catch (RuntimeException e) {
      return new Answer(clientId, -1, new JsonObject().put("exception", e.toString()), null, null);
    }
  }
}
