package io.shiftrec.core;

/** A store operation failed; the message says which and why. Nothing of the failed write is kept. */
public final class StoreException extends RuntimeException {
  private final boolean outOfSpace;

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /** @param outOfSpace the store's disk (or its size limit) is full: the write failed for want of room */
  public StoreException(String message, Throwable cause, boolean outOfSpace) {
    super(message, cause);
    this.outOfSpace = outOfSpace;
  }

  /** Whether the write failed because the store had no room left; it may succeed once room is made. */
  public boolean outOfSpace() {
    return outOfSpace;
  }
}
