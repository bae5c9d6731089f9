package io.openclaw.store;

/** Told of every round trip a global store makes, to time it and to notice that Redis is gone. */
public interface SyncObserver {
  SyncObserver NONE = new SyncObserver() {
    @Override
    public void succeeded(long nanos) {
    }

    @Override
    public void failed(Throwable cause) {
    }
  };

  /** A round trip answered in {@code nanos}. Called on the store's context. */
  void succeeded(long nanos);

  /** A round trip failed: error, closed connection or timeout. Called on the store's context. */
  void failed(Throwable cause);
}
