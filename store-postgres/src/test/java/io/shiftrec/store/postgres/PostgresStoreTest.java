package io.shiftrec.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.Stores;
import io.shiftrec.store.StoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract against a real PostgreSQL server (see {@link PostgresTestDatabases}): each test has a database
 * of its own, named after its folder, so reopening the folder reopens the database. Then what only a server store
 * has: other processes writing at once, text PostgreSQL refuses, reading a large table in batches.
 */
class PostgresStoreTest extends StoreContract {
  @RegisterExtension static final PostgresTestDatabases databases = new PostgresTestDatabases();

  @Override
  protected Store open(Path dir) {
    return PostgresStore.open(databases.urlFor(dir));
  }

  private static Item item(String id) {
    return new Item(id, "movies", "Title " + id, null, List.of(), "en", Map.of());
  }

  private static Event view(String user, String item, long ts) {
    return new Event(user, item, EventType.VIEW, Double.NaN, ts, null, "movies", null, Map.of());
  }

  @Test
  void isFoundByItsUrlAndLogsNoPassword() {
    String url = databases.urlFor("found");
    try (Store s = Stores.open(url)) {
      assertInstanceOf(PostgresStore.class, s);
      assertEquals("PostgresStore[" + Stores.describe(url) + "]", s.toString());
    }
    assertEquals("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true",
        Stores.describe("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"));
    assertEquals("postgresql://u:***@h/db", Stores.describe("postgresql://u:s3cret@h/db"));
  }

  @Test
  void aMissingDatabaseIsAnErrorThatNamesIt() {
    String url = PostgresTestDatabases.withDatabase(databases.urlFor("missing"), "shiftrec_no_such_database");
    StoreException e = assertThrows(StoreException.class, () -> Stores.openExisting(url));
    assertTrue(e.getMessage().contains("shiftrec_no_such_database"), e.getMessage());
  }

  /** PostgreSQL keeps no NUL in text: the write is refused, naming the row and field, and the transaction lives on. */
  @Test
  void textWithANulCharacterIsRefusedClearly() {
    try (Store.Transaction tx = store.begin()) {
      StoreException e = assertThrows(StoreException.class, () -> tx.upsertItems(List.of(
          new Item("m1", "movies", "Al\0ien", null, List.of(), "en", Map.of()))));
      assertTrue(e.getMessage().contains("item 'm1'") && e.getMessage().contains("'title'")
          && e.getMessage().contains("U+0000"), e.getMessage());
      tx.upsertItems(List.of(new Item("m2", "movies", "Heat", null, List.of(), "en", Map.of("note", "a\0b"))));
      tx.commit();
    }
    assertEquals("a\0b", store.item("m2").orElseThrow().attributes().get("note"), "JSON keeps it, escaped");
    assertTrue(store.item("m1").isEmpty());
  }

  /**
   * Two processes (two stores, two pools) write at once: the second writer waits for the first to commit, so the
   * watermark a follower reads never passes a write still to come.
   */
  @Test
  void writersOfSeveralProcessesTakeTurns() throws Exception {
    String url = databases.urlFor("turns");
    try (Store a = PostgresStore.open(url); Store b = PostgresStore.open(url)) {
      try (Store.Transaction tx = a.begin()) {
        tx.upsertItems(List.of(item("m1"), item("m2")));
        tx.commit();
      }
      CountDownLatch firstWrote = new CountDownLatch(1);
      CountDownLatch secondMayCommit = new CountDownLatch(1);
      CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
        try (Store.Transaction tx = a.begin()) {
          tx.insertEvents(List.of(view("u1", "m1", 100)));
          firstWrote.countDown();
          await(secondMayCommit);
          tx.commit();
        }
      });
      assertTrue(firstWrote.await(30, TimeUnit.SECONDS));
      CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
        try (Store.Transaction tx = b.begin()) {
          tx.insertEvents(List.of(view("u2", "m2", 200)));
          tx.commit();
        }
        return b.watermark().eventSeq();
      });
      Thread.sleep(300);
      assertFalse(second.isDone(), "the second writer waits for the first");
      assertEquals(0, b.watermark().eventSeq(), "nothing committed yet");
      secondMayCommit.countDown();
      first.get(30, TimeUnit.SECONDS);
      long after = second.get(30, TimeUnit.SECONDS);
      assertEquals(java.util.Set.of("u1", "u2"), b.usersWithEventsAfter(0));
      assertEquals(java.util.Set.of("u2"), a.usersWithEventsAfter(after - 1), "the later writer's events come later");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A thread whose transaction is open would wait for itself; it is told instead. */
  @Test
  void aSecondWriteOfTheSameThreadIsRefusedNotLeftWaiting() {
    try (Store.Transaction tx = store.begin()) {
      assertThrows(IllegalStateException.class, store::begin);
      assertThrows(IllegalStateException.class, () -> store.putApiKey(new Store.ApiKey("k", new byte[] {1}, "read",
          null, 1)));
      tx.commit();
    }
    store.putApiKey(new Store.ApiKey("k", new byte[] {1}, "read", null, 1));
    assertEquals(1, store.apiKeys().size());
  }

  /** Every event, more than one fetch of rows, still grouped by user in clock order. */
  @Test
  void everyEventIsReadInBatchesInOrder() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) items.add(item("m" + i));
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) events.add(view("u" + (i % 7), "m" + (i % 50), 1_000_000 - i));
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(items);
      assertEquals(2_500, tx.insertEvents(events));
      tx.commit();
    }
    List<Event> expected = new ArrayList<>();
    for (var user : store.users()) expected.addAll(store.eventsOf(user.id()));
    List<Event> all = new ArrayList<>();
    store.forEachEvent(all::add);
    assertEquals(2_500, all.size());
    assertEquals(expected, all);
  }

  /** Servers started together on an empty database: Flyway's lock lets one make the tables, the others find them. */
  @Test
  void storesOpenedAtOnceOnAnEmptyDatabaseAgreeOnTheSchema() throws Exception {
    String url = databases.urlFor("at-once");
    List<CompletableFuture<Store>> opening = new ArrayList<>();
    for (int i = 0; i < 3; i++) opening.add(CompletableFuture.supplyAsync(() -> PostgresStore.open(url)));
    List<Store> opened = new ArrayList<>();
    try {
      for (CompletableFuture<Store> f : opening) opened.add(f.get(60, TimeUnit.SECONDS));
      try (Store.Transaction tx = opened.get(0).begin()) {
        tx.upsertItems(List.of(item("m1")));
        tx.commit();
      }
      assertEquals(1, opened.get(2).counts().items());
    } finally {
      for (Store s : opened) s.close();
    }
  }
}
