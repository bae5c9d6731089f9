package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.openclaw.node.OpenClawNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Global mode against the real Redis Cluster: three regions (separate nodes sharing the cluster and the key
 * prefix) deciding one bucket together, buckets on every master, the NOSCRIPT path after SCRIPT FLUSH, and
 * client ids whose characters mean something to Redis keys.
 */
class GlobalModeIT {
  private static final int QUOTA = 500;
  private static final int SMALL = 100;
  private static final GlobalFixture FIXTURE = new GlobalFixture(
      "{quota: {capacity: " + QUOTA + ", refill_rate: 0, burst_grace_ratio: 0},"
          + " small: {capacity: " + SMALL + ", refill_rate: 0, burst_grace_ratio: 0}}");
  private static final List<OpenClawNode> REGIONS = new ArrayList<>();

  @BeforeAll
  static void startThreeRegions() throws Exception {
    for (String region : List.of("it-east", "it-west", "it-south")) {
      REGIONS.add(FIXTURE.start(region));
    }
  }

  @AfterAll
  static void stopRegions() throws Exception {
    FIXTURE.close();
  }

  @Test
  void threeRegionsTogetherAdmitExactlyTheCapacityOfOneBucket() throws Exception {
    String client = "shared-bucket";
    int total = 700;
    Semaphore inFlight = new Semaphore(45);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      inFlight.acquire();
      answers.add(FIXTURE.rateAsync(REGIONS.get(i % 3), "quota", client, 1)
          .whenComplete((answer, failure) -> inFlight.release()));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();

    Map<Integer, Integer> statuses = new TreeMap<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      statuses.merge(answer.join().statusCode(), 1, Integer::sum);
      JsonObject body = new JsonObject(answer.join().body());
      assertThat(body.getString("mode")).as(answer.join().body()).isEqualTo("global");
      assertThat(body.getBoolean("allowed")).isEqualTo(answer.join().statusCode() == 200);
    }
    assertThat(statuses).containsExactly(entry(200, QUOTA), entry(429, total - QUOTA));
    for (OpenClawNode region : REGIONS) {
      assertThat(FIXTURE.remaining(region, "quota", client)).as(region.config().region()).isZero();
    }
    String key = FIXTURE.redisKey("quota", client);
    assertThat(GlobalFixture.redisCli(GlobalFixture.masterOf(GlobalFixture.slot(key)).port(), "hget", key, "l"))
        .isEqualTo("0");
  }

  @Test
  void bucketsWhoseSlotsLiveOnEachMasterAreDecidedThere() throws Exception {
    List<GlobalFixture.Master> masters = GlobalFixture.masters();
    assertThat(masters).hasSize(3);

    for (int i = 0; i < masters.size(); i++) {
      GlobalFixture.Master master = masters.get(i);
      String client = clientOn(master, "on-master-");
      HttpResponse<String> answer = FIXTURE.rate(REGIONS.get(i), "small", client, 3);

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(new JsonObject(answer.body()).getLong("remaining_tokens")).isEqualTo(SMALL - 3);
      String key = FIXTURE.redisKey("small", client);
      assertThat(GlobalFixture.redisCli(master.port(), "hget", key, "l"))
          .as("level of %s on master %d", key, master.port()).isEqualTo(Long.toString((SMALL - 3) * 1_000_000L));
    }
  }

  @Test
  void afterScriptFlushOnEveryMasterTheNextRequestsAreDecidedAndLevelsContinue() throws Exception {
    List<GlobalFixture.Master> masters = GlobalFixture.masters();
    List<String> clients = new ArrayList<>();
    for (GlobalFixture.Master master : masters) {
      String client = clientOn(master, "flushed-");
      clients.add(client);
      assertThat(FIXTURE.rate(REGIONS.get(0), "small", client, 2).statusCode()).isEqualTo(200);
    }

    for (GlobalFixture.Master master : masters) {
      assertThat(flushAndCheck(master)).as("scripts on master %d right after the flush", master.port())
          .endsWith("\n0");
    }
    for (int i = 0; i < masters.size(); i++) {
      HttpResponse<String> answer = FIXTURE.rate(REGIONS.get(i), "small", clients.get(i), 1);

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(new JsonObject(answer.body()).getLong("remaining_tokens")).isEqualTo(SMALL - 3);
      assertThat(scriptKnown(masters.get(i))).as("EVAL ran on master %d", masters.get(i).port()).isTrue();
    }
    for (int i = 0; i < masters.size(); i++) {
      assertThat(FIXTURE.remaining(REGIONS.get((i + 1) % 3), "small", clients.get(i))).isEqualTo(SMALL - 3);
    }
  }

  @Test
  void clientIdsWithKeyCharactersMapToDistinctBuckets() throws Exception {
    List<String> clients = List.of("a:b", "a%3Ab", "{x}", "x", "}{", "{", "%7B", "a b", "a%20b", "100%", "%",
        "%25", ":", "::", "Zoë", "Zoe\u0308", "🦀 crab", "{🦀}", "日本語:{}", "a}b{c", "line\r\nbreak", "nul\u0000byte",
        "é".repeat(128));
    for (int i = 0; i < clients.size(); i++) {
      HttpResponse<String> answer = FIXTURE.rate(REGIONS.get(i % 3), "small", clients.get(i), i + 1);
      assertThat(answer.statusCode()).as("%s: %s", clients.get(i), answer.body()).isEqualTo(200);
      assertThat(new JsonObject(answer.body()).getString("client_id")).isEqualTo(clients.get(i));
    }

    Set<String> keys = new HashSet<>();
    for (int i = 0; i < clients.size(); i++) {
      String client = clients.get(i);
      assertThat(FIXTURE.remaining(REGIONS.get((i + 1) % 3), "small", client)).as(client).isEqualTo(SMALL - i - 1L);
      String key = FIXTURE.redisKey("small", client);
      keys.add(key);
      assertThat(key.chars().filter(c -> c == '{').count()).as(key).isOne();
      assertThat(key.chars().filter(c -> c == '}').count()).as(key).isOne();
      assertThat(key).as(key).startsWith(FIXTURE.keyPrefix + ":{small:").endsWith("}");
      int port = GlobalFixture.masterOf(GlobalFixture.slot(key)).port();
      assertThat(GlobalFixture.redisCliLastArg(port, key, "exists")).as(key).isEqualTo("1");
    }
    assertThat(keys).hasSameSizeAs(clients);
  }

  /** A client id of the form prefix + n whose "small" bucket lives in a slot of the given master. */
  static String clientOn(GlobalFixture.Master master, String prefix) {
    for (int n = 0; ; n++) {
      String client = prefix + n;
      if (master.owns(GlobalFixture.slot(FIXTURE.redisKey("small", client)))) {
        return client;
      }
    }
  }

  /**
   * Flushes the scripts of one master and asks for the decide script in one transaction, so the nodes' sync
   * watch cannot load it again in between; returns redis-cli's output, whose last line is the answer to EXISTS.
   */
  private static String flushAndCheck(GlobalFixture.Master master) throws Exception {
    String transaction = "MULTI\nSCRIPT FLUSH\nSCRIPT EXISTS " + RedisScript.DECIDE.sha() + "\nEXEC\n";
    return GlobalFixture.redisCliInput(master.port(), transaction);
  }

  private static boolean scriptKnown(GlobalFixture.Master master) throws Exception {
    return GlobalFixture.redisCli(master.port(), "script", "exists", RedisScript.DECIDE.sha()).equals("1");
  }
}
