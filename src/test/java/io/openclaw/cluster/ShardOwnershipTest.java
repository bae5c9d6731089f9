package io.openclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardOwnershipTest {
  private static final List<String> THREE = List.of(
      "5b0f4c1e-8f43-4d6e-9a57-1f3c0a2b9d11",
      "c7d2a9e4-1b65-4f80-b3c2-7e9d5a6f0c22",
      "0e8a3b7d-6c21-49f5-8d4e-2a1b9c3f7e33");

  private final ShardOwnership ownership = new ShardOwnership(16);

  @Test
  void everyShardHasExactlyOneOwnerAmongTheMembers() {
    Map<String, SortedSet<Integer>> assignment = ownership.assignment(THREE);

    List<Integer> all = new ArrayList<>();
    assignment.values().forEach(all::addAll);
    Collections.sort(all);
    assertThat(all).hasSize(16).doesNotHaveDuplicates().startsWith(0).endsWith(15);
    for (int shard = 0; shard < 16; shard++) {
      assertThat(assignment.get(ownership.ownerOf(shard, THREE))).contains(shard);
    }
  }

  @Test
  void ownerDoesNotDependOnTheOrderOfTheMemberList() {
    List<String> shuffled = new ArrayList<>(THREE);
    Collections.shuffle(shuffled, new Random(7));

    for (int shard = 0; shard < 16; shard++) {
      assertThat(ownership.ownerOf(shard, shuffled)).isEqualTo(ownership.ownerOf(shard, THREE));
    }
    assertThat(ownership.shardsOf(THREE.get(1), shuffled)).isEqualTo(ownership.shardsOf(THREE.get(1), THREE));
  }

  @Test
  void sameMembersGiveTheSameAssignmentInEveryInstance() {
    ShardOwnership other = new ShardOwnership(16);

    assertThat(other.assignment(THREE)).isEqualTo(ownership.assignment(THREE));
  }

  @Test
  void assignmentIsStableAcrossReleases() {
    // NOTE: pinned values. The weights must never change from one version to the next, or during a rolling
    // upgrade the old and the new nodes would disagree about the owner of almost every shard.
    assertThat(ownership.assignment(List.of("node-a", "node-b", "node-c")).toString())
        .isEqualTo("{node-a=[1, 4, 6, 8, 10, 12, 14], node-b=[2, 5, 9, 13], node-c=[0, 3, 7, 11, 15]}");
  }

  @Test
  void aSingleMemberOwnsEveryShard() {
    assertThat(ownership.shardsOf("only", List.of("only"))).hasSize(16);
  }

  @Test
  void aNodeThatIsNotAMemberOwnsNothing() {
    assertThat(ownership.shardsOf("stranger", THREE)).isEmpty();
  }

  @Test
  void refusesToPickAnOwnerWithoutMembers() {
    assertThatThrownBy(() -> ownership.ownerOf(0, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ShardOwnership(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void spreadsManyShardsEvenlyOverTheMembers() {
    ShardOwnership large = new ShardOwnership(4096);
    List<String> members = randomMembers(4, 11);

    Map<String, SortedSet<Integer>> assignment = large.assignment(members);

    for (SortedSet<Integer> owned : assignment.values()) {
      assertThat(owned.size()).isBetween(1024 - 160, 1024 + 160);
    }
  }

  @Test
  void spreadsTheDefaultShardsReasonablyOverRandomRegionsOfThree() {
    int worst = 16;
    for (int seed = 0; seed < 200; seed++) {
      for (SortedSet<Integer> owned : ownership.assignment(randomMembers(3, seed)).values()) {
        worst = Math.min(worst, owned.size());
      }
    }

    assertThat(worst).as("fewest shards any member got in 200 random regions of 3").isGreaterThanOrEqualTo(1);
  }

  @Test
  void onlyTheLeavingMembersShardsMoveWhenAMemberLeaves() {
    ShardOwnership large = new ShardOwnership(1024);
    List<String> before = randomMembers(5, 3);
    String leaving = before.get(2);
    List<String> after = new ArrayList<>(before);
    after.remove(leaving);

    List<Integer> moved = large.moved(before, after);

    assertThat(moved).containsExactlyElementsOf(large.shardsOf(leaving, before));
    for (int shard : moved) {
      assertThat(after).contains(large.ownerOf(shard, after));
    }
  }

  @Test
  void onlyShardsTakenByTheNewMemberMoveWhenAMemberJoins() {
    ShardOwnership large = new ShardOwnership(1024);
    List<String> before = randomMembers(4, 5);
    String joining = UUID.nameUUIDFromBytes("joining".getBytes()).toString();
    List<String> after = new ArrayList<>(before);
    after.add(joining);

    List<Integer> moved = large.moved(before, after);

    assertThat(moved).containsExactlyElementsOf(large.shardsOf(joining, after));
    assertThat(moved.size()).isBetween(1024 / 5 - 60, 1024 / 5 + 60);
  }

  private static List<String> randomMembers(int count, long seed) {
    Random random = new Random(seed);
    List<String> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      members.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    return members;
  }
}
