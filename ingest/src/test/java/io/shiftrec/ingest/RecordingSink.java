package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.User;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Keeps everything a reader delivers, for tests that need no store. */
final class RecordingSink implements ImportSink {
  final List<Item> items = new ArrayList<>();
  final List<User> users = new ArrayList<>();
  final List<Event> events = new ArrayList<>();
  final List<RowError> errors = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  /** Set when an item arrives after an event, which readers promise never happens. */
  boolean itemAfterEvent;

  static RecordingSink read(ImportFormat format, Path dir) throws IOException {
    RecordingSink sink = new RecordingSink();
    format.reader().read(new DataFiles(dir, "test", Progress.NONE), sink);
    return sink;
  }

  @Override
  public void item(Item item) {
    if (!events.isEmpty()) itemAfterEvent = true;
    items.add(item);
  }

  @Override
  public void user(User user) {
    users.add(user);
  }

  @Override
  public void event(Event event, String file, long line) {
    events.add(event);
  }

  @Override
  public void error(RowError error) {
    errors.add(error);
  }

  @Override
  public void note(String note) {
    notes.add(note);
  }
}
