package io.openclaw.store;

/** The global store could not be asked at all (no connection), so nothing was decided. */
public final class SyncUnavailableException extends RuntimeException {
  public SyncUnavailableException(String message) {
    super(message, null, false, false);
  }
}
