package io.shiftrec.bench;

import io.shiftrec.eval.Dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class OnboardingExperimentTest {
  private static Catalog catalog() {
    Catalog.Builder b = Catalog.builder();
    b.add(new Item("a", "movies", "A", null, List.of("Sci-Fi", "Action"), "en", null), null, null);
    b.add(new Item("b", "movies", "B", null, List.of("Sci-Fi", "Drama"), "en", null), null, null);
    b.add(new Item("c", "movies", "C", null, List.of("Comedy"), "en", null), null, null);
    b.add(new Item("d", "movies", "D", null, List.of("Horror", "Comedy"), "en", null), null, null);
    b.add(new Item("e", "movies", "E", null, List.of(), "en", null), null, null);
    return b.build();
  }

  @Test
  void statedTasteNamesTheMostFrequentLikedCategoriesOfTheHistoryOnly() {
    int[] items = {0, 1, 2, 3};
    float[] weights = {2f, 1f, 1f, -1f}; // d (Horror, Comedy) was disliked: it does not speak for the taste
    assertEquals("I like Sci-Fi, Action and Comedy movies.",
        OnboardingExperiment.statedTaste(catalog(), items, weights, 0, 4));
    assertEquals("I like Action and Sci-Fi movies.",
        OnboardingExperiment.statedTaste(catalog(), items, weights, 0, 1), "the later items are not read");
  }

  @Test
  void withoutLikesEveryItemCountsAndWithoutCategoriesThereIsNoSentence() {
    assertEquals("I like Comedy and Horror movies.",
        OnboardingExperiment.statedTaste(catalog(), new int[] {3}, new float[] {-1f}, 0, 1));
    assertNull(OnboardingExperiment.statedTaste(catalog(), new int[] {4}, new float[] {1f}, 0, 1));
  }

  @Test
  void distinctiveTasteNamesTheOverRepresentedCategoriesThatAreFrequentEnough() {
    int[] items = {2, 2, 0, 1, 3};
    float[] weights = {1f, 1f, 1f, 1f, 1f};
    // Comedy is common everywhere; Sci-Fi rare in everyone's histories but twice here; Horror once (too rare).
    Map<String, Double> shares = Map.of("Comedy", 0.5, "Sci-Fi", 0.05, "Action", 0.2, "Drama", 0.2, "Horror", 0.05);
    List<String> frequent = OnboardingExperiment.statedCategories(catalog(), items, weights, 0, 5, null);
    List<String> distinctive = OnboardingExperiment.statedCategories(catalog(), items, weights, 0, 5, shares);
    assertEquals(List.of("Comedy", "Sci-Fi", "Action"), frequent);
    assertEquals("Sci-Fi", distinctive.get(0), "the over-represented category first");
    assertEquals(3, distinctive.size(), "the most frequent fill the rest");
    assertTrue(!distinctive.contains("Horror"), "one item is an accident, not a taste");
  }

  // ------------------------------------------------------------------ the whole experiment on a synthetic catalogue

  /** Axis per category name (any language); a text's vector is the sum of the axes of the names it contains. */
  private static final class FakeEncoder implements BiFunction<String, String, float[]> {
    final List<String> names;
    final Set<String> models = new HashSet<>();
    final List<String> texts = new ArrayList<>();

    FakeEncoder(List<String> names) {
      this.names = names;
    }

    @Override
    public float[] apply(String text, String model) {
      models.add(model);
      texts.add(text);
      float[] v = new float[names.size() + 1];
      v[names.size()] = 0.3f; // what every text shares
      for (int k = 0; k < names.size(); k++) if (text.contains(names.get(k))) v[k] = 1f;
      return v;
    }
  }

  /**
   * 15 fans of the first category and 25 of the second, everyone taking the 3 items of the third first; fans of a
   * kind take 9 of its 15 items, rotated so every item is in many histories. Popularity favours the second kind
   * (more fans); a fan of the first kind says so. Fans of the first kind are 18, of the second 56 years old.
   */
  private static Dataset dataset(List<String> kinds, String language, String domain, String model, FakeEncoder enc) {
    Catalog.Builder b = Catalog.builder();
    List<String> ids = new ArrayList<>();
    for (int kind = 0; kind < 3; kind++) {
      int n = kind == 2 ? 3 : 15;
      for (int k = 0; k < n; k++) {
        String id = kind + "-" + k;
        ids.add(id);
        String title = "T" + id;
        b.add(new Item(id, domain, title, null, List.of(kinds.get(kind)), language, null), model,
            enc.apply(kinds.get(kind), model));
      }
    }
    Catalog catalog = b.build();
    enc.texts.clear();
    List<User> users = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      int kind = u < 15 ? 0 : 1;
      String user = "u" + u;
      users.add(new User(user, null, Map.of("age", kind == 0 ? 18 : 56, "gender", "F", "occupation", 3)));
      long t = 0;
      for (int k = 0; k < 3; k++) events.add(new Event(user, "2-" + k, EventType.RATING, 4, t++, null, domain, null, null));
      for (int k = 0; k < 9; k++) {
        events.add(new Event(user, kind + "-" + ((u + k) % 15), EventType.RATING, 5, t++, null, domain, null, null));
      }
    }
    return new Dataset("synthetic", catalog, users, events);
  }

  private static Map<String, OnboardingExperiment.Row> byModel(OnboardingExperiment.Result result) {
    Map<String, OnboardingExperiment.Row> rows = new HashMap<>();
    for (OnboardingExperiment.Row r : result.rows()) rows.put(r.model(), r);
    return rows;
  }

  @Test
  void theStatedTasteAndTheAttributeGroupBeatPopularityWhenTheyCarryTheAnswer() {
    List<String> kinds = List.of("Comedy", "Horror", "Drama");
    FakeEncoder enc = new FakeEncoder(kinds);
    OnboardingExperiment.Result result = OnboardingExperiment.run(
        dataset(kinds, "en", "movies", "bge-small-en-v1.5", enc), enc, 42, OnboardingExperiment.Taste.FREQUENT);
    assertEquals(40, result.firstHalf() + result.secondHalf());
    assertTrue(enc.texts.contains("I like Comedy and Drama movies."), "a comedy fan's sentence: " + enc.texts);
    assertTrue(enc.texts.contains("I like Horror movies."), "the category label sentences are encoded");
    Map<String, OnboardingExperiment.Row> rows = byModel(result);
    OnboardingExperiment.Row pop = rows.get(OnboardingExperiment.POP);
    OnboardingExperiment.Row text = rows.get(OnboardingExperiment.FROM_TEXT);
    OnboardingExperiment.Row group = rows.get(OnboardingExperiment.GROUP);
    assertTrue(text.ndcg() > pop.ndcg() + 0.1, text + " vs " + pop);
    assertTrue(text.ndcgVsPop().meanDiff() > 0 && text.ndcgVsPop().pValue() < 0.01, text.toString());
    assertTrue(group.ndcg() > pop.ndcg() + 0.1, "the age group says which kind: " + group + " vs " + pop);
    assertTrue(pop.ndcgCi()[0] <= pop.ndcg() && pop.ndcg() <= pop.ndcgCi()[1]);
    assertNull(pop.ndcgVsPop(), "popularity is not tested against itself");
  }

  @Test
  void aChineseCatalogueGetsAChineseSentenceInItsOwnSpace() {
    List<String> kinds = List.of("喜剧", "恐怖", "剧情");
    FakeEncoder enc = new FakeEncoder(kinds);
    OnboardingExperiment.Result result = OnboardingExperiment.run(
        dataset(kinds, "zh", "电影", "bge-small-zh-v1.5", enc), enc, 42, OnboardingExperiment.Taste.FREQUENT);
    assertEquals(Set.of("bge-small-zh-v1.5"), enc.models, "every text is encoded in the catalogue's space");
    assertTrue(enc.texts.contains("我喜欢喜剧和剧情电影。"), "a comedy fan's sentence: " + enc.texts);
    assertTrue(enc.texts.contains("我喜欢恐怖电影。"), "the category label sentences are Chinese too");
    Map<String, OnboardingExperiment.Row> rows = byModel(result);
    assertTrue(rows.get(OnboardingExperiment.FROM_TEXT).ndcg() > rows.get(OnboardingExperiment.POP).ndcg() + 0.1);
  }

  @Test
  void aCatalogueWithoutVectorsIsRefused() {
    Dataset bare = new Dataset("bare", catalog(), List.of(), List.of());
    assertThrows(IllegalArgumentException.class, () -> OnboardingExperiment.run(bare, (t, m) -> new float[2], 1,
        OnboardingExperiment.Taste.FREQUENT));
  }
}
