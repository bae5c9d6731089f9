package io.openclaw.node;

/**
 * Why a shard could not decide. The code travels as the event-bus failure code; {@link #httpStatus} is
 * the one place that maps it to HTTP.
 */
public enum RateFailure {
  /** The sync backend was found unreachable while deciding this request. */
  SYNC_UNAVAILABLE(503, "sync_unavailable"),
  /** The shard is moving to another node, or no node owns it yet. */
  SHARD_UNAVAILABLE(503, "shard_unavailable"),
  /** The shard did not answer in time. */
  TIMEOUT(503, "timeout"),
  /** A bug: the shard failed in an unexpected way. */
  INTERNAL(500, "internal_error"),
  /**
   * The sync backend did not answer this request's call in time: found unreachable for this request, like
   * {@link #SYNC_UNAVAILABLE}, but the call may still have run. Last, so the codes of the others never change.
   */
  SYNC_TIMEOUT(503, "sync_unavailable");

  private final int httpStatus;
  private final String error;

  RateFailure(int httpStatus, String error) {
    this.httpStatus = httpStatus;
    this.error = error;
  }

  public int code() {
    return 100 + ordinal();
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String error() {
    return error;
  }

  public static RateFailure fromCode(int code) {
    int index = code - 100;
    RateFailure[] all = values();
    return index >= 0 && index < all.length ? all[index] : INTERNAL;
  }
}
