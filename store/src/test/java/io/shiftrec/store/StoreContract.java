package io.shiftrec.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Store} implementation must do. A new implementation extends this class and says how to open a
 * store at a location; reopening the same location must give back what was committed.
 */
public abstract class StoreContract {
  @TempDir Path dir;
  protected Store store;

  /** Opens the store kept at {@code dir}; called again with the same dir to test restarts. */
  protected abstract Store open(Path dir);

  @BeforeEach
  void openStore() {
    store = open(dir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static Item item(String id, String domain, String title) {
    return new Item(id, domain, title, "about " + title, List.of("Drama", "Sci-Fi"), "en", Map.of("year", 1999));
  }

  static Event rating(String user, String item, double stars, long ts) {
    return new Event(user, item, EventType.RATING, stars, ts, null, "movies", null, Map.of());
  }

  private void seed() {
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m1", "movies", "Alien"), item("m2", "movies", "Heat"),
          new Item("b1", "books", "三体", "刘慈欣的科幻小说", List.of("科幻"), "zh", Map.of())));
      tx.upsertUsers(List.of(new User("u1", "train", Map.of("age", 25))));
      tx.insertEvents(List.of(rating("u1", "m2", 4, 200), rating("u1", "m1", 5, 100),
          new Event("u2", "b1", EventType.REVIEW, Double.NaN, null, 0L, "books", "好看", Map.of("device", "phone"))));
      tx.commit();
    }
  }

  @Test
  void storesAndReadsBackItemsUsersAndEvents() {
    seed();
    assertEquals(new Store.Counts(3, 2, 3, 0), store.counts());
    Item b1 = store.item("b1").orElseThrow();
    assertEquals("三体", b1.title());
    assertEquals(List.of("科幻"), b1.categories());
    assertEquals(1999, ((Number) store.item("m1").orElseThrow().attributes().get("year")).intValue());
    assertEquals(List.of("b1", "m1", "m2"), store.items().stream().map(Item::id).toList());
    assertEquals(25, ((Number) store.user("u1").orElseThrow().attributes().get("age")).intValue());
    assertTrue(store.user("u2").isPresent(), "an event's user is created with it");
    assertTrue(store.item("nope").isEmpty());
    assertTrue(store.eventsOf("nobody").isEmpty());
  }

  @Test
  void eventsComeBackInClockOrderGroupedByUser() {
    seed();
    assertEquals(List.of("m1", "m2"), store.eventsOf("u1").stream().map(Event::item).toList());
    List<String> seen = new ArrayList<>();
    store.forEachEvent(e -> seen.add(e.user() + ":" + e.item()));
    assertEquals(List.of("u1:m1", "u1:m2", "u2:b1"), seen);
    Event review = store.eventsOf("u2").get(0);
    assertEquals("好看", review.text());
    assertEquals(0L, review.position());
    assertFalse(review.hasValue());
    assertEquals("phone", review.context().get("device"));
  }

  @Test
  void deletingAUserRemovesTheUserAndEveryEventOfTheirsOnly() {
    seed();
    long deletionsBefore = store.watermark().userDeletions();
    try (Store.Transaction tx = store.begin()) {
      assertTrue(tx.deleteUser("u1"));
      assertFalse(tx.deleteUser("nobody"));
      tx.commit();
    }
    assertEquals(deletionsBefore + 1, store.watermark().userDeletions(), "the watermark counts the deletion");
    assertTrue(store.user("u1").isEmpty());
    assertTrue(store.eventsOf("u1").isEmpty());
    assertEquals(1, store.eventsOf("u2").size());
    Store.Counts c = store.counts();
    assertEquals(1, c.users());
    assertEquals(1, c.events());
    assertEquals(3, c.items());
  }

  @Test
  void deletedEmbeddingsAreGoneAndOthersStay() {
    store.putEmbeddings("m", Map.of("h1", new float[] {1f, 0f}, "h2", new float[] {0f, 1f}));
    try (Store.Transaction tx = store.begin()) {
      tx.deleteEmbeddings("m", List.of("h1", "never-stored"));
      tx.deleteEmbeddings("other-model", List.of("h2"));
      tx.commit();
    }
    assertEquals(java.util.Set.of("h2"), store.embeddings("m", List.of("h1", "h2")).keySet());
  }

  @Test
  void reinsertingTheSameEventsIsIdempotent() {
    seed();
    try (Store.Transaction tx = store.begin()) {
      assertEquals(0, tx.insertEvents(List.of(rating("u1", "m1", 5, 100))));
      assertEquals(1, tx.insertEvents(List.of(rating("u1", "m1", 5, 300))));
      tx.commit();
    }
    assertEquals(4, store.counts().events());
  }

  /** Rows an older version stored against the rules: skipped when read, listed, and set aside on request. */
  @Test
  void implausibleRowsAreSkippedListedAndSetAside() {
    seed();
    String longId = "u".repeat(300);
    try (Store.Transaction tx = store.begin()) {
      tx.insertEvents(List.of(rating("u1", "m1", 1e308, 300), rating("u1", "m2", 4, 1_000_000_000_000_000_000L),
          rating(longId, "m1", 4, 300)));
      tx.commit();
    }
    assertEquals(2, store.eventsOf("u1").size(), "the two bad events of u1 are skipped");
    List<Event> all = new ArrayList<>();
    store.forEachEvent(all::add);
    assertEquals(3, all.size());
    List<Store.ImplausibleRow> found = store.implausibleRows(false);
    assertEquals(List.of("events", "events", "events", "users"), found.stream().map(Store.ImplausibleRow::table).toList());
    assertTrue(found.get(0).problem().startsWith("field 'value'"), found.toString());
    assertTrue(found.get(1).problem().startsWith("field 'timestamp'"), found.toString());
    assertTrue(found.get(2).problem().startsWith("field 'user'"), found.toString());
    assertEquals(6, store.counts().events(), "listing changes nothing");
    assertEquals(found, store.implausibleRows(true));
    assertEquals(List.of(), store.implausibleRows(false));
    assertEquals(3, store.counts().events());
    assertEquals(Optional.empty(), store.user(longId));
    assertEquals(2, store.eventsOf("u1").size());
  }

  @Test
  void upsertReplacesItemsById() {
    seed();
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m1", "movies", "Aliens")));
      tx.commit();
    }
    assertEquals("Aliens", store.item("m1").orElseThrow().title());
    assertEquals(3, store.counts().items());
  }

  @Test
  void uncommittedWritesAreInvisibleAndRolledBackOnClose() {
    seed();
    Store.Counts before = store.counts();
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m3", "movies", "Ran")));
      tx.insertEvents(List.of(rating("u9", "m3", 3, 1)));
      assertEquals(before, store.counts(), "readers see only committed data");
    }
    assertEquals(before, store.counts());
    assertTrue(store.item("m3").isEmpty());
    assertTrue(store.user("u9").isEmpty());
  }

  @Test
  void anEventForAnUnknownItemFailsAndTheWholeTransactionIsLost() {
    seed();
    Store.Counts before = store.counts();
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m3", "movies", "Ran")));
      StoreException e = assertThrows(StoreException.class,
          () -> tx.insertEvents(List.of(rating("u1", "ghost", 3, 1))));
      assertTrue(e.getMessage().contains("item"), e.getMessage());
    }
    assertEquals(before, store.counts());
  }

  @Test
  void everythingSurvivesAReopen() {
    seed();
    store.putEmbeddings("model-a", Map.of("h1", new float[] {0.6f, 0.8f}));
    long v = store.putArtifact("factors", Map.of("epochs", 3), new byte[] {1, 2, 3});
    store.close();
    store = open(dir);
    assertEquals(new Store.Counts(3, 2, 3, 1), store.counts());
    assertArrayEquals(new float[] {0.6f, 0.8f}, store.embeddings("model-a", List.of("h1")).get("h1"));
    Store.Artifact a = store.latestArtifact("factors").orElseThrow();
    assertEquals(v, a.version());
    assertArrayEquals(new byte[] {1, 2, 3}, a.data());
  }

  /** What a copy of a whole store reads and writes: every embedding, every artefact as it was, items as stored. */
  @Test
  void aCopyReadsEveryEmbeddingAndKeepsArtefactsAndItemsAsGiven() {
    store.putEmbeddings("zh", Map.of("h1", new float[] {0.5f, 0.5f}));
    store.putEmbeddings("en", Map.of("h2", new float[] {0f, 1f}, "h1", new float[] {1f, 0f}));
    List<Store.Embedding> all = new ArrayList<>();
    store.forEachEmbedding(all::add);
    assertEquals(List.of("en/h1", "en/h2", "zh/h1"), all.stream().map(e -> e.model() + "/" + e.textHash()).toList());
    assertArrayEquals(new float[] {0f, 1f}, all.get(1).vector());

    assertEquals(List.of(), store.artifactNames());
    store.putArtifactVersion(new Store.Artifact("ranker", 3, 1234L, Map.of("n", 3), new byte[] {3}));
    store.putArtifactVersion(new Store.Artifact("als", 1, 1000L, Map.of(), new byte[] {1}));
    assertThrows(StoreException.class,
        () -> store.putArtifactVersion(new Store.Artifact("als", 1, 1L, Map.of(), new byte[] {9})));
    assertEquals(List.of("als", "ranker"), store.artifactNames());
    Store.Artifact kept = store.artifact("ranker", 3).orElseThrow();
    assertEquals(1234L, kept.createdAtMillis());
    assertEquals(3, ((Number) kept.metadata().get("n")).intValue());
    assertEquals(4, store.putArtifact("ranker", Map.of(), new byte[] {4}), "new versions count on from the copied");

    try (Store.Transaction tx = store.begin()) {
      tx.upsertStoredItems(List.of(new Store.StoredItem(item("m1", "movies", "Alien"), true, 100L, 200L),
          new Store.StoredItem(item("m2", "movies", "Heat"), false, 0L, 0L)));
      tx.commit();
    }
    assertEquals(new Store.StoredItem(item("m1", "movies", "Alien"), true, 100L, 200L),
        store.storedItem("m1").orElseThrow());
    assertEquals(new Store.StoredItem(item("m2", "movies", "Heat"), false, 0L, 0L),
        store.storedItem("m2").orElseThrow());
    assertEquals(java.util.Set.of("m1"), store.hiddenItems());
    assertTrue(store.watermark().itemChange() > 0, "the copied items are changes a follower finds");
  }

  @Test
  void embeddingsAreKeyedByModelAndTextHash() {
    store.putEmbeddings("en", Map.of("h1", new float[] {1f, 0f}, "h2", new float[] {0f, 1f}));
    store.putEmbeddings("zh", Map.of("h1", new float[] {0.5f, 0.5f}));
    Map<String, float[]> en = store.embeddings("en", List.of("h1", "h2", "h3"));
    assertEquals(2, en.size());
    assertArrayEquals(new float[] {1f, 0f}, en.get("h1"));
    assertArrayEquals(new float[] {0.5f, 0.5f}, store.embeddings("zh", List.of("h1")).get("h1"));
  }

  @Test
  void artifactVersionsCountUpPerName() {
    assertTrue(store.latestArtifact("als").isEmpty());
    assertEquals(1, store.putArtifact("als", Map.of(), new byte[] {1}));
    assertEquals(2, store.putArtifact("als", Map.of("note", "retrained"), new byte[] {2}));
    assertEquals(1, store.putArtifact("bpr", Map.of(), new byte[] {3}));
    Store.Artifact latest = store.latestArtifact("als").orElseThrow();
    assertEquals(2, latest.version());
    assertEquals("retrained", latest.metadata().get("note"));
  }

  @Test
  void oneVersionIsActiveAndActivationRollsBack() {
    assertTrue(store.activeVersion("ranker").isEmpty());
    store.putArtifact("ranker", Map.of("n", 1), new byte[] {1});
    store.putArtifact("ranker", Map.of("n", 2), new byte[] {2});
    assertEquals(List.of(1L, 2L), store.artifactVersions("ranker").stream().map(Store.ArtifactInfo::version).toList());
    assertEquals(2, ((Number) store.artifactVersions("ranker").get(1).metadata().get("n")).intValue());
    assertTrue(store.activeVersion("ranker").isEmpty(), "saving a version does not activate it");
    store.activate("ranker", 1);
    assertEquals(Optional.of(1L), store.activeVersion("ranker"));
    assertArrayEquals(new byte[] {1}, store.artifact("ranker", 1).orElseThrow().data());
    assertTrue(store.artifact("ranker", 3).isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.activate("ranker", 3));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
    assertEquals(Optional.of(1L), store.activeVersion("ranker"), "a refused activation changes nothing");
    store.activate("ranker", 2);
    store.close();
    store = open(dir);
    assertEquals(Optional.of(2L), store.activeVersion("ranker"));
  }

  @Test
  void theWatermarkFindsWhatWasWrittenSince() {
    Store.Watermark empty = store.watermark();
    assertEquals(new Store.Watermark(0, 0, 0), empty);
    seed();
    Store.Watermark seeded = store.watermark();
    assertTrue(seeded.eventSeq() > 0 && seeded.itemChange() > 0, seeded.toString());
    assertEquals(List.of("b1", "m1", "m2"), store.itemsChangedAfter(empty.itemChange()));
    assertEquals(java.util.Set.of("u1", "u2"), store.usersWithEventsAfter(empty.eventSeq()));
    assertEquals(2, store.eventCount("u1"));
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m1", "movies", "Alien (director's cut)")));
      tx.insertEvents(List.of(rating("u3", "m1", 3, 300)));
      tx.commit();
    }
    assertEquals(List.of("m1"), store.itemsChangedAfter(seeded.itemChange()));
    assertEquals(java.util.Set.of("u3"), store.usersWithEventsAfter(seeded.eventSeq()));
    try (Store.Transaction tx = store.begin()) { // rolled back: nothing moves
      tx.upsertItems(List.of(item("m9", "movies", "Never")));
    }
    Store.Watermark after = store.watermark();
    assertTrue(after.itemChange() > seeded.itemChange() && after.eventSeq() > seeded.eventSeq());
    assertTrue(store.itemsChangedAfter(after.itemChange()).isEmpty());
    assertTrue(store.usersWithEventsAfter(after.eventSeq()).isEmpty());
  }

  @Test
  void deletingAnItemRemovesItAndEveryEventNamingItOnly() {
    seed();
    Store.Watermark before = store.watermark();
    try (Store.Transaction tx = store.begin()) {
      assertTrue(tx.deleteItem("m1"));
      assertFalse(tx.deleteItem("nope"));
      tx.commit();
    }
    assertTrue(store.item("m1").isEmpty());
    assertTrue(store.storedItem("m1").isEmpty());
    assertEquals(List.of("m2"), store.eventsOf("u1").stream().map(Event::item).toList());
    assertEquals(new Store.Counts(2, 2, 2, 0), store.counts());
    assertEquals(List.of("m1"), store.itemsChangedAfter(before.itemChange()), "followers learn of the deletion");
    assertEquals(Map.of("m2", 1L, "b1", 1L), store.eventCountsByItem());
  }

  @Test
  void hiddenItemsAreListedAndKeepTheirHistory() {
    seed();
    Store.Watermark before = store.watermark();
    try (Store.Transaction tx = store.begin()) {
      assertTrue(tx.setHidden("m1", true));
      assertFalse(tx.setHidden("nope", true));
      tx.commit();
    }
    assertEquals(java.util.Set.of("m1"), store.hiddenItems());
    assertTrue(store.storedItem("m1").orElseThrow().hidden());
    assertFalse(store.storedItem("m2").orElseThrow().hidden());
    assertEquals(2, store.eventCount("u1"), "a hidden item keeps its events");
    assertEquals(List.of("m1"), store.itemsChangedAfter(before.itemChange()));
    try (Store.Transaction tx = store.begin()) {
      assertTrue(tx.setHidden("m1", false));
      tx.commit();
    }
    assertTrue(store.hiddenItems().isEmpty());
    try (Store.Transaction tx = store.begin()) { // an upsert keeps the item hidden: hiding is not part of its data
      tx.setHidden("m2", true);
      tx.upsertItems(List.of(item("m2", "movies", "Heat (1995)")));
      tx.commit();
    }
    assertTrue(store.storedItem("m2").orElseThrow().hidden());
  }

  @Test
  void itemTimesSayWhenAnItemWasFirstAndLastStored() throws InterruptedException {
    long start = System.currentTimeMillis();
    seed();
    Store.StoredItem first = store.storedItem("m1").orElseThrow();
    assertTrue(first.createdAtMillis() >= start && first.updatedAtMillis() == first.createdAtMillis(), first.toString());
    Thread.sleep(5);
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m1", "movies", "Alien (director's cut)")));
      tx.commit();
    }
    Store.StoredItem second = store.storedItem("m1").orElseThrow();
    assertEquals(first.createdAtMillis(), second.createdAtMillis());
    assertTrue(second.updatedAtMillis() > first.updatedAtMillis());
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(List.of(item("m3", "movies", "Ronin")));
      tx.commit();
    }
    assertEquals(List.of("m3"), store.newestItems(1), "an update does not make an item new");
    long[] times = store.itemTimes().get("m1");
    assertEquals(second.createdAtMillis(), times[0]);
    assertEquals(second.updatedAtMillis(), times[1]);
    assertEquals("Alien (director's cut)", second.item().title());
  }

  @Test
  void itemPagesFollowTheCursorAndTheirFilters() {
    seed();
    List<String> ids = new ArrayList<>();
    String after = null;
    for (List<Store.StoredItem> page; !(page = store.itemPage(new Store.ItemPage(after, 2, null, null, 0))).isEmpty(); ) {
      assertTrue(page.size() <= 2);
      for (Store.StoredItem s : page) ids.add(s.item().id());
      after = page.get(page.size() - 1).item().id();
    }
    assertEquals(List.of("b1", "m1", "m2"), ids);
    assertEquals(List.of("m1", "m2"), pageIds(new Store.ItemPage(null, 10, "movies", null, 0)));
    assertEquals(List.of("b1"), pageIds(new Store.ItemPage(null, 10, null, "科幻", 0)));
    assertEquals(List.of("m2"), pageIds(new Store.ItemPage("m1", 10, "movies", "Drama", 0)));
    assertEquals(List.of(), pageIds(new Store.ItemPage(null, 10, null, null, System.currentTimeMillis() + 60_000)));
    assertThrows(IllegalArgumentException.class, () -> new Store.ItemPage(null, 0, null, null, 0));
  }

  private List<String> pageIds(Store.ItemPage page) {
    return store.itemPage(page).stream().map(s -> s.item().id()).toList();
  }

  @Test
  void theUsersWhoTookAnItemAreListed() {
    seed();
    try (Store.Transaction tx = store.begin()) {
      tx.insertEvents(List.of(rating("u0", "m1", 4, 300), rating("u1", "m1", 2, 400)));
      tx.commit();
    }
    assertEquals(new Store.Takers(List.of("u0"), 2), store.usersOf("m1", 1), "each user once");
    assertEquals(new Store.Takers(List.of("u0", "u1"), 2), store.usersOf("m1", 10));
    assertEquals(new Store.Takers(List.of(), 0), store.usersOf("nothing", 10));
  }

  @Test
  void userPagesFollowTheCursor() {
    seed();
    assertEquals(List.of("u1"), store.userPage(null, 1).stream().map(User::id).toList());
    assertEquals(List.of("u2"), store.userPage("u1", 5).stream().map(User::id).toList());
    assertTrue(store.userPage("u2", 5).isEmpty());
  }

  @Test
  void apiKeysAreKeptByTheirHashAndForgotten() {
    store.putApiKey(new Store.ApiKey("k1", new byte[] {1, 2, 3}, "read", "the shop's web page", 1000));
    store.putApiKey(new Store.ApiKey("k2", new byte[] {4, 5, 6}, "admin", null, 2000));
    store.close();
    store = open(dir);
    List<Store.ApiKey> keys = store.apiKeys();
    assertEquals(List.of("k1", "k2"), keys.stream().map(Store.ApiKey::id).toList());
    assertArrayEquals(new byte[] {1, 2, 3}, keys.get(0).sha256());
    assertEquals("the shop's web page", keys.get(0).label());
    assertThrows(StoreException.class, () -> store.putApiKey(new Store.ApiKey("k3", new byte[] {1, 2, 3}, "read",
        null, 3000)), "one hash, one key");
    assertTrue(store.deleteApiKey("k1"));
    assertFalse(store.deleteApiKey("k1"));
    assertEquals(List.of("k2"), store.apiKeys().stream().map(Store.ApiKey::id).toList());
  }

  @Test
  void eventNumbersAreNeverGivenAgainAfterTheNewestEventsAreDeleted() {
    seed();
    try (Store.Transaction tx = store.begin()) {
      tx.insertEvents(List.of(rating("late", "m1", 3, 500)));
      tx.commit();
    }
    Store.Watermark seen = store.watermark();
    try (Store.Transaction tx = store.begin()) { // the newest events go
      assertTrue(tx.deleteUser("late"));
      tx.commit();
    }
    try (Store.Transaction tx = store.begin()) {
      tx.insertEvents(List.of(rating("next", "m2", 4, 600)));
      tx.commit();
    }
    assertEquals(java.util.Set.of("next"), store.usersWithEventsAfter(seen.eventSeq()),
        "a follower that saw the deleted events still finds the new one");
  }

  @Test
  void aClosedTransactionRefusesMoreWrites() {
    Store.Transaction tx = store.begin();
    tx.commit();
    assertThrows(IllegalStateException.class, () -> tx.upsertItems(List.of(item("x", "d", "X"))));
  }
}
