package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Plausible;
import io.shiftrec.core.User;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The generic format of CONTRACT.md: items.jsonl|csv, users.jsonl|csv, events.jsonl|csv, each may be gzipped. Only
 * events are required: items and users may already be in the store. Fields outside the format are errors, so a
 * misspelt optional field is not dropped silently.
 */
final class GenericReader implements DatasetReader {
  static final List<String> ITEM_FIELDS =
      List.of("id", "domain", "title", "text", "categories", "language", "attributes");
  static final List<String> USER_FIELDS = List.of("id", "split", "attributes");
  static final List<String> EVENT_FIELDS =
      List.of("user", "item", "type", "value", "timestamp", "position", "domain", "text", "context");
  private static final Set<String> SPLITS = Set.of("train", "valid", "test");

  @FunctionalInterface
  private interface RowHandler {
    void accept(GenericRow row, long line) throws BadRowException;
  }

  @Override
  public void read(DataFiles files, ImportSink sink) throws IOException {
    Optional<Path> items = files.find("items.jsonl", "items.csv");
    Optional<Path> users = files.find("users.jsonl", "users.csv");
    Path events = files.require("events.jsonl", "events.csv");
    files.startProgress();
    if (items.isPresent()) {
      read(files, items.get(), ITEM_FIELDS, List.of("id", "domain", "title"), sink,
          (row, line) -> sink.item(item(row)));
    }
    if (users.isPresent()) {
      read(files, users.get(), USER_FIELDS, List.of("id"), sink, (row, line) -> sink.user(user(row)));
    }
    String eventsName = DataFiles.name(events);
    read(files, events, EVENT_FIELDS, List.of("user", "type"), sink,
        (row, line) -> sink.event(event(row), eventsName, line));
  }

  private static void read(DataFiles files, Path file, List<String> fields, List<String> requiredColumns,
                           ImportSink sink, RowHandler handler) throws IOException {
    if (DataFiles.name(file).contains(".jsonl")) {
      RowFiles.jsonLines(files, file, sink, (node, line) -> {
        GenericRow.Json row = new GenericRow.Json(node);
        row.requireOnly(fields);
        handler.accept(row, line);
      });
    } else {
      RowFiles.csv(files, file, RowFiles.CSV, requiredColumns, fields, sink,
          (record, line) -> handler.accept(new GenericRow.Csv(record), line));
    }
  }

  static Item item(GenericRow row) throws BadRowException {
    return new Item(row.id("id", true), row.text("domain", true), row.text("title", true), row.text("text", false),
        row.list("categories"), row.text("language", false), row.object("attributes"));
  }

  static User user(GenericRow row) throws BadRowException {
    String split = row.text("split", false);
    if (split != null && !SPLITS.contains(split)) {
      throw new BadRowException(Values.field("split") + "expected train, valid or test, got " + Values.quote(split));
    }
    return new User(row.id("id", true), split, row.object("attributes"));
  }

  /** The domain is left null when absent; the importer fills in the item's. */
  static Event event(GenericRow row) throws BadRowException {
    String user = row.id("user", true);
    EventType type;
    try {
      type = EventType.parse(row.text("type", true));
    } catch (IllegalArgumentException e) {
      throw new BadRowException(Values.field("type") + e.getMessage());
    }
    String item = row.id("item", type != EventType.SEARCH);
    double value = row.number("value");
    if (type == EventType.RATING && Double.isNaN(value)) {
      throw new BadRowException(Values.field("value") + "a rating needs a number");
    }
    String valueProblem = Plausible.valueProblem(type, value);
    if (valueProblem != null) throw BadRowException.implausible("value", valueProblem);
    Long timestamp = row.timestamp("timestamp");
    String timeProblem = timestamp == null ? null
        : Plausible.timestampProblem(timestamp, System.currentTimeMillis() / 1000);
    if (timeProblem != null) throw BadRowException.implausible("timestamp", timeProblem);
    Long position = row.position("position");
    if (timestamp == null && position == null) {
      throw new BadRowException("missing field 'timestamp' or 'position': an event needs one of them");
    }
    return new Event(user, item, type, value, timestamp, position, row.text("domain", false),
        row.text("text", false), row.object("context"));
  }
}
