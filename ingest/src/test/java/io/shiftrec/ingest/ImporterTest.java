package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import io.shiftrec.store.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generic-format imports into a real SqliteStore: policies, validation against the store, idempotence. */
class ImporterTest {
  @TempDir Path tmp;
  private Store store;

  @BeforeEach
  void open() {
    store = SqliteStore.open(tmp.resolve("store.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void importsJsonLinesAndFillsInDomainsAndUsers() throws IOException {
    ImportReport report = importGeneric(folder("a", GenericReaderTest.ITEMS_JSONL, GenericReaderTest.USERS_JSONL,
        GenericReaderTest.EVENTS_JSONL), ErrorPolicy.REJECT);

    assertTrue(report.committed());
    assertEquals(new ImportReport.Tally(2, 2), report.items());
    assertEquals(new ImportReport.Tally(1, 3), report.users(), "u2 and u3 are created by their events");
    assertEquals(new ImportReport.Tally(5, 5), report.events());
    assertEquals(new Store.Counts(2, 3, 5, 0), store.counts());
    assertEquals(Optional.of(new User("u1", "train", Map.of("country", "NZ"))), store.user("u1"));
    assertEquals(Optional.of(new User("u3", null, Map.of())), store.user("u3"));
    Event rating = store.eventsOf("u1").get(0);
    assertEquals(EventType.RATING, rating.type());
    assertEquals("books", rating.domain(), "domain defaults to the item's");
    assertTrue(report.summary().startsWith("generic: read 2 items, 1 users, 5 events; stored 2 items, 3 users, "
        + "5 new events; 0 bad rows;"), report.summary());
  }

  @Test
  void importsCsv() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("csv"));
    Files.writeString(dir.resolve("items.csv"), "id,domain,title,categories\nb1,books,Dune,sf|classic\n");
    Files.writeString(dir.resolve("events.csv"), "user,item,type,value,timestamp\nu1,b1,rating,5,2021-06-01T12:00:00Z\n");
    ImportReport report = importGeneric(dir, ErrorPolicy.REJECT);
    assertEquals(new Store.Counts(1, 1, 1, 0), store.counts());
    assertEquals(List.of("sf", "classic"), store.item("b1").orElseThrow().categories());
    assertEquals(5.0, store.eventsOf("u1").get(0).value());
    assertEquals(0, report.errorCount());
  }

  @Test
  void eventsMayNameItemsAlreadyInTheStoreButNotUnknownOnes() throws IOException {
    importGeneric(folder("items", GenericReaderTest.ITEMS_JSONL, GenericReaderTest.USERS_JSONL, ""), ErrorPolicy.REJECT);
    Path eventsOnly = folder("events", null, null, """
        {"user": "u1", "item": "b1", "type": "view", "timestamp": 10}
        {"user": "u1", "item": "zz", "type": "view", "timestamp": 11}
        {"user": "u4", "item": "42", "type": "view", "timestamp": 12}
        """);
    ImportRejectedException rejected = assertThrows(ImportRejectedException.class,
        () -> importGeneric(eventsOnly, ErrorPolicy.REJECT));
    assertEquals(List.of(new RowError("events.jsonl", 2,
        "field 'item': unknown item 'zz' (neither in this import nor in the store)")), rejected.report().errors());
    assertFalse(rejected.report().committed());
    assertEquals(0, store.counts().events());

    ImportReport skipped = importGeneric(eventsOnly, ErrorPolicy.SKIP);
    assertEquals(1, skipped.errorCount());
    assertEquals(new ImportReport.Tally(2, 2), skipped.events());
    assertEquals(new Store.Counts(2, 2, 2, 0), store.counts());
    assertEquals(Map.of("country", "NZ"), store.user("u1").orElseThrow().attributes(),
        "a user named by an event keeps the attributes stored earlier");
    assertEquals("food", store.eventsOf("u4").get(0).domain(), "domain of an item that was already stored");
  }

  @Test
  void rejectLeavesTheStoreAsItWasAndReportsEveryBadRow() throws IOException {
    importGeneric(folder("good", GenericReaderTest.ITEMS_JSONL, GenericReaderTest.USERS_JSONL,
        GenericReaderTest.EVENTS_JSONL), ErrorPolicy.REJECT);
    StoreSnapshot before = StoreSnapshot.of(store);

    Path mixed = folder("mixed", """
        {"id": "b1", "domain": "books", "title": "Dune (changed)"}
        {"id": "b2", "domain": "books", "title": "Emma"}
        """, """
        {"id": "u1", "split": "test"}
        """, """
        {"user": "u9", "item": "b2", "type": "view", "timestamp": 1}
        {"user": "u9", "item": "b2", "type": "like", "timestamp": 2}
        {"user": "u9", "item": "b2", "type": "view", "timestamp": "yesterday"}
        {"user": "u9", "item": "b2", "type": "view", "timestamp": 3}
        """);
    ImportRejectedException rejected = assertThrows(ImportRejectedException.class,
        () -> importGeneric(mixed, ErrorPolicy.REJECT));
    ImportReport report = rejected.report();
    assertEquals(2, report.errorCount());
    assertEquals(List.of(2L, 3L), report.errors().stream().map(RowError::line).toList());
    assertTrue(rejected.getMessage().contains("rejected, nothing written: 2 bad rows"), rejected.getMessage());
    assertEquals(before, StoreSnapshot.of(store));
  }

