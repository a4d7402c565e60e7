package io.shiftrec.ingest;

/**
 * A row failed validation; the message becomes the {@link RowError} reason. No stack trace: it is control flow.
 * {@code implausible}: the row is well formed but a value breaks {@link io.shiftrec.core.Plausible}'s rules.
 */
final class BadRowException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean implausible;

  BadRowException(String reason) {
    this(reason, false);
  }

  private BadRowException(String reason, boolean implausible) {
    super(reason, null, false, false);
    this.implausible = implausible;
  }

  /** A well-formed value that cannot be true or cannot be served. */
  static BadRowException implausible(String field, String problem) {
    return new BadRowException(Values.field(field) + problem, true);
  }

  boolean implausible() {
    return implausible;
  }
}
