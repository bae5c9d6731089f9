package io.openclaw.store;

/** One bucket: a client of a service. */
public record BucketKey(String service, String clientId) {

  /**
   * The Redis key: {@code <prefix>:{<service>:<client>}}. The braces make the whole bucket id the hash tag,
   * so a bucket lives in one slot; '%', '{', '}' and ':' in the client id are percent-escaped so that no two
   * buckets can share a key and no client id can end the hash tag early.
   */
  public String redisKey(String prefix) {
    return prefix + ":{" + service + ":" + escape(clientId) + "}";
  }

  static String escape(String clientId) {
    StringBuilder escaped = null;
    for (int i = 0; i < clientId.length(); i++) {
      char c = clientId.charAt(i);
      String replacement = switch (c) {
        case '%' -> "%25";
        case ':' -> "%3A";
        case '{' -> "%7B";
        case '}' -> "%7D";
        default -> null;
      };
      if (replacement != null && escaped == null) {
        escaped = new StringBuilder(clientId.length() + 8).append(clientId, 0, i);
      }
      if (escaped != null) {
        if (replacement != null) {
          escaped.append(replacement);
        } else {
          escaped.append(c);
        }
      }
    }
    return escaped == null ? clientId : escaped.toString();
  }

  /** The shard that owns this bucket; the same on every node, since it depends only on the key. */
  public int shard(int shards) {
    int hash = service.hashCode() * 31 + clientId.hashCode();
    hash ^= hash >>> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >>> 13;
    return Math.floorMod(hash, shards);
  }
}
