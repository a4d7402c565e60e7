package io.shiftrec.ingest;

/**
 * One rejected input row: the file name (without folder), its 1-based line (the first line of a multi-line CSV
 * record) and what is wrong, naming the field, e.g. {@code field 'timestamp': expected ISO-8601 or Unix seconds,
 * got 'yesterday'}. {@code implausibleField}: when the row is well formed but a value breaks
 * {@link io.shiftrec.core.Plausible}'s rules (a rating of 42, a timestamp before 1970, an id no URL can carry), the
 * field holding it; else null.
 */
public record RowError(String file, long line, String reason, String implausibleField) {
  public RowError(String file, long line, String reason) {
    this(file, line, reason, null);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
