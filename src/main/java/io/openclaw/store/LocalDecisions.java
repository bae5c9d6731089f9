package io.openclaw.store;

import io.openclaw.bucket.Decision;
import java.util.ArrayList;

/** Decisions taken from this node's memory during an outage of the global store, so answered as local. */
public final class LocalDecisions extends ArrayList<Decision> {
  public LocalDecisions(int size) {
    super(size);
  }
}
