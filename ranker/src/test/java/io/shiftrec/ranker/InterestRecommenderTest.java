package io.shiftrec.ranker;

import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.candidates.Model;
import io.shiftrec.core.Recommendation;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.core.TrainingData;

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
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.UserInterests;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

  /** The lazy diversity re-rank picks what computing every similarity picks, ties and equal scores included. */
  @Test
  void lazyDiversityPicksAsTheEagerOne() {
    Random random = new Random(11);
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < 300; i++) {
      float[] v = new float[12];
      for (int d = 0; d < v.length; d++) v[d] = (float) random.nextGaussian();
      if (i % 50 == 1) v = new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; // duplicates: equal similarities
      // a second space (cosine 0 across spaces) and items without a vector
      String space = i % 7 == 0 ? "z" : "m";
      b.add(new Item("i" + i, "m", "T" + i, null, List.of(), "en", Map.of()), space, i % 23 == 0 ? null : v);
    }
    Catalog catalog = b.build().centred();
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(150);
      int[] candidates = random.ints(0, 300).distinct().limit(n).toArray();
      float[] scores = new float[n];
      float s = 10f;
      for (int c = 0; c < n; c++) scores[c] = s -= random.nextInt(3) == 0 ? 0f : random.nextFloat(); // some ties
      int k = 1 + random.nextInt(30);
      double diversity = trial % 10 == 0 ? 0 : trial % 10 == 1 ? 1 : random.nextDouble();
      assertEquals(java.util.Arrays.toString(eagerly(catalog, candidates, scores, k, diversity)),
          java.util.Arrays.toString(InterestRecommender.diversify(catalog, candidates, scores, k, diversity)),
          "trial " + trial);
    }
  }

  /** Maximal marginal relevance computing every candidate's similarity to every pick. */
  private static int[] eagerly(Catalog catalog, int[] candidates, float[] scores, int k, double diversity) {
    int n = candidates.length, picks = Math.min(k, n);
    int[] out = new int[picks];
    float best = scores[0], worst = scores[n - 1];
    float range = best > worst ? best - worst : 1f;
    float[] maxSim = new float[n];
    java.util.Arrays.fill(maxSim, -1f);
    boolean[] taken = new boolean[n];
    for (int p = 0; p < picks; p++) {
      int choice = -1;
      double choiceValue = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        if (taken[c]) continue;
        double relevance = (scores[c] - worst) / range;
        double value = (1 - diversity) * relevance - (p == 0 ? 0 : diversity * maxSim[c]);
        if (choice < 0 || value > choiceValue) {
          choiceValue = value;
          choice = c;
        }
      }
      taken[choice] = true;
      out[p] = choice;
      for (int c = 0; c < n; c++) {
        if (!taken[c]) maxSim[c] = Math.max(maxSim[c], catalog.similarity(candidates[c], candidates[choice]));
      }
    }
    return out;
  }

  @Test
  void twoTastesBecomeTwoInterestsAndBothAreServed() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("notting", 5, 2), rating("aliens", 4, 3),
        rating("love", 4, 4));
    InterestProfile p = recommender.interests(history, TextVectors.NONE).profiles().get("m");
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
    // a book for a film taste: the reason says where the taste came from
    assertTrue(dune.reason().startsWith("From your movies: because you rated “"), dune.reason());
    assertTrue(dune.reason().contains("“Alien” 5★") && dune.reason().contains("“Aliens” 4★"), dune.reason());
    assertTrue(dune.reason().endsWith("(your Sci-Fi interest)"), dune.reason());
  }

  @Test
  void repeatedEventsOnOneItemCountOnceWithTheirStrongestWeight() {
    Event tag = new Event("u", "alien", EventType.REVIEW, Double.NaN, 2L, null, null, "space", Map.of());
    InterestProfile tagged = recommender.interests(List.of(rating("alien", 5, 1), tag, tag, tag), TextVectors.NONE)
        .profiles().get("m");
    InterestProfile rated = recommender.interests(List.of(rating("alien", 5, 1)), TextVectors.NONE).profiles().get("m");
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
    Model m = Models.create(ShiftRecModel.NAME); // the recommender's scoring
    m.fit(d, 1);
    float[] s = new float[catalog.size()];
    m.score(0, s);
    assertTrue(s[catalog.indexOf("aliens")] > s[catalog.indexOf("pan")]);
    assertTrue(s[catalog.indexOf("emma")] > s[catalog.indexOf("pan")]);
    List<Recommendation> recs = recommender.recommend(List.of(rating("alien", 5, 1), rating("notting", 4, 2)), 1,
        null, false, 0);
    assertEquals(s[catalog.indexOf(recs.get(0).item().id())], recs.get(0).score(), 1e-6f);
  }

  /** Behaviour text embedded on the romance axis, as an encoder would place "a sweet love story". */
  private TextVectors romanceWords() {
    Catalog.Space space = recommender.catalog().spaces().get("m");
    return text -> text.startsWith("love") ? new TextVectors.Placed("m", space.place(new float[] {0f, 1f, 0.05f}))
        : null;
  }

  @Test
  void aSearchQueryAloneOpensAnInterestThatRecommendationsFollow() {
    Event search = new Event("u", null, EventType.SEARCH, Double.NaN, 1L, null, null, "love stories", Map.of());
    UserInterests user = recommender.interests(List.of(search), romanceWords());
    assertEquals(1, user.profiles().get("m").interests().size());
    List<Recommendation> books = recommender.recommend(user, 1, "books", true, 0);
    assertEquals("emma", books.get(0).item().id());
    assertEquals(null, books.get(0).reason(), "no history item to name, so no invented reason");
    assertTrue(recommender.interests(List.of(search), TextVectors.NONE).profiles().isEmpty());
  }

  @Test
  void reviewWordsPullTheInterestTowardsWhatTheyDescribe() {
    Event review = new Event("u", "solaris", EventType.REVIEW, 5, 2L, null, null, "love across the stars", Map.of());
    List<Event> history = List.of(rating("alien", 5, 1), review);
    float[] romance = recommender.catalog().vector(recommender.catalog().indexOf("notting"));
    float plain = closest(recommender.interests(history, TextVectors.NONE), romance);
    float worded = closest(recommender.interests(history, romanceWords()), romance);
    assertTrue(worded > plain + 0.05f, plain + " -> " + worded);
  }

  private static float closest(UserInterests user, float[] v) {
    float best = -1f;
    for (var k : user.profiles().get("m").interests()) {
      best = Math.max(best, io.shiftrec.core.Vectors.dot(k.centroid(), v));
    }
    return best;
  }

  @Test
  void aStrongerLaterEventEqualsItsWeightAtTheItemsFirstEvent() {
    Event view = new Event("u", "alien", EventType.VIEW, Double.NaN, 1L, null, null, null, Map.of());
    UserInterests incremental = recommender.interests(List.of(view, rating("notting", 4, 2), rating("alien", 5, 3)),
        TextVectors.NONE);
    Catalog c = recommender.catalog();
    InterestProfile direct = new InterestProfile(InterestConfig.defaults(), 3);
    direct.observe(c.vector(c.indexOf("alien")), 2.0, 1L, c.indexOf("alien"), List.of("Sci-Fi"));
    direct.observe(c.vector(c.indexOf("notting")), 1.0, 2L, c.indexOf("notting"), List.of("Romance"));
    assertTrue(java.util.Arrays.equals(direct.toBytes(), incremental.profiles().get("m").toBytes()));
    assertEquals(EventType.RATING, incremental.evidence(c.indexOf("alien")).event().type());
  }

  @Test
  void indexedRetrievalFindsWhatTheScanFinds() {
    // 3,000 items in 12 topics of a 24-dimensional space; users like a few items of two or three topics.
    Random rnd = new Random(7);
    int dims = 24, topics = 12;
    float[][] centres = new float[topics][dims];
    for (float[] c : centres) for (int j = 0; j < dims; j++) c[j] = (float) rnd.nextGaussian();
    Catalog.Builder builder = Catalog.builder();
    for (int i = 0; i < 3000; i++) {
      float[] v = centres[i % topics].clone();
      for (int j = 0; j < dims; j++) v[j] += (float) (0.8 * rnd.nextGaussian());
      builder.add(item("i" + i, i % 2 == 0 ? "even" : "odd", "Item " + i, "topic" + i % topics), "m", v);
    }
    Catalog big = builder.build();
    InterestRecommender scan = InterestRecommender.withDefaults(big);
    InterestRecommender indexed = scan.indexed(AnnIndex.Params.DEFAULT, 42);
    assertTrue(indexed.isIndexed() && !scan.isIndexed());
    double overlap = 0;
    int users = 40;
    for (int u = 0; u < users; u++) {
      List<Event> history = new java.util.ArrayList<>();
      for (int e = 0; e < 12; e++) {
        int topic = (u + (e % 3) * 5) % topics;
        history.add(rating("i" + (topic + topics * rnd.nextInt(250)), 4 + rnd.nextInt(2), e));
      }
      String domain = u % 4 == 0 ? "odd" : null;
      List<Recommendation> exact = scan.recommend(history, 10, domain, false, 0);
      List<Recommendation> approx = indexed.recommend(history, 10, domain, false, 0);
      Set<String> seen = new HashSet<>();
      for (Event e : history) seen.add(e.item());
      Set<String> truth = new HashSet<>();
      for (Recommendation r : exact) truth.add(r.item().id());
      for (Recommendation r : approx) {
        assertTrue(!seen.contains(r.item().id()), "seen item recommended: " + r.item().id());
        if (domain != null) assertEquals(domain, r.item().domain());
        if (truth.contains(r.item().id())) overlap++;
      }
      assertEquals(10, approx.size());
    }
    overlap /= users * 10.0;
    assertTrue(overlap >= 0.95, "indexed top 10 shares " + overlap + " of the exact top 10");
  }

  @Test
  void aDomainsOwnInterestsComeFromItsItemsOnly() {
    List<Event> history = List.of(rating("alien", 5, 1), rating("emma", 5, 2), rating("aliens", 4, 3),
        rating("dune", 4, 4));
    UserInterests all = recommender.interests(history, TextVectors.NONE);
    UserInterests books = all.forDomain("books");
    assertEquals(2, all.profiles().get("m").interests().size());
    assertEquals(2, books.profiles().get("m").interests().size(), "Dune and Emma are two tastes");
    assertEquals(2, books.profiles().get("m").observed());
    assertEquals(1, all.forDomain("movies").profiles().get("m").interests().size());
    assertTrue(all.forDomain("kitchen").profiles().isEmpty());
  }

  @Test
  void aContextKeepsTheInterestsShownInItAndEverythingSeen() {
    Event onTv = new Event("u", "alien", EventType.RATING, 5, 1L, null, null, null, Map.of("device", "tv"));
    Event onPhone = new Event("u", "notting", EventType.RATING, 5, 2L, null, null, null, Map.of("device", "phone"));
    UserInterests all = recommender.interests(List.of(onTv, onPhone), TextVectors.NONE);
    UserInterests tv = all.forContext(Map.of("device", "tv"));
    assertEquals(1, tv.profiles().get("m").interests().size());
    assertEquals("dune", recommender.recommend(tv, 1, "books", false, 0).get(0).item().id());
    assertEquals("emma", recommender.recommend(all.forContext(Map.of("device", "phone")), 1, "books", false, 0)
        .get(0).item().id());
    assertTrue(tv.hasSeen(recommender.catalog().indexOf("notting")), "seen in another context stays seen");
    assertTrue(all.forContext(Map.of("device", "radio")) == all, "never in that context: all interests");
    assertTrue(all.forContext(Map.of()) == all);
  }

  @Test
  void scoresByColumnsEqualADotProductPerItemBitForBit() {
    // 2,500 items (more than one block of the scorer) in 10 dimensions (not a multiple of its four partial sums)
    Random random = new Random(7);
    int n = 2500, d = 10;
    Catalog.Builder builder = Catalog.builder();
    for (int i = 0; i < n; i++) {
      float[] v = new float[d];
      for (int j = 0; j < d; j++) v[j] = (float) random.nextGaussian();
      builder.add(item("i" + i, "d", "Item " + i, "c"), "m", v);
    }
    Catalog.Space space = builder.build().spaces().get("m");
    InterestProfile profile = new InterestProfile(InterestConfig.defaults(), d);
    for (int t = 0; t < 40; t++) {
      int row = random.nextInt(n);
      profile.observe(java.util.Arrays.copyOfRange(space.vectors, row * d, (row + 1) * d), 1.0, t,
          space.itemIndex[row], null);
    }
    assertTrue(profile.interests().size() > 1, "several interests, so their sum's order is tested too");
    float[] scores = new float[n];
    ShiftRecModel.scoreSpace(profile, space, ShiftRecModel.DEFAULT_TEMPERATURE, scores);
    double[] mixture = new double[profile.interests().size()];
    profile.mixture(mixture);
    float inv = 1f / ShiftRecModel.DEFAULT_TEMPERATURE;
    for (int r = 0; r < n; r++) {
      float expected = 0f;
      for (int k = 0; k < mixture.length; k++) {
        if (mixture[k] <= 0) continue;
        float cos = io.shiftrec.core.Vectors.dot(space.vectors, r * d, profile.interests().get(k).centroid(), d);
        expected += (float) mixture[k] * ShiftRecModel.kernel(cos, inv);
      }
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(scores[space.itemIndex[r]]), "item " + r);
    }
  }
}
