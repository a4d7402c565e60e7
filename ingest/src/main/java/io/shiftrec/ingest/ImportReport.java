package io.shiftrec.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one import. {@code read} counts valid rows found in the files; {@code stored} counts rows written:
 * items and users are upserts (so every valid one counts), events count only those new to the store, and users
 * created because an event named them count as stored users. {@code errors} lists at most
 * {@link #MAX_LISTED_ERRORS} bad rows; {@code errorCount} is the total.
 */
public record ImportReport(ImportFormat format, Tally items, Tally users, Tally events, long errorCount,
                           List<RowError> errors, List<String> notes, boolean committed, Duration elapsed) {
  public static final int MAX_LISTED_ERRORS = 1_000;

  public record Tally(long read, long stored) {}

  public ImportReport {
    errors = List.copyOf(errors);
    notes = List.copyOf(notes);
  }

  /** One line for the CLI, e.g. {@code movielens: read 3,883 items, … ; stored …; 0 bad rows; 4.2 s}. */
  public String summary() {
    String read = String.format(Locale.ROOT, "read %,d items, %,d users, %,d events",
        items.read, users.read, events.read);
    String outcome = committed
        ? String.format(Locale.ROOT, "stored %,d items, %,d users, %,d new events; %,d bad rows%s",
            items.stored, users.stored, events.stored, errorCount, errorCount > 0 ? " skipped" : "")
        : String.format(Locale.ROOT, "rejected, nothing written: %,d bad rows", errorCount);
    return String.format(Locale.ROOT, "%s: %s; %s; %.1f s", format.wireName(), read, outcome,
        elapsed.toMillis() / 1000.0);
  }
}
