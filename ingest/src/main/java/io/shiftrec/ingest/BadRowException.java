package io.shiftrec.ingest;

/** A row failed validation; the message becomes the {@link RowError} reason. No stack trace: it is control flow. */
final class BadRowException extends Exception {
  private static final long serialVersionUID = 1L;

  BadRowException(String reason) {
    super(reason, null, false, false);
  }
}
