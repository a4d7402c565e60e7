package io.shiftrec.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentRecommenderTest {
  static Item item(String id, String domain, String title) {
    return new Item(id, domain, title, null, List.of(), null, Map.of());
  }

  static Event rating(String item, double stars, long ts) {
    return new Event("u", item, EventType.RATING, stars, ts, null, null, null, Map.of());
  }

  // Two clusters in 2-D: space opera near (1,0), kitchen near (0,1); the book sits between.
  private final Catalog catalog = Catalog.builder()
      .add(item("alien", "movies", "Alien"), "m", new float[] {1f, 0.05f})
      .add(item("dune", "movies", "Dune"), "m", new float[] {1f, 0.1f})
      .add(item("solaris", "movies", "Solaris"), "m", new float[] {1f, 0.2f})
      .add(item("knife", "kitchen", "Chef's Knife"), "m", new float[] {0f, 1f})
      .add(item("pan", "kitchen", "Frying Pan"), "m", new float[] {0.1f, 1f})
      .add(item("book", "books", "Foundation"), "m", new float[] {1f, 0.3f})
      .add(item("raw", "movies", "Not encoded"), null, null)
      .build();

  @Test
  void ranksBySimilarityToLikedItemsAndSkipsSeenOnes() {
    List<Recommendation> recs = new ContentRecommender(catalog).recommend(List.of(rating("alien", 5, 1)), 3, null, false);
    assertEquals(List.of("dune", "solaris", "book"), recs.stream().map(r -> r.item().id()).toList());
    assertTrue(recs.get(0).score() >= recs.get(1).score());
  }

  @Test
  void dislikedItemsDoNotPullTheProfile() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("knife", 1, 2));
    List<Recommendation> recs = new ContentRecommender(catalog).recommend(history, 2, null, false);
    assertEquals(List.of("dune", "solaris"), recs.stream().map(r -> r.item().id()).toList());
  }

  @Test
  void domainFilterKeepsOnlyThatDomain() {
    List<Recommendation> recs = new ContentRecommender(catalog).recommend(List.of(rating("alien", 5, 1)), 5, "kitchen", false);
    assertEquals(java.util.Set.of("pan", "knife"), recs.stream().map(r -> r.item().id()).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void explainsWithTheMostSimilarLikedItem() {
    List<Event> history = List.of(rating("knife", 4, 1), rating("dune", 5, 2));
    Recommendation top = new ContentRecommender(catalog).recommend(history, 1, "movies", true).get(0);
    assertEquals("Because you rated “Dune” 5★", top.reason());
  }

  @Test
  void explainsInChineseForChineseItems() {
    Catalog zh = Catalog.builder()
        .add(item("santi", "books", "三体"), "z", new float[] {1f, 0f})
        .add(item("liulang", "movies", "流浪地球"), "z", new float[] {1f, 0.1f})
        .build();
    Event bought = new Event("u", "santi", EventType.PURCHASE, Double.NaN, 1L, null, null, null, Map.of());
    assertEquals("因为你买过《三体》", new ContentRecommender(zh).recommend(List.of(bought), 1, null, true).get(0).reason());
  }

  @Test
  void noEncodedHistoryGivesNothing() {
    assertTrue(new ContentRecommender(catalog).recommend(List.of(rating("raw", 5, 1)), 3, null, false).isEmpty());
  }

  @Test
  void topKBreaksTiesByLowerIndexAndReturnsBestFirst() {
    TopK top = new TopK(3);
    float[] s = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
    for (int i = 0; i < s.length; i++) top.offer(i, s[i]);
    float[] scores = new float[3];
    assertArrayEquals(new int[] {1, 4, 0}, top.drain(scores));
    assertArrayEquals(new float[] {0.9f, 0.9f, 0.5f}, scores);
  }
}
