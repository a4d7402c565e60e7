package io.shiftrec.ranker;

import io.shiftrec.candidates.Model;
import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LearnedRankerModelTest {
  private static final int ITEMS = 60;
  private static final int GROUPS = 3;
  private static final int USERS = 300;
  /** The item the weak part likes most, for everyone: outside every user's taste group but the last. */
  private static final int WEAK_FAVOURITE = ITEMS - 1;

  /** User u likes the 20 items of group u % 3; each user took 8 of them, one at a time. */
  private static TrainingData tasteGroups() {
    Catalog.Builder c = Catalog.builder();
    for (int i = 0; i < ITEMS; i++) c.add(new Item("i" + i, "A", "t" + i, null, null, "en", null), null, null);
    String[] users = new String[USERS];
    for (int u = 0; u < USERS; u++) users[u] = "u" + u;
    TrainingData.Builder b = TrainingData.builder(c.build(), users);
    SplittableRandom random = new SplittableRandom(5);
    int perGroup = ITEMS / GROUPS;
    for (int u = 0; u < USERS; u++) {
      int[] taken = random.ints(0, perGroup).distinct().limit(8).toArray();
      for (int t = 0; t < taken.length; t++) b.add(u, (u % GROUPS) * perGroup + taken[t], 1f, t);
    }
    return b.build();
  }

  private static boolean inTaste(int user, int item) {
    return item / (ITEMS / GROUPS) == user % GROUPS;
  }

  /** A deterministic pseudo-random number in [0, 1) for (user, item, salt). */
  private static float noise(int user, int item, int salt) {
    return (float) new SplittableRandom(((long) user * 7919 + item) * 104_729 + salt).nextDouble();
  }

  /** A part that scores with a fixed function of (user, item), whatever it is fit on. */
  private static Supplier<Model> part(String name, ScoreFunction f) {
    return () -> new Model() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void fit(TrainingData train, long seed) {}

      @Override
      public void score(int user, float[] scoresOut) {
        for (int i = 0; i < scoresOut.length; i++) scoresOut[i] = f.score(user, i);
      }
    };
  }

  @FunctionalInterface
  private interface ScoreFunction {
    float score(int user, int item);
  }

  /** Two parts that know the user's taste (with noise of their own) and a weak one that is noise plus one pet item. */
  private static LearnedRankerModel ranker() {
    return ranker(LearnedRankerModel.Config.defaults().with("lambdamart", "false"));
  }

  private static LearnedRankerModel ranker(LearnedRankerModel.Config config) {
    return new LearnedRankerModel("fused", config, List.of(
        part("taste-a", (u, i) -> (inTaste(u, i) ? 1f : 0f) + 0.8f * noise(u, i, 1)),
        part("taste-b", (u, i) -> (inTaste(u, i) ? 1f : 0f) + 0.8f * noise(u, i, 2)),
        part("weak", (u, i) -> i == WEAK_FAVOURITE ? 3f : noise(u, i, 3))));
  }

  @Test
  void learnsToTrustThePartsThatAgreeWithBehaviour() {
    LearnedRankerModel model = ranker();
    model.fit(tasteGroups(), 42);
    assertArrayEquals(new String[] {"taste-a", "taste-b", "weak", "log-popularity", "last-domain", "history-length",
        "group-popularity"},
        model.featureNames());
    double[] w = model.weights();
    assertTrue(w[0] > 0.5 && w[1] > 0.5, Arrays.toString(w));
    assertTrue(Math.abs(w[2]) < 0.25 * Math.min(w[0], w[1]), Arrays.toString(w));
    assertEquals(0.0, w[4], 1e-9, "one domain: the domain match never differs within a pair");
  }

  /**
   * With {@code lambdamart=auto} held-out items choose between the trees and the weighted sum, and the choice is what
   * is saved.
   */
  @Test
  void heldOutItemsChooseTheOrdering() {
    TrainingData data = tasteGroups();
    LearnedRankerModel chosen = ranker(LearnedRankerModel.Config.defaults().with("lambdamart", "auto"));
    chosen.fit(data, 42);
    Map<String, Object> fitted = chosen.fitted();
    assertTrue(fitted.get("held-out NDCG@10") instanceof Map<?, ?> m && m.containsKey("LambdaMART trees")
        && m.containsKey("weighted sum"), fitted.toString());
    boolean trees = fitted.get("ordered by").equals("LambdaMART trees");
    LearnedRankerModel explicit = ranker(LearnedRankerModel.Config.defaults().with("lambdamart", "" + trees));
    explicit.fit(data, 42);
    assertEquals(fitted.get("ordered by"), explicit.fitted().get("ordered by"));
    assertArrayEquals(explicit.weights(), chosen.weights());
  }

  /**
   * The blend adds the trees' and the weighted sum's scores, each standardised over the candidates: here the two
   * order the three candidates in exactly opposite ways, so the blend ties them.
   */
  @Test
  void theBlendAddsStandardisedScores() {
    float[] rows = {1f, 0f, 0f, 1f, 0.5f, 0.5f}; // three candidates, two features
    double[] trees = {-10, 30, 10}; // the trees put candidate 1 first, candidate 0 last
    LearnedRankerModel.blendWithSum(rows, 2, new double[] {1, 0}, trees); // the sum puts candidate 0 first
    assertArrayEquals(new double[] {0, 0, 0}, trees, 1e-9); // z(trees) = (−√1.5, √1.5, 0), z(sum) its negative
    float[] flat = {1f, 1f};
    double[] same = {2, 2};
    LearnedRankerModel.blendWithSum(flat, 1, new double[] {1}, same);
    assertArrayEquals(new double[] {0, 0}, same, 1e-12);
  }

  @Test
  void theSameSeedGivesTheSameWeights() {
    TrainingData data = tasteGroups();
    LearnedRankerModel a = ranker(), b = ranker();
    a.fit(data, 9);
    b.fit(data, 9);
    assertArrayEquals(a.weights(), b.weights());
  }

  /** Only parts the served ranker can compute from a history are scored: evaluation measures what is served. */
  @Test
  void partsThatCannotBeServedAreNotScored() {
    LearnedRankerModel model = ranker();
    model.fit(tasteGroups(), 42);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.score(0, new float[ITEMS]));
    assertTrue(e.getMessage().contains("taste-a"), e.getMessage());
  }

  @Test
  void standardisingGivesUnscorableItemsTheLowestScoreAndFlatFeaturesZero() {
    float[] v = {1f, 3f, Float.NEGATIVE_INFINITY, 3f};
    LearnedRankerModel.standardise(v);
    assertEquals(v[0], v[2]);
    assertTrue(v[1] > v[0]);
    double mean = 0;
    for (float x : v) mean += x;
    assertEquals(0, mean / v.length, 1e-6);
    float[] flat = {2f, 2f, 2f};
    LearnedRankerModel.standardise(flat);
    assertArrayEquals(new float[3], flat);
  }

  /**
   * With retrieval, the ranker orders only what some retriever ranks in its top N: here each of two retrievers' top
   * 2 unseen items; the feature that describes the request (the last column) retrieves nothing.
   */
  @Test
  void retrievalLeavesOnlyTheUnionOfEachRetrieversTopItems() {
    float[][] features = {{5f, 4f, 3f, 2f, 1f, 0f}, {0f, 1f, 2f, 3f, 4f, 5f}, {9f, 9f, 9f, 9f, 9f, 9f}};
    boolean[] seen = {true, false, false, false, false, false};
    boolean[] keep = LearnedRankerModel.candidates(features, 2, seen, 2);
    assertArrayEquals(new boolean[] {false, true, true, false, true, true}, keep);
    assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:candidates=-1"));
  }

  /** Per-domain retrieval finds each domain's own top items, even where another domain scores higher everywhere. */
  @Test
  void perDomainRetrievalFindsEveryDomainsTopItems() {
    float[] part = {9f, 8f, 7f, 6f, 1f, 0.5f, 0.2f};
    int[] domains = {0, 0, 0, 0, 1, 1, 1};
    boolean[] seen = new boolean[7];
    seen[4] = true;
    boolean[] across = LearnedRankerModel.candidates(new float[][] {part}, 1, seen, 2);
    assertArrayEquals(new boolean[] {true, true, false, false, false, false, false}, across);
    boolean[] perDomain = LearnedRankerModel.candidatesPerDomain(new float[][] {part}, 1, seen, 2, domains);
    assertArrayEquals(new boolean[] {true, true, false, false, false, true, true}, perDomain);
  }

  /** LambdaMART orders retrieved candidates: dropped with retrieval, and refused without it. */
  @Test
  void lambdaMartNeedsRetrieval() {
    LearnedRankerModel.Ordering better = LearnedRankerModel.Ordering.BETTER_ON_HELD_OUT;
    assertEquals(LearnedRankerModel.Ordering.BLEND, LearnedRankerModel.Config.defaults().ordering());
    LearnedRankerModel.Config trees = LearnedRankerModel.Config.defaults().with("lambdamart", "true");
    assertEquals(LearnedRankerModel.Ordering.LAMBDAMART, trees.ordering());
    assertEquals(LearnedRankerModel.Ordering.WEIGHTED_SUM, trees.with("candidates", "0").ordering());
    assertEquals(better, trees.with("lambdamart", "auto").ordering());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Models.create("shiftrec-learned:candidates=0:lambdamart=true"));
    assertTrue(e.getMessage().contains("set candidates > 0"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:lambdamart=yes"))
        .getMessage().contains("must be true, false, auto or blend"));
  }

  /** Further windows are features of their own, named after the part and the history length. */
  @Test
  void windowsReadTheRecentPartsOverOtherHistoryLengths() {
    LearnedRankerModel ranker = (LearnedRankerModel) Models.create("shiftrec-learned:windows=1+20:cold-items=0");
    assertEquals(List.of("shiftrec-adapter", "ials", "itemknn", "itemknn-recent", "next-item", "next-item-svd",
        "itemknn-recent@1", "itemknn-recent@20", "next-item@1", "next-item@20", "next-item-svd@1", "next-item-svd@20",
        "log-popularity", "last-domain", "history-length", "group-popularity"), List.of(ranker.featureNames()));
    assertEquals(List.of("shiftrec-adapter", "ials", "itemknn", "itemknn-recent", "next-item", "log-popularity",
        "last-domain"), List.of(((LearnedRankerModel) Models.create(
        "shiftrec-learned:windows=none:cold-items=0:next-item-svd=false:early-lists=0:groups=false")).featureNames()));
    for (String bad : List.of("windows=0", "windows=1+x", "windows=")) {
      assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:" + bad), bad);
    }
  }

  /**
   * By default the interest part is the interest model in a text adapter's space, named so; {@code adapter=false}
   * scores it in the raw space.
   */
  @Test
  void adapterSwapsTheInterestPart() {
    assertTrue(LearnedRankerModel.Config.defaults().adapter());
    assertEquals(List.of("shiftrec", "ials", "itemknn", "itemknn-recent", "next-item", "next-item-svd",
        "log-popularity", "last-domain", "cold-item", "cold-item-text", "history-length", "group-popularity"),
        List.of(((LearnedRankerModel) Models.create(
        "shiftrec-learned:adapter=false:windows=none:cold-items=0.1")).featureNames()));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:adapter=yes"))
        .getMessage().contains("adapter of shiftrec-learned must be true or false"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:next-item-svd=1"))
        .getMessage().contains("next-item-svd of shiftrec-learned must be true or false"));
  }

  /**
   * By default the ranker hides a tenth of the items' events while it learns, and two features tell it how to rank
   * an item without any: whether it is cold, and its text score if so. A ranker without a text part has neither.
   */
  @Test
  void coldItemFeaturesNeedATextPartAndAShare() {
    assertEquals(0.1, LearnedRankerModel.Config.defaults().coldItems());
    assertEquals(List.of("shiftrec-adapter", "ials", "itemknn", "itemknn-recent", "next-item", "next-item-svd",
        "log-popularity", "last-domain", "cold-item", "cold-item-text", "history-length", "group-popularity"),
        List.of(((LearnedRankerModel) Models.create("shiftrec-learned:windows=none")).featureNames()));
    assertEquals(List.of("taste-a", "taste-b", "weak", "log-popularity", "last-domain", "history-length", "group-popularity"),
        List.of(ranker(LearnedRankerModel.Config.defaults().with("cold-items", "0.1")).featureNames()));
    for (String bad : List.of("cold-items=1", "cold-items=-0.1", "cold-items=some")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Models.create("shiftrec-learned:" + bad), bad);
      assertTrue(e.getMessage().contains("cold-items"), e.getMessage());
    }
  }

  /**
   * {@code held-out=cross-domain} learns from users active in two domains, the users cross-domain requests come
   * from; with fewer than 100 of them it falls back to every user. The report counts them either way.
   */
  @Test
  void heldOutUsersCanBeTheCrossDomainOnes() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:held-out=some"))
        .getMessage().contains("must be all or cross-domain"));
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < 40; i++) {
      b.add(new Item("i" + i, i < 20 ? "movies" : "books", "t" + i, null, List.of(), "en", Map.of()), "m",
          new float[] {1f, i, 0.5f});
    }
    Catalog catalog = b.build();
    List<Event> events = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int u = 0; u < 300; u++) { // users 0–149 stay in movies, 150–299 take movies and then books
      for (int k = 0; k < 6; k++) {
        int item = u < 150 || k < 3 ? random.nextInt(20) : 20 + random.nextInt(20);
        events.add(new Event("u" + u, "i" + item, EventType.RATING, 5, (long) k, null, null, null, Map.of()));
      }
    }
    TrainingData train = TrainingData.fromEvents(catalog, events);
    for (String heldOut : List.of("all", "cross-domain")) {
      LearnedRankerModel m = (LearnedRankerModel) Models.create(
          "shiftrec-learned:windows=none:lambdamart=false:held-out=" + heldOut);
      m.fit(train, 1);
      Map<?, ?> users = (Map<?, ?>) m.fitted().get("held-out users");
      int across = ((Number) users.get("in two domains")).intValue();
      if (heldOut.equals("all")) assertTrue(across < ((Number) users.get("users")).intValue(), users.toString());
      else assertEquals(users.get("users"), users.get("in two domains"));
    }
  }

  /**
   * With {@code early-lists} a share of the held-out users is held out after one to five of their first events, the
   * rest of their history hidden from the parts, and the ranker reads the history's length; the served ranker
   * computes that feature too. Without, neither.
   */
  @Test
  void earlyListsTeachTheRankerWhatANewcomerLooksLike() {
    TrainingData data = tasteGroups();
    LearnedRankerModel none = ranker(LearnedRankerModel.Config.defaults().with("early-lists", "0"));
    none.fit(data, 42);
    assertFalse(List.of(none.featureNames()).contains("history-length"));
    assertEquals(0, ((Map<?, ?>) none.fitted().get("held-out users")).get("held out after their first events"));
    LearnedRankerModel all = ranker(LearnedRankerModel.Config.defaults().with("early-lists", "1"));
    all.fit(data, 42);
    assertTrue(List.of(all.featureNames()).contains("history-length"));
    Map<?, ?> users = (Map<?, ?>) all.fitted().get("held-out users");
    assertEquals(users.get("users"), users.get("held out after their first events"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:groups=maybe"))
        .getMessage().contains("groups of shiftrec-learned must be true or false"));
    for (String bad : List.of("early-lists=1.5", "early-lists=-0.1", "early-lists=few")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Models.create("shiftrec-learned:" + bad), bad);
      assertTrue(e.getMessage().contains("early-lists"), e.getMessage());
    }
  }

  @Test
  void hyperparametersGoAfterTheName() {
    Model m = Models.create("shiftrec-learned:negatives=5:l2=0.01");
    assertEquals("shiftrec-learned:negatives=5:l2=0.01", m.name());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:depth=3"))
        .getMessage().contains("negatives, l2, recent, same-domain, candidates"));
    assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:negatives=0"));
    assertThrows(IllegalArgumentException.class, () -> Models.create("shiftrec-learned:same-domain=maybe"));
  }
}
