package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;

/**
 * Where a {@link DatasetReader} puts what it reads. Readers deliver every item before the first event, and a user
 * row (when the format has one) before that user's events.
 */
interface ImportSink {
  void item(Item item);

  void user(User user);

  /** {@code file} and {@code line} locate the row, for errors found after reading (such as an unknown item). */
  void event(Event event, String file, long line);

  void error(RowError error);

  /** Something the user should know about how the data was read (not an error). */
  void note(String note);
}
