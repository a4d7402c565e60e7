package io.shiftrec.serve;

import io.shiftrec.ranker.RecommendRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interests kept for the users served lately, never for a catalogue the server no longer serves. */
class LiveInterestsTest {
  @TempDir Path dir;

  @Test
  void aNewCatalogueDropsTheInterestsBuiltOnTheOldOne() throws Exception {
    try (Store store = Stores.openExisting(TestStore.create(dir).toString());
         LiveCatalog catalog = new LiveCatalog(store, 0, null)) {
      LiveInterests interests = new LiveInterests(store, catalog, ServeConfig.UserCache.DEFAULTS);
      LiveCatalog.View before = catalog.view();
      for (String user : List.of("ann", "bob", "eve")) {
        interests.recommend(user, before, RecommendRequest.of(3, null, false, 0.2), Map.of(), "k=3");
      }
      assertEquals(3, interests.kept());
      JsonNode item = new ObjectMapper().readTree("{\"id\":\"wok\",\"domain\":\"kitchen\",\"title\":\"Carbon Steel Wok\"}");
      catalog.upsert(List.of(item));
      assertNotSame(before.centred(), catalog.view().centred());
      interests.recommend("ann", catalog.view(), RecommendRequest.of(3, null, false, 0.2), Map.of(), "k=3");
      assertEquals(1, interests.kept(), "only ann's interests, built on the new catalogue");
      // a request still holding the old view is answered, and what it built is not kept
      interests.recommend("bob", before, RecommendRequest.of(3, null, false, 0.2), Map.of(), "k=3");
      assertEquals(1, interests.kept());
      interests.close();
    }
  }

  /** Users beyond the memory the cache may use are dropped, those asked least recently first. */
  @Test
  void keptUsersFitTheirMemory() throws Exception {
    try (Store store = Stores.openExisting(TestStore.create(dir).toString());
         LiveCatalog catalog = new LiveCatalog(store, 0, null)) {
      LiveInterests unbounded = new LiveInterests(store, catalog, ServeConfig.UserCache.DEFAULTS);
      RecommendRequest request = RecommendRequest.of(3, null, false, 0.2);
      unbounded.recommend("ann", catalog.view(), request, Map.of(), "k=3");
      long one = unbounded.keptBytes();
      unbounded.recommend("bob", catalog.view(), request, Map.of(), "k=3");
      long two = unbounded.keptBytes();
      unbounded.close();
      LiveInterests bounded = new LiveInterests(store, catalog, ServeConfig.UserCache.DEFAULTS,
          new UserMemory(two + one / 2));
      for (String user : List.of("ann", "bob", "ann", "eve")) {
        bounded.recommend(user, catalog.view(), request, Map.of(), "k=3");
        assertTrue(bounded.keptBytes() <= two + one / 2, "kept " + bounded.keptBytes());
      }
      assertEquals(2, bounded.kept(), "ann (asked again) and eve; bob was asked least recently");
      bounded.recommend("ann", catalog.view(), request, Map.of(), "k=3");
      assertEquals(2, bounded.kept());
      // a second app on the same server shares the memory: together they stay within it, and closing one gives
      // back what its users held
      UserMemory shared = new UserMemory(two + one / 2);
      LiveInterests first = new LiveInterests(store, catalog, ServeConfig.UserCache.DEFAULTS, shared);
      LiveInterests second = new LiveInterests(store, catalog, ServeConfig.UserCache.DEFAULTS, shared);
      for (String user : List.of("ann", "bob")) first.recommend(user, catalog.view(), request, Map.of(), "k=3");
      for (String user : List.of("eve", "ann")) second.recommend(user, catalog.view(), request, Map.of(), "k=3");
      assertTrue(shared.used() <= two + one / 2, "kept " + shared.used());
      assertEquals(first.keptBytes() + second.keptBytes(), shared.used());
      first.close();
      assertEquals(second.keptBytes(), shared.used());
      second.close();
      assertEquals(0, shared.used());
      bounded.close();
    }
  }
}
