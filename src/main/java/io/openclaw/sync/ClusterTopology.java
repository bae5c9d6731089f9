package io.openclaw.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The masters of a Redis Cluster with the slots they serve and their live replicas, read from the text of
 * {@code CLUSTER NODES}. Nodes flagged {@code fail}, {@code noaddr} or {@code handshake} are left out, and so
 * are masters that serve no slot (an empty master, or one whose slots moved to its promoted replica).
 */
public record ClusterTopology(List<Master> masters) {

  /** A master ("host:port") with its first served slot and the addresses of its live replicas. */
  public record Master(String address, String id, int firstSlot, List<String> replicas) {
  }

  private record Line(String id, String address, Set<String> flags, String masterId, int firstSlot) {
  }

  /** Parses {@code CLUSTER NODES}; masters come sorted by address, replicas too. */
  public static ClusterTopology parse(String clusterNodes) {
    Map<String, Line> byId = new LinkedHashMap<>();
    for (String raw : clusterNodes.split("\n")) {
      Line line = parseLine(raw.strip());
      if (line != null) {
        byId.put(line.id(), line);
      }
    }
    List<Master> masters = new ArrayList<>();
    for (Line line : byId.values()) {
      if (line.flags().contains("master") && line.firstSlot() >= 0) {
        masters.add(new Master(line.address(), line.id(), line.firstSlot(), replicasOf(line.id(), byId)));
      }
    }
    masters.sort(Comparator.comparing(Master::address));
    return new ClusterTopology(List.copyOf(masters));
  }

  private static List<String> replicasOf(String masterId, Map<String, Line> byId) {
    Set<String> replicas = new TreeSet<>();
    for (Line line : byId.values()) {
      if (line.flags().contains("slave") && masterId.equals(line.masterId())) {
        replicas.add(line.address());
      }
    }
    return List.copyOf(replicas);
  }

  /** One node's line, or null for a blank line or a node that cannot be used (failed, no address). */
  private static Line parseLine(String raw) {
    String[] fields = raw.split(" ");
    if (fields.length < 8) {
      return null;
    }
    Set<String> flags = Set.of(fields[2].split(","));
    if (flags.contains("fail") || flags.contains("noaddr") || flags.contains("handshake")) {
      return null;
    }
    String address = fields[1];
    int cut = indexOfAny(address, '@', ',');
    address = cut < 0 ? address : address.substring(0, cut);
    if (address.startsWith(":")) {
      return null;
    }
    return new Line(fields[0], address, flags, fields[3], firstSlot(fields));
  }

  private static int indexOfAny(String text, char first, char second) {
    int a = text.indexOf(first);
    int b = text.indexOf(second);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  /** The lowest slot in the slot fields ("0-5460", "7000"); migrating markers ("[..]") are not served slots. */
  private static int firstSlot(String[] fields) {
    int first = -1;
    for (int i = 8; i < fields.length; i++) {
      String field = fields[i];
      if (field.isEmpty() || field.startsWith("[")) {
        continue;
      }
      int dash = field.indexOf('-');
      int start = Integer.parseInt(dash < 0 ? field : field.substring(0, dash));
      first = first < 0 ? start : Math.min(first, start);
    }
    return first;
  }

  /** The masters' addresses, in order. */
  public List<String> masterAddresses() {
    return masters.stream().map(Master::address).toList();
  }
}
