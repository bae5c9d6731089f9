package io.openclaw.node;

import java.util.Locale;

/** Who decided: Redis (global), this node's memory during an outage (local), or a node without sync. */
public enum Mode {
  GLOBAL, LOCAL, STANDALONE;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in answers, logs and metric labels. */
  public String label() {
    return label;
  }
}
