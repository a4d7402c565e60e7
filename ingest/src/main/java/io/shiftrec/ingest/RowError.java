package io.shiftrec.ingest;

/**
 * One rejected input row: the file name (without folder), its 1-based line (the first line of a multi-line CSV
 * record) and what is wrong, naming the field, e.g. {@code field 'timestamp': expected ISO-8601 or Unix seconds,
 * got 'yesterday'}.
 */
public record RowError(String file, long line, String reason) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
