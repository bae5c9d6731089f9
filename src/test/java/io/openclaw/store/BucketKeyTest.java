package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BucketKeyTest {

  @Test
  void wrapsServiceAndClientInOneHashTag() {
    assertThat(new BucketKey("search", "abc").redisKey("openclaw:tb")).isEqualTo("openclaw:tb:{search:abc}");
  }

  @Test
  void escapesCharactersThatCouldEndTheHashTagOrCollide() {
    assertThat(new BucketKey("default", "a}b{c:d%e").redisKey("p")).isEqualTo("p:{default:a%7Db%7Bc%3Ad%25e}");
  }

  @Test
  void distinctClientIdsGiveDistinctKeys() {
    List<String> ids = List.of("a:b", "a%3Ab", "a%b", "a%25b", "{a}", "%7Ba%7D", "a b", "ä", "a", "a:", "a%3A");
    Set<String> keys = new HashSet<>();
    for (String id : ids) {
      keys.add(new BucketKey("default", id).redisKey("openclaw:tb"));
    }
    assertThat(keys).hasSize(ids.size());
  }

  @Test
  void spreadsKeysOverAllShards() {
    int[] counts = new int[16];
    for (int i = 0; i < 16_000; i++) {
      counts[new BucketKey("default", "client-" + i).shard(16)]++;
    }
    assertThat(java.util.Arrays.stream(counts).boxed()).allMatch(count -> count > 800 && count < 1200);
  }
}
