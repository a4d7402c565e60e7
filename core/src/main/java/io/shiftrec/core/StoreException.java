package io.shiftrec.core;

/** A store operation failed; the message says which and why. Nothing of the failed write is kept. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
