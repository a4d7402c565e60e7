package io.shiftrec.ingest;

/** What an import does with rows that fail validation. */
public enum ErrorPolicy {
  /** Any bad row rejects the whole import: nothing is written, every bad row is reported. The default. */
  REJECT,
  /** Bad rows are left out and reported; the good rows are committed. */
  SKIP
}
