package io.openclaw.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast cluster manager of a region, able to tell more than one listener about members joining and
 * leaving. The cluster manager keeps a single node listener, which Vert.x itself installs for its HA
 * bookkeeping; replacing it would break that, so the one Vert.x installs is wrapped and the region's own
 * listeners are told after it. By then the cluster manager has already removed a departed member's
 * event-bus registrations, so a listener that looks at the subscriptions sees the cleaned state.
 */
public final class RegionClusterManager extends HazelcastClusterManager {
  private static final Logger LOG = LoggerFactory.getLogger(RegionClusterManager.class);

  /** The member attribute that marks a member as an OpenClaw node, one that can own bucket shards. */
  static final String ROLE_ATTRIBUTE = "openclaw.role";
  static final String NODE_ROLE = "node";
  /** Where the Vert.x cluster manager keeps a member's node id, the one {@link #getNodes()} lists. */
  static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean fanOutInstalled;
  private volatile boolean unmarkedWarned;

  public RegionClusterManager(Config config) {
    super(markedAsNode(config));
  }

  private static Config markedAsNode(Config config) {
    config.getMemberAttributeConfig().setAttribute(ROLE_ATTRIBUTE, NODE_ROLE);
    return config;
  }

  /**
   * The members that are OpenClaw nodes, in the order of {@link #getNodes()}. Other members of the region's
   * cluster, such as an application that only listens for the failover events, have no bucket verticles and
   * must never be given a shard. Should this node not find its own mark (a cluster manager that keeps node
   * ids elsewhere), every member counts, as before members were marked.
   */
  public List<String> openClawNodes() {
    Set<String> marked = new HashSet<>();
    for (Member member : getHazelcastInstance().getCluster().getMembers()) {
      if (NODE_ROLE.equals(member.getAttribute(ROLE_ATTRIBUTE))) {
        marked.add(member.getAttribute(VERTX_NODE_ID_ATTRIBUTE));
      }
    }
    List<String> nodes = new ArrayList<>(getNodes());
    if (!marked.contains(getNodeId())) {
      if (!unmarkedWarned) {
        unmarkedWarned = true;
        LOG.warn("Cannot tell OpenClaw nodes from other cluster members, every member may own shards");
      }
      return nodes;
    }
    nodes.retainAll(marked);
    return nodes;
  }

  @Override
  public void nodeListener(NodeListener vertxListener) {
    fanOutInstalled = true;
    super.nodeListener(new FanOut(vertxListener));
  }

  /** Adds a listener; its methods run on a Hazelcast event thread and must not block. */
  public void addMembershipListener(NodeListener listener) {
    if (!fanOutInstalled) {
      nodeListener(null);
    }
    listeners.add(listener);
  }

  public void removeMembershipListener(NodeListener listener) {
    listeners.remove(listener);
  }

  private final class FanOut implements NodeListener {
    private final NodeListener vertxListener;

    FanOut(NodeListener vertxListener) {
      this.vertxListener = vertxListener;
    }

    @Override
    public void nodeAdded(String nodeId) {
      tellAll(nodeId, true);
    }

    @Override
    public void nodeLeft(String nodeId) {
      tellAll(nodeId, false);
    }

    private void tellAll(String nodeId, boolean added) {
      if (vertxListener != null) {
        notify(vertxListener, nodeId, added);
      }
      for (NodeListener listener : listeners) {
        notify(listener, nodeId, added);
      }
    }

    private void notify(NodeListener listener, String nodeId, boolean added) {
      try {
        if (added) {
          listener.nodeAdded(nodeId);
        } else {
          listener.nodeLeft(nodeId);
        }
      } catch (RuntimeException e) {
        LOG.error("Membership listener failed, the other listeners are still told: member={} joined={}",
            nodeId, added, e);
      }
    }
  }
}
