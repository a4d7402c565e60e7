package io.shiftrec.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterestRecommenderTest {
  static Item item(String id, String domain, String title, String category) {
    return new Item(id, domain, title, null, List.of(category), null, Map.of());
  }

  static Event rating(String item, double stars, long ts) {
    return new Event("u", item, EventType.RATING, stars, ts, null, null, null, Map.of());
  }

  // Two tastes in 3-D: space films near x, romances near y; a filler item near z keeps the centred space honest.
  private final Catalog catalog = Catalog.builder()
      .add(item("alien", "movies", "Alien", "Sci-Fi"), "m", new float[] {1f, 0f, 0.05f})
      .add(item("aliens", "movies", "Aliens", "Sci-Fi"), "m", new float[] {1f, 0.02f, 0.1f})
      .add(item("solaris", "movies", "Solaris", "Sci-Fi"), "m", new float[] {1f, 0.05f, 0f})
      .add(item("dune", "books", "Dune", "Sci-Fi"), "m", new float[] {0.95f, 0f, 0.1f})
      .add(item("notting", "movies", "Notting Hill", "Romance"), "m", new float[] {0f, 1f, 0.05f})
      .add(item("love", "movies", "Love Actually", "Romance"), "m", new float[] {0.05f, 1f, 0f})
      .add(item("emma", "books", "Emma", "Romance"), "m", new float[] {0f, 1f, 0.1f})
      .add(item("pan", "kitchen", "Frying Pan", "Cookware"), "m", new float[] {0f, 0f, 1f})
      .build();

  private final InterestRecommender recommender =
      new InterestRecommender(catalog, InterestConfig.defaults(), ShiftRecModel.DEFAULT_TEMPERATURE);

  @Test
  void twoTastesBecomeTwoInterestsAndBothAreServed() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("notting", 5, 2), rating("aliens", 4, 3),
        rating("love", 4, 4));
    InterestProfile p = recommender.profiles(history).get("m");
    assertEquals(2, p.interests().size());
    List<Recommendation> recs = recommender.recommend(history, 2, "movies", true, 0);
    assertEquals(List.of("solaris"), recs.stream().map(r -> r.item().id()).toList(),
        "only unseen movies; the romance interest has no movie left");
    List<Recommendation> books = recommender.recommend(history, 2, "books", true, 0);
    assertEquals(2, books.size());
    assertTrue(books.stream().anyMatch(r -> r.item().id().equals("dune")));
    assertTrue(books.stream().anyMatch(r -> r.item().id().equals("emma")));
  }

  @Test
  void reasonNamesTheInterestAndItsClosestMembers() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("aliens", 4, 2), rating("notting", 5, 3));
    Recommendation dune = recommender.recommend(history, 1, "books", true, 0).get(0);
    assertEquals("dune", dune.item().id());
    assertTrue(dune.reason().startsWith("Because you rated “"), dune.reason());
    assertTrue(dune.reason().contains("“Alien” 5★") && dune.reason().contains("“Aliens” 4★"), dune.reason());
    assertTrue(dune.reason().endsWith("(your Sci-Fi interest)"), dune.reason());
  }

  @Test
  void repeatedEventsOnOneItemCountOnceWithTheirStrongestWeight() {
    Event tag = new Event("u", "alien", EventType.REVIEW, Double.NaN, 2L, null, null, "space", Map.of());
    InterestProfile tagged = recommender.profiles(List.of(rating("alien", 5, 1), tag, tag, tag)).get("m");
    InterestProfile rated = recommender.profiles(List.of(rating("alien", 5, 1))).get("m");
    assertEquals(1, tagged.observed());
    assertEquals(rated.interests().get(0).longWeight(), tagged.interests().get(0).longWeight(), 1e-12);
  }

  @Test
  void dislikesDoNotAttract() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("notting", 1, 2), rating("love", 1, 3));
    Recommendation top = recommender.recommend(history, 1, "books", false, 0).get(0);
    assertEquals("dune", top.item().id());
  }

  @Test
  void diversityKnobSpreadsTheList() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("aliens", 5, 2), rating("alien", 5, 3),
        rating("notting", 3.5, 4));
    List<String> focused = recommender.recommend(history, 2, null, false, 0).stream().map(r -> r.item().id()).toList();
    List<String> diverse = recommender.recommend(history, 2, null, false, 0.9).stream().map(r -> r.item().id()).toList();
    assertEquals(java.util.Set.of("solaris", "dune"), java.util.Set.copyOf(focused));
    assertEquals(focused.get(0), diverse.get(0));
    assertNotEquals("Sci-Fi", catalog.item(catalog.indexOf(diverse.get(1))).categories().get(0),
        "with a high diversity the second pick leaves the sci-fi cluster: " + diverse);
    assertThrows(IllegalArgumentException.class, () -> recommender.recommend(history, 2, null, false, 1.5));
  }

  @Test
  void modelScoresMatchTheRecommenderOrder() {
    TrainingData d = TrainingData.fromEvents(catalog, List.of(
        new Event("u", "alien", EventType.RATING, 5, 1L, null, null, null, Map.of()),
        new Event("u", "notting", EventType.RATING, 4, 2L, null, null, null, Map.of())));
    Model m = Models.create(ShiftRecModel.NO_TRANSFER); // the recommender's scoring: interests, no transfer
    m.fit(d, 1);
    float[] s = new float[catalog.size()];
    m.score(0, s);
    assertTrue(s[catalog.indexOf("aliens")] > s[catalog.indexOf("pan")]);
    assertTrue(s[catalog.indexOf("emma")] > s[catalog.indexOf("pan")]);
    List<Recommendation> recs = recommender.recommend(List.of(rating("alien", 5, 1), rating("notting", 4, 2)), 1,
        null, false, 0);
    assertEquals(s[catalog.indexOf(recs.get(0).item().id())], recs.get(0).score(), 1e-6f);
  }
}
