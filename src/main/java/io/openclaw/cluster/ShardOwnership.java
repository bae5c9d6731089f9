package io.openclaw.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which member of a region owns which bucket shard.
 *
 * <p>Ownership is decided by rendezvous (highest-random-weight) hashing. For every pair of a shard and a
 * live member, a 64-bit weight is derived from the member id and the shard number alone; the member with
 * the highest weight owns the shard. Nothing is stored or negotiated: every node that sees the same member
 * list computes the same owner for every shard, so agreement comes for free once the members agree on who
 * is in the cluster, which Hazelcast's membership protocol provides.
 *
 * <p>Guarantees that follow from the rule:
 * <ul>
 *   <li>Every shard has exactly one owner as long as at least one member is alive; ties (which need two
 *       equal 64-bit weights) are broken by the member id, so the answer is total.</li>
 *   <li>Minimal movement: when a member leaves, only the shards it owned move, each to the member with the
 *       next highest weight; when a member joins, the only shards that move are the ones it takes over. No
 *       shard moves between two members that were both alive before and after the change.</li>
 *   <li>Balance: each member owns about {@code shards / members} shards; with few shards the spread is
 *       that of a random draw, not an exact split.</li>
 * </ul>
 * The weights depend only on the member ids and the shard number, never on join order or clocks, so the
 * assignment is the same in every JVM and on every restart of the same members.
 */
public final class ShardOwnership {
  private static final long SHARD_SALT = 0x9E3779B97F4A7C15L;

  private final int shards;

  public ShardOwnership(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, not " + shards);
    }
    this.shards = shards;
  }

  public int shards() {
    return shards;
  }

  /** The owner of one shard among the given members. */
  public String ownerOf(int shard, Collection<String> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a shard needs at least one member to own it");
    }
    String owner = null;
    long best = 0;
    for (String member : members) {
      long weight = weight(memberHash(member), shard);
      if (owner == null || beats(weight, member, best, owner)) {
        owner = member;
        best = weight;
      }
    }
    return owner;
  }

  /** The shards the given member owns; empty when it is not one of the members. */
  public SortedSet<Integer> shardsOf(String member, Collection<String> members) {
    SortedSet<Integer> owned = new TreeSet<>();
    if (!members.contains(member)) {
      return owned;
    }
    for (int shard = 0; shard < shards; shard++) {
      if (member.equals(ownerOf(shard, members))) {
        owned.add(shard);
      }
    }
    return owned;
  }

  /** Every member's shards, members in the order given (each listed, even with no shard). */
  public Map<String, SortedSet<Integer>> assignment(Collection<String> members) {
    Map<String, SortedSet<Integer>> result = new LinkedHashMap<>();
    for (String member : members) {
      result.put(member, new TreeSet<>());
    }
    if (members.isEmpty()) {
      return result;
    }
    for (int shard = 0; shard < shards; shard++) {
      result.get(ownerOf(shard, members)).add(shard);
    }
    result.replaceAll((member, owned) -> Collections.unmodifiableSortedSet(owned));
    return result;
  }

  /** The shards whose owner differs between two member lists. */
  public List<Integer> moved(Collection<String> before, Collection<String> after) {
    List<Integer> moved = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      if (!ownerOf(shard, before).equals(ownerOf(shard, after))) {
        moved.add(shard);
      }
    }
    return moved;
  }

  private static boolean beats(long weight, String member, long bestWeight, String bestMember) {
    int byWeight = Long.compareUnsigned(weight, bestWeight);
    return byWeight > 0 || byWeight == 0 && member.compareTo(bestMember) > 0;
  }

  static long weight(long memberHash, int shard) {
    return mix(memberHash ^ SHARD_SALT * (shard + 1L));
  }

  /** FNV-1a over the UTF-8 bytes of the id, then mixed, so that similar ids get unrelated hashes. */
  static long memberHash(String member) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  /** The 64-bit finalizer of MurmurHash3: every input bit affects every output bit. */
  private static long mix(long value) {
    long z = value;
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z;
  }
}
