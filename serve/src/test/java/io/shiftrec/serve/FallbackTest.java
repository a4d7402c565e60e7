package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.ranker.RecommendRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain for users with no history: people like them, then everyone, then the newest. */
class FallbackTest {
  @TempDir Path dir;

  @Test
  void aNewcomerWithAttributesGetsWhatPeopleLikeThemTookFirst() {
    try (Store store = Stores.open(dir.resolve("f.db").toString())) {
      List<Item> items = List.of(item("alien", "movies"), item("pan", "kitchen"), item("knife", "kitchen"),
          item("wok", "kitchen"));
      List<User> users = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      for (int u = 0; u < 5; u++) { // the young took the film, the old the pan
        users.add(new User("young" + u, null, Map.of("age", "25", "gender", u % 2 == 0 ? "F" : "M")));
        events.add(new Event("young" + u, "alien", EventType.VIEW, Double.NaN, 1000L + u, null, null, null, Map.of()));
      }
      for (int u = 0; u < 3; u++) {
        users.add(new User("old" + u, null, Map.of("age", "60", "gender", "F")));
        events.add(new Event("old" + u, "pan", EventType.PURCHASE, Double.NaN, 2000L + u, null, null, null, Map.of()));
      }
      events.add(new Event("old0", "knife", EventType.VIEW, Double.NaN, 3000L, null, null, null, Map.of()));
      try (Store.Transaction tx = store.begin()) {
        tx.upsertItems(items);
        tx.upsertUsers(users);
        tx.insertEvents(events);
        tx.commit();
      }
      Catalog.Builder b = Catalog.builder();
      for (Item i : items) b.add(i, null, null);
      Catalog catalog = b.build();
      Fallback fallback = new Fallback(store, 0); // no smoothing: a tiny group speaks for itself
      RecommendRequest three = RecommendRequest.of(3, null, true, 0);

      List<Recommendation> old = fallback.recommend(catalog, i -> true, three, List.of(), Map.of("age", "60"));
      assertEquals(List.of("pan", "knife", "alien"), ids(old));
      assertEquals("Popular with people like you (age 60)", old.get(0).reason());
      assertEquals("Popular with everyone", old.get(2).reason(), "then everyone's");

      List<Recommendation> stranger = fallback.recommend(catalog, i -> true, three, List.of(), Map.of());
      assertEquals(List.of("alien", "pan", "knife"), ids(stranger));
      assertEquals("Popular with everyone", stranger.get(0).reason());
      List<Recommendation> unknownGroup = fallback.recommend(catalog, i -> true, three, List.of(),
          Map.of("age", "99"));
      assertEquals(ids(stranger), ids(unknownGroup), "a group no one is in: everyone's");

      RecommendRequest kitchen = new RecommendRequest(4, 0, "kitchen", null, java.util.Set.of(), List.of(), true, 0,
          "zh");
      List<Recommendation> inKitchen = fallback.recommend(catalog, i -> true, kitchen, List.of(),
          Map.of("age", "25", "gender", "F"));
      assertEquals(List.of("pan", "knife", "wok"), ids(inKitchen), "only the domain; the newest last");
      assertEquals("kitchen中的新品", inKitchen.get(2).reason());
    }
  }

  private static Item item(String id, String domain) {
    return new Item(id, domain, id, null, List.of(), "en", Map.of());
  }

  private static List<String> ids(List<Recommendation> recs) {
    return recs.stream().map(r -> r.item().id()).toList();
  }
}
