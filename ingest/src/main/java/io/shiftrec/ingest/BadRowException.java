package io.shiftrec.ingest;

/**
 * A row failed validation; the message becomes the {@link RowError} reason. No stack trace: it is control flow.
 * {@code implausibleField}: the field whose well-formed value breaks {@link io.shiftrec.core.Plausible}'s rules, or
 * null.
 */
final class BadRowException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String implausibleField;

  BadRowException(String reason) {
    this(reason, null);
  }

  private BadRowException(String reason, String implausibleField) {
    super(reason, null, false, false);
    this.implausibleField = implausibleField;
  }

  /** A well-formed value that cannot be true or cannot be served. */
  static BadRowException implausible(String field, String problem) {
    return new BadRowException(Values.field(field) + problem, field);
  }

  String implausibleField() {
    return implausibleField;
  }
}