  @Test
  void skipStoresTheGoodRows() throws IOException {
    Path mixed = folder("mixed", GenericReaderTest.ITEMS_JSONL, null, """
        {"user": "u1", "item": "b1", "type": "view", "timestamp": 1}
        {"user": "u1", "item": "b1", "type": "view", "timestamp": "yesterday"}
        not json
        {"user": "u2", "item": "42", "type": "cart", "position": 0}
        """);
    ImportReport report = importGeneric(mixed, ErrorPolicy.SKIP);
    assertTrue(report.committed());
    assertEquals(2, report.errorCount());
    assertEquals(new ImportReport.Tally(2, 2), report.events());
    assertEquals(new Store.Counts(2, 2, 2, 0), store.counts());
    assertTrue(report.summary().contains("2 bad rows skipped"), report.summary());
  }

  @Test
  void reimportingTheSameFilesChangesNothing() throws IOException {
    Path dir = folder("same", GenericReaderTest.ITEMS_JSONL, GenericReaderTest.USERS_JSONL,
        GenericReaderTest.EVENTS_JSONL);
    importGeneric(dir, ErrorPolicy.REJECT);
    StoreSnapshot first = StoreSnapshot.of(store);
    ImportReport again = importGeneric(dir, ErrorPolicy.REJECT);
    ImportReport third = importGeneric(dir, ErrorPolicy.REJECT);
    assertEquals(0, again.events().stored());
    assertEquals(0, third.events().stored());
    assertEquals(first, StoreSnapshot.of(store));
  }

  @Test
  void listedErrorsAreCappedButCounted() throws IOException {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 1_500; i++) events.append("{\"user\": \"u\", \"item\": \"b1\", \"type\": \"wink\", \"timestamp\": 1}\n");
    ImportReport report = importGeneric(folder("many", GenericReaderTest.ITEMS_JSONL, null, events.toString()),
        ErrorPolicy.SKIP);
    assertEquals(1_500, report.errorCount());
    assertEquals(ImportReport.MAX_LISTED_ERRORS, report.errors().size());
  }

  @Test
  void reportsProgressInBytesOfTheFilesRead() throws IOException {
    Path dir = folder("progress", GenericReaderTest.ITEMS_JSONL, GenericReaderTest.USERS_JSONL,
        GenericReaderTest.EVENTS_JSONL);
    Files.writeString(dir.resolve("README.txt"), "not part of the import");
    long[] seen = new long[3]; // total, steps, finishes
    Progress progress = new Progress() {
      @Override public void start(String task, long total) { seen[0] = total; }
      @Override public void step(long done) { seen[1] += done; }
      @Override public void finish() { seen[2]++; }
    };
    Importer.run(store, ImportFormat.GENERIC, dir, ErrorPolicy.REJECT, progress);
    long expected = Files.size(dir.resolve("items.jsonl")) + Files.size(dir.resolve("users.jsonl"))
        + Files.size(dir.resolve("events.jsonl"));
    assertArrayEquals(new long[] {expected, expected, 1}, seen);
  }

  @Test
  void aMissingFileFailsWithoutWriting() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> Importer.run(store, ImportFormat.MOVIELENS, empty, ErrorPolicy.REJECT, Progress.NONE));
    assertTrue(e.getMessage().endsWith("missing movies.dat (optionally gzipped)"), e.getMessage());
    assertEquals(new Store.Counts(0, 0, 0, 0), store.counts());
  }

  private ImportReport importGeneric(Path dir, ErrorPolicy policy) throws IOException {
    return Importer.run(store, ImportFormat.GENERIC, dir, policy, Progress.NONE);
  }

  /** A generic-format folder; null leaves a file out. */
  private Path folder(String name, String items, String users, String events) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    if (items != null) Files.writeString(dir.resolve("items.jsonl"), items);
    if (users != null) Files.writeString(dir.resolve("users.jsonl"), users);
    Files.writeString(dir.resolve("events.jsonl"), events);
    return dir;
  }
}
