package io.shiftrec.ingest;

import java.io.IOException;

/** Reads one folder layout, streaming rows into a sink and reporting bad rows there too. */
interface DatasetReader {
  /**
   * Resolves the needed files first (a missing required file throws before any row is delivered), then streams.
   * IOExceptions are for unreadable files; bad content goes to {@link ImportSink#error}.
   */
  void read(DataFiles files, ImportSink sink) throws IOException;
}
