package io.shiftrec.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generic-format rows that arrive together as one JSON array (a request to the server) instead of files. Each row is
 * validated as an import validates it, and the batch is written in one transaction: all of it, or nothing when any
 * row is bad. A {@link RowError} of a batch names the array ({@code items} or {@code events}) as its file and the
 * row's 1-based position as its line.
 */
public final class GenericBatch {
  public static final String ITEMS = "items";
  public static final String EVENTS = "events";
  public static final String USERS = "users";

  private GenericBatch() {}

  /**
   * Inserts or replaces items and returns them as stored.
   *
   * @throws ImportRejectedException when a row is bad; nothing is written
   */
  public static List<Item> upsertItems(Store store, List<JsonNode> rows) {
    long start = System.nanoTime();
    List<RowError> errors = new ArrayList<>();
    List<Item> items = read(rows, ITEMS, GenericReader.ITEM_FIELDS, GenericReader::item, errors);
    write(store, new HashMap<>(), new HashSet<>(), start, writer -> {
      errors.forEach(writer::error);
      items.forEach(writer::item);
    });
    return items;
  }

  /**
   * Inserts or replaces users (their split and attributes; their events stay) and returns them as stored.
   *
   * @throws ImportRejectedException when a row is bad; nothing is written
   */
  public static List<User> upsertUsers(Store store, List<JsonNode> rows) {
    long start = System.nanoTime();
    List<RowError> errors = new ArrayList<>();
    List<User> users = read(rows, USERS, GenericReader.USER_FIELDS, GenericReader::user, errors);
    write(store, new HashMap<>(), new HashSet<>(), start, writer -> {
      errors.forEach(writer::error);
      users.forEach(writer::user);
    });
    return users;
  }

  /** What an event batch wrote: the report, and the batch's events as read (duplicates of stored ones included). */
  public record Inserted(ImportReport report, List<Event> events) {}

  /**
   * Inserts events of items the store holds, creating the users they name; events already stored are skipped.
   *
   * @throws ImportRejectedException when a row is bad or names an unknown item; nothing is written
   */
  public static Inserted insertEvents(Store store, List<JsonNode> rows) {
    long start = System.nanoTime();
    List<Event> events = new ArrayList<>(rows.size());
    List<Long> lines = new ArrayList<>(rows.size());
    List<RowError> errors = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      try {
        events.add(GenericReader.event(row(rows.get(i), GenericReader.EVENT_FIELDS)));
        lines.add(i + 1L);
      } catch (BadRowException e) {
        errors.add(new RowError(EVENTS, i + 1L, e.getMessage(), e.implausibleField()));
      }
    }
    // Only the items and users this batch names are looked up, not the whole store.
    Map<String, String> domainByItem = new HashMap<>();
    Set<String> knownUsers = new HashSet<>();
    for (Event e : events) {
      if (e.item() != null && !domainByItem.containsKey(e.item())) {
        store.item(e.item()).ifPresent(item -> domainByItem.put(item.id(), item.domain()));
      }
      if (!knownUsers.contains(e.user())) store.user(e.user()).ifPresent(user -> knownUsers.add(user.id()));
    }
    ImportReport report = write(store, domainByItem, knownUsers, start, writer -> {
      errors.forEach(writer::error);
      for (int i = 0; i < events.size(); i++) writer.event(events.get(i), EVENTS, lines.get(i));
    });
    return new Inserted(report, List.copyOf(events));
  }

  private interface RowReader<T> {
    T read(GenericRow row) throws BadRowException;
  }

  /** The rows read as {@code reader} reads them; a bad row adds its error (named by array and position) instead. */
  private static <T> List<T> read(List<JsonNode> rows, String name, List<String> fields, RowReader<T> reader,
                                  List<RowError> errors) {
    List<T> read = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      try {
        read.add(reader.read(row(rows.get(i), fields)));
      } catch (BadRowException e) {
        errors.add(new RowError(name, i + 1L, e.getMessage(), e.implausibleField()));
      }
    }
    return read;
  }

  private static GenericRow.Json row(JsonNode node, List<String> fields) throws BadRowException {
    if (node == null || !node.isObject()) {
      throw new BadRowException("expected a JSON object, got " + (node == null ? "nothing" : GenericRow.describe(node)));
    }
    GenericRow.Json row = new GenericRow.Json(node);
    row.requireOnly(fields);
    return row;
  }

  private static ImportReport write(Store store, Map<String, String> domainByItem, Set<String> knownUsers,
                                    long start, Importer.Rows rows) {
    try {
      return Importer.write(store, ImportFormat.GENERIC, ErrorPolicy.REJECT, domainByItem, knownUsers, start, rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // rows in memory are never read from a file
    }
  }
}
