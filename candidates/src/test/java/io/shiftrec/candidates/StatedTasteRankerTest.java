package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatedTasteRankerTest {
  private static final String MODEL = "m";

  /** Axis 0 = comedy, 1 = horror, 2 = drama, 3 = noise that sets the items apart. */
  private static float[] v(float comedy, float horror, float drama, float noise) {
    return new float[] {comedy, horror, drama, noise};
  }

  private static Catalog catalog() {
    Catalog.Builder b = Catalog.builder();
    b.add(new Item("c1", "movies", "C1", null, List.of("Comedy"), "en", null), MODEL, v(1, 0, 0, 0.2f));
    b.add(new Item("h1", "movies", "H1", null, List.of("Horror"), "en", null), MODEL, v(0, 1, 0, -0.2f));
    b.add(new Item("d1", "movies", "D1", null, List.of("Drama"), "en", null), MODEL, v(0, 0, 1, 0.1f));
    b.add(new Item("ch", "movies", "CH", null, List.of("Comedy", "Horror"), "en", null), MODEL, v(1, 1, 0, 0));
    b.add(new Item("x", "movies", "X", null, List.of(), "en", null), null, null);
    return b.build();
  }

  private static Map<String, float[]> labels() {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("Comedy", v(1, 0, 0, 0));
    m.put("Horror", v(0, 1, 0, 0));
    m.put("Drama", v(0, 0, 1, 0));
    return m;
  }

  @Test
  void sentencesReadLikeAPersonsInEnglishAndChinese() {
    assertEquals("I like Comedy, Drama and Romance movies.",
        StatedTasteRanker.sentence(List.of("Comedy", "Drama", "Romance"), "movies", "en"));
    assertEquals("I like Horror movies.", StatedTasteRanker.categoryLabel("Horror", "movies", "en"));
    assertEquals("我喜欢喜剧、剧情和爱情电影。", StatedTasteRanker.sentence(List.of("喜剧", "剧情", "爱情"), "电影", "zh"));
    assertEquals("我喜欢喜剧和恐怖。", StatedTasteRanker.sentence(List.of("喜剧", "恐怖"), "movies", "zh"),
        "an English domain name is left out of a Chinese sentence");
    assertEquals("我喜欢恐怖电影。", StatedTasteRanker.categoryLabel("恐怖", "电影", "zh"));
    assertThrows(IllegalArgumentException.class, () -> StatedTasteRanker.sentence(List.of(), "movies", "en"));
  }

  /** Popularity {@code users[i]} per item from users who state no taste, plus {@code fans} stating one. */
  private static TastePopularity taste(int[] users, String fanTaste, int fanItem, int fans) {
    TastePopularity.Builder b = TastePopularity.builder(users.length);
    for (int i = 0; i < users.length; i++) for (int u = 0; u < users[i]; u++) b.addUser(List.of(), new int[] {i}, 0, 1);
    for (int u = 0; u < fans; u++) b.addUser(List.of(fanTaste), new int[] {fanItem}, 0, 1);
    return b.build();
  }

  @Test
  void theCategoriesTheTextNamesShareTheWeightAndTheRestGetNone() {
    Catalog raw = catalog();
    StatedTasteRanker r = StatedTasteRanker.of(raw.centred(), MODEL, taste(new int[] {5, 5, 5, 5, 0}, "Comedy", 0, 0),
        labels());
    assertEquals(List.of("Comedy", "Horror", "Drama"), r.categories());
    float[] q = r.place(v(1, 1, 0, 0)); // "I like comedy and horror"
    float[] w = new float[3];
    r.categoryWeights(q, 0.15f, w);
    assertEquals(0.5, w[0], 0.01);
    assertEquals(0.5, w[1], 0.01);
    assertTrue(w[2] < 0.01, "drama is not named: " + w[2]);
    float[] affinity = new float[raw.size()];
    r.categoryAffinity(q, 0.15f, affinity, null);
    assertEquals(1.0, affinity[3], 0.02, "an item of both named categories carries both weights");
    assertEquals(0.0, affinity[4], 1e-6, "an item without categories carries none");
  }

  @Test
  void popularityAloneWithoutWeightsAndTheStatedKindFirstWithThem() {
    Catalog raw = catalog();
    int[] popularity = {1, 2, 50, 3, 100};
    StatedTasteRanker r = StatedTasteRanker.of(raw.centred(), MODEL, taste(popularity, "Comedy", 0, 0), labels());
    float[] out = new float[raw.size()];
    r.score(v(1, 0, 0, 0), new StatedTasteRanker.Settings(0, 0.15f, 0f, 0f), out);
    assertEquals(Float.NEGATIVE_INFINITY, out[4], "an item outside the query's space is never recommended");
    assertTrue(out[2] > out[3] && out[3] > out[1] && out[1] > out[0], "no one states a taste: popularity order");
    r.score(v(1, 0, 0, 0), new StatedTasteRanker.Settings(0, 0.15f, 1f, 2f), out);
    assertTrue(out[0] > out[2] && out[3] > out[2], "comedies first for someone who likes comedy");
    assertThrows(IllegalArgumentException.class, () -> r.score(v(1, 0, 0, 0), StatedTasteRanker.Settings.defaults(),
        new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new StatedTasteRanker.Settings(0, 0.1f, -1f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new StatedTasteRanker.Settings(-1, 0.1f, 0f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new StatedTasteRanker.Settings(0, 0f, 0f, 0f));
    assertThrows(IllegalArgumentException.class, () -> StatedTasteRanker.of(raw.centred(), "other",
        taste(popularity, "Comedy", 0, 0), labels()));
  }

  @Test
  void whatTheFansOfTheNamedCategoryTookLeadsWithoutAnyTextSimilarity() {
    Catalog raw = catalog();
    // Globally drama (item 2) leads; the 8 users whose taste is Comedy took the comedy-horror item 3.
    StatedTasteRanker r = StatedTasteRanker.of(raw.centred(), MODEL, taste(new int[] {1, 1, 20, 1, 0}, "Comedy", 3, 8),
        labels());
    float[] out = new float[raw.size()];
    r.score(v(1, 0, 0, 0), new StatedTasteRanker.Settings(0, 0.12f, 0f, 0f), out);
    assertTrue(out[3] > out[2], "the comedy fans' pick first: " + java.util.Arrays.toString(out));
    r.score(v(0, 0, 1, 0), new StatedTasteRanker.Settings(0, 0.12f, 0f, 0f), out);
    assertTrue(out[2] > out[3], "no one states Drama: global popularity");
  }

  @Test
  void scoreIsTheStandardisedSumOfItsSignals() {
    Catalog raw = catalog();
    StatedTasteRanker r = StatedTasteRanker.of(raw.centred(), MODEL, taste(new int[] {3, 1, 4, 1, 5}, "Horror", 1, 2),
        labels());
    float[] raw0 = v(0.3f, 1, 0.1f, 0.2f);
    StatedTasteRanker.Settings st = new StatedTasteRanker.Settings(10, 0.12f, 0.3f, 0.5f);
    float[] out = new float[raw.size()];
    r.score(raw0, st, out);
    float[] q = r.place(raw0), expected = new float[raw.size()], signal = new float[raw.size()];
    r.tastePopularity(q, 0.12f, 10, signal);
    signal[4] = Float.NaN; // outside the space
    StatedTasteRanker.addStandardised(signal, 1f, expected);
    r.textCosines(q, signal);
    StatedTasteRanker.addStandardised(signal, 0.3f, expected);
    r.categoryAffinity(q, 0.12f, signal, null);
    signal[4] = Float.NaN;
    StatedTasteRanker.addStandardised(signal, 0.5f, expected);
    for (int i = 0; i < 4; i++) assertEquals(expected[i], out[i], 1e-5, "item " + i);
  }

  @Test
  void buildReadsEveryHistoryAndEncodesOneLabelSentencePerCategory() {
    Catalog raw = catalog();
    List<io.shiftrec.core.Event> events = new java.util.ArrayList<>();
    for (int u = 0; u < 8; u++) {
      for (String item : List.of("c1", "ch")) {
        events.add(new io.shiftrec.core.Event("fan" + u, item, io.shiftrec.core.EventType.RATING, 5, (long) u, null,
            "movies", null, null));
      }
    }
    for (int u = 0; u < 12; u++) {
      events.add(new io.shiftrec.core.Event("d" + u, "d1", io.shiftrec.core.EventType.RATING, 5, (long) u, null,
          "movies", null, null));
    }
    Map<String, float[]> byLabel = Map.of("I like Comedy movies.", v(1, 0, 0, 0), "I like Horror movies.",
        v(0, 1, 0, 0), "I like Drama movies.", v(0, 0, 1, 0));
    List<String> encoded = new java.util.ArrayList<>();
    StatedTasteRanker r = StatedTasteRanker.build(raw, MODEL, TrainingData.fromEvents(raw, events), text -> {
      encoded.add(text);
      return byLabel.get(text);
    });
    assertEquals(List.of("I like Comedy movies.", "I like Horror movies.", "I like Drama movies."), encoded);
    float[] out = new float[raw.size()];
    StatedTasteRanker.Settings tasteOnly = new StatedTasteRanker.Settings(0, 0.12f, 0f, 0f);
    r.score(v(1, 0, 0, 0), tasteOnly, out);
    assertTrue(out[0] > out[2] && out[3] > out[2], "what comedy fans took, not the most popular drama");
    r.score(v(0, 0, 1, 0), tasteOnly, out);
    assertTrue(out[2] > out[0] && out[2] > out[3], "drama fans took the drama");
  }

  @Test
  void addStandardisedAddsZScoresAndSkipsMissingValues() {
    float[] out = new float[4];
    StatedTasteRanker.addStandardised(new float[] {1f, 3f, Float.NaN, 2f}, 2f, out);
    float sd = (float) Math.sqrt(2.0 / 3);
    assertEquals(-2 / sd, out[0], 1e-5);
    assertEquals(2 / sd, out[1], 1e-5);
    assertEquals(0f, out[2]);
    assertEquals(0f, out[3], 1e-6);
  }
}
