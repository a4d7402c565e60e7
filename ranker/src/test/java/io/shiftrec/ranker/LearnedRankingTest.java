package io.shiftrec.ranker;

import io.shiftrec.candidates.NextItemSvdModel;
import io.shiftrec.core.Recommendation;
import io.shiftrec.candidates.ShiftRecModel;
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
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.learn.LowRank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The learned ranker as served: from a saved artefact, for users and items it was never trained on. */
class LearnedRankingTest {
  private static final int GROUPS = 3;
  private static final int PER_GROUP = 20;
  private static final int USERS = 240;
  private static final int DIM = 8;

  /** Items of three groups: vectors near their group's axis, so text alone tells the groups apart (weakly). */
  private static Catalog catalog(boolean withFreshItem) {
    SplittableRandom random = new SplittableRandom(1);
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < GROUPS * PER_GROUP; i++) b.add(item("i" + i), "m", near(i / PER_GROUP, random));
    if (withFreshItem) b.add(item("fresh"), "m", near(2, new SplittableRandom(99)));
    return b.build();
  }

  private static Item item(String id) {
    return new Item(id, "movies", "Title " + id, null, List.of(), "en", Map.of());
  }

  private static float[] near(int group, SplittableRandom random) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) v[d] = (float) (random.nextGaussian() * 0.6);
    v[group] += 1f;
    return v;
  }

  private static Event rating(String user, String item, long clock) {
    return new Event(user, item, EventType.RATING, 5, clock, null, null, null, Map.of());
  }

  /**
   * User u takes 8 items of group u % 3; within a group, items come in pairs (2j, 2j + 1) that are always taken
   * together, the behaviour text cannot see.
   */
  private static List<Event> events() {
    SplittableRandom random = new SplittableRandom(5);
    List<Event> out = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      int group = u % GROUPS;
      int[] pairs = random.ints(0, PER_GROUP / 2).distinct().limit(4).toArray();
      long clock = 0;
      for (int p : pairs) {
        out.add(rating("u" + u, "i" + (group * PER_GROUP + 2 * p), clock++));
        out.add(rating("u" + u, "i" + (group * PER_GROUP + 2 * p + 1), clock++));
      }
    }
    return out;
  }

  private static LearnedRankerModel fitted(TrainingData train, LearnedRankerModel.Config config) {
    LearnedRankerModel model = LearnedRankerModel.withDefaultParts(LearnedRankerModel.NAME, config);
    model.fit(train, 7);
    return model;
  }

  private static final Catalog CATALOG = catalog(false);
  private static final List<Event> EVENTS = events();
  private static final TrainingData TRAIN = TrainingData.fromEvents(CATALOG, EVENTS);
  private static final LearnedRankerModel MODEL = fitted(TRAIN, LearnedRankerModel.Config.defaults());
  private static final RankerArtifact ARTIFACT = MODEL.artifact();

  private static List<Event> historyOf(String user) {
    return EVENTS.stream().filter(e -> e.user().equals(user)).toList();
  }

  private static InterestRecommender served(Catalog catalog) {
    return served(catalog, ARTIFACT);
  }

  private static InterestRecommender served(Catalog catalog, RankerArtifact artifact) {
    return InterestRecommender.withDefaults(catalog,
        LearnedRanking.Trained.of(RankerArtifact.fromBytes(artifact.toBytes()), "shiftrec-learned v1"));
  }

  private static Set<String> ids(List<Recommendation> recs) {
    Set<String> out = new HashSet<>();
    for (Recommendation r : recs) out.add(r.item().id());
    return out;
  }

  @Test
  void artefactRoundTripsAndRefusesBrokenBytes() {
    byte[] bytes = ARTIFACT.toBytes();
    assertEquals(ARTIFACT, RankerArtifact.fromBytes(bytes));
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> RankerArtifact.fromBytes(Arrays.copyOf(bytes, bytes.length / 2)));
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
    byte[] otherFormat = bytes.clone();
    otherFormat[3] = 99;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RankerArtifact.fromBytes(otherFormat))
        .getMessage().contains("format 99"));
    RankerArtifact unknown = new RankerArtifact(new String[] {"mood"}, new double[] {1}, 5, 0, false, ARTIFACT.itemIds(),
        ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(),
        ARTIFACT.popularity(), "", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearnedRanking.Trained.of(unknown, "x").over(CATALOG, 0.2f));
    assertTrue(e.getMessage().contains("'mood'"), e.getMessage());
    for (String feature : List.of("next-item@x", "next-item@0", "ials@5")) { // only recent-items parts read @N
      RankerArtifact windowed = new RankerArtifact(new String[] {feature}, new double[] {1}, 5, 0, false,
          ARTIFACT.itemIds(), ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
          ARTIFACT.nextItems(), ARTIFACT.popularity(), "", null);
      IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
          () -> LearnedRanking.Trained.of(windowed, "x").over(CATALOG, 0.2f));
      assertTrue(w.getMessage().contains("'" + feature + "'"), w.getMessage());
    }
    RankerArtifact coldWithoutText = new RankerArtifact(new String[] {"ials", "cold-item-text"}, new double[] {1, 1},
        5, 0, false, ARTIFACT.itemIds(), ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
        ARTIFACT.nextItems(), ARTIFACT.popularity(), "", null);
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> LearnedRanking.Trained.of(coldWithoutText, "x").over(CATALOG, 0.2f));
    assertTrue(c.getMessage().contains("'cold-item-text' without the interests"), c.getMessage());
  }

  /** Saved trees LightGBM cannot read, or trees without retrieval, are refused with a message naming them. */
  @Test
  void brokenTreesAreRefused() {
    RankerArtifact garbled = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), 5, 100, false,
        ARTIFACT.itemIds(), ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
        ARTIFACT.nextItems(), ARTIFACT.popularity(), "not trees", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearnedRanking.Trained.of(RankerArtifact.fromBytes(garbled.toBytes()), "x"));
    assertTrue(e.getMessage().contains("not a LightGBM model"), e.getMessage());
    IllegalArgumentException noRetrieval = assertThrows(IllegalArgumentException.class,
        () -> new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), 5, 0, false, ARTIFACT.itemIds(),
            ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(),
            ARTIFACT.popularity(), "tree", null));
    assertTrue(noRetrieval.getMessage().contains("retrieves none"), noRetrieval.getMessage());
    IllegalArgumentException blendWithoutTrees = assertThrows(IllegalArgumentException.class,
        () -> new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), 5, 100, false, ARTIFACT.itemIds(),
            ARTIFACT.rank(), 1f, 1f, ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(),
            ARTIFACT.popularity(), "", null, true, null));
    assertTrue(blendWithoutTrees.getMessage().contains("without trees"), blendWithoutTrees.getMessage());
  }

  /**
   * One code path: what the harness scores for a training user ({@code evaluate}) is what {@code recommend} and the
   * server answer from the saved artefact and the user's events, whether trees or the weighted sum order the
   * candidates its parts retrieve, or the weighted sum orders the whole catalogue.
   */
  @Test
  void harnessScoresWhatIsServed() {
    assertServedEqualsHarness(MODEL, ARTIFACT);
    assertTrue(List.of(ARTIFACT.features()).contains("next-item@20"), "the windows are served");
    LearnedRankerModel retrieving = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("candidates", "6"));
    assertServedEqualsHarness(retrieving, retrieving.artifact());
    LearnedRankerModel trees = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("lambdamart", "true"));
    assertTrue(trees.artifact().trees().startsWith("tree"), "LightGBM's model text");
    assertServedEqualsHarness(trees, trees.artifact());
    LearnedRankerModel whole = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("candidates", "0"));
    assertServedEqualsHarness(whole, whole.artifact());
    LearnedRankerModel blended = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("lambdamart", "blend"));
    assertTrue(blended.artifact().blend() && !blended.artifact().trees().isEmpty());
    assertServedEqualsHarness(blended, blended.artifact());
  }

  private static void assertServedEqualsHarness(LearnedRankerModel model, RankerArtifact artifact) {
    InterestRecommender served = served(CATALOG, artifact);
    float[] scores = new float[CATALOG.size()];
    for (int u = 0; u < 30; u++) {
      model.score(u, scores);
      List<Recommendation> answer = served.recommend(historyOf(TRAIN.userId(u)), 5, null, false, 0);
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
      List<String> harness = new ArrayList<>();
      for (int r = 0; r < answer.size(); r++) harness.add(CATALOG.item(order[r]).id());
      List<String> ids = new ArrayList<>();
      for (Recommendation r : answer) ids.add(r.item().id());
      assertEquals(5, ids.size());
      assertEquals(harness, ids, "user " + u);
      for (int r = 0; r < answer.size(); r++) assertEquals(scores[order[r]], answer.get(r).score(), 0f);
    }
  }

  /**
   * A user the model never saw: the pair partner of what they took last comes first, with a sequential reason that
   * names the item others took it after (every user takes 2j right before 2j + 1, so a user's earlier pairs are
   * complete: the ranker, which learns from users' first events too, puts the latest item's partner first), and
   * after a single item its partner does.
   */
  @Test
  void newUserGetsThePartnerOfTheirLatestItem() {
    List<Event> history = List.of(rating("new", "i20", 1), rating("new", "i24", 2), rating("new", "i30", 3));
    for (int known = 1; known <= history.size(); known++) {
      List<Recommendation> recs = served(CATALOG).recommend(history.subList(0, known), 3, null, true, 0);
      String latest = history.get(known - 1).item();
      String partner = "i" + (Integer.parseInt(latest.substring(1)) + 1);
      assertEquals(partner, recs.get(0).item().id(), known + " items: " + ids(recs));
      assertTrue(recs.get(0).reason().contains("“Title " + latest + "”")
          && recs.get(0).reason().endsWith("(often chosen next)"), recs.get(0).reason());
    }
  }

  /**
   * An item added after training has no factors or neighbours, yet ranks for users of its group on its text when the
   * ranker learned how far text carries such an item, from items whose events it hid while learning
   * ({@code cold-items}). Without that, every held-out item here follows its partner, the last item alone predicts
   * it, and the new item rarely shows.
   */
  @Test
  void itemAddedAfterTrainingIsRecommendableWithColdItems() {
    Catalog grown = catalog(true);
    int shownWithoutColdItems = shownToItsGroup(served(grown, fitted(TRAIN, LearnedRankerModel.Config.defaults()
        .with("cold-items", "0")).artifact()));
    LearnedRankerModel cold = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("cold-items", "0.1"));
    assertTrue(cold.fitted().get("cold items") instanceof Map<?, ?> m
        && ((Number) m.get("made cold")).intValue() == GROUPS * PER_GROUP / 10, cold.fitted().toString());
    RankerArtifact artifact = cold.artifact();
    assertServedEqualsHarness(cold, artifact);
    InterestRecommender served = served(grown, artifact);
    int shown = shownToItsGroup(served);
    assertTrue(shown >= 5 && shown > shownWithoutColdItems, "the new item reached " + shown + " of 20 users of its"
        + " group, " + shownWithoutColdItems + " without cold items");
    float[] scores = scoresOf(LearnedRanking.Trained.of(artifact, "v").over(grown, 0.2f), "u0");
    assertTrue(Float.isFinite(scores[grown.indexOf("fresh")]));
    assertEquals("shiftrec-learned v1", served.model());
  }

  /** How many of 20 users of group 2 find the new item of that group in their top 10. */
  private static int shownToItsGroup(InterestRecommender served) {
    int shown = 0;
    for (int u = 2; u < 60; u += GROUPS) {
      if (ids(served.recommend(historyOf("u" + u), 10, null, false, 0)).contains("fresh")) shown++;
    }
    return shown;
  }

  /**
   * A ranker fit with {@code adapter=true} carries its text adapter: served, it builds interests and scores in the
   * adapted space (every vector, queries too) and agrees with the trained model.
   */
  @Test
  void rankerWithATextAdapterServesInTheAdaptersSpace() {
    LearnedRankerModel model = fitted(TRAIN, LearnedRankerModel.Config.defaults().with("adapter", "true"));
    RankerArtifact artifact = model.artifact();
    assertTrue(List.of(artifact.features()).contains(ShiftRecModel.ADAPTER), List.of(artifact.features()).toString());
    assertTrue(artifact.adapter() != null, "the adapter travels with the ranker");
    assertEquals(artifact, RankerArtifact.fromBytes(artifact.toBytes()));
    assertTrue(model.fitted().containsKey(ShiftRecModel.ADAPTER), "what the adapter chose is reported");
    assertEquals("reused", ((Map<?, ?>) model.fitted().get(ShiftRecModel.ADAPTER)).get("selection"),
        "the saved fit reuses the choice of the held-out fit");
    InterestRecommender served = served(CATALOG, artifact);
    Catalog.Space adapted = artifact.adapter().adapted(CATALOG.centred()).spaces().get("m");
    assertArrayEquals(adapted.vectors, served.catalog().spaces().get("m").vectors, 1e-6f);
    float[] raw = {1f, 0.5f, 0f, 0f, 0.2f, 0f, 0f, 0f};
    assertArrayEquals(adapted.place(raw), served.catalog().spaces().get("m").place(raw), 1e-6f);
    assertServedEqualsHarness(model, artifact);
    // an item added after training is centred as the training items were: the others keep their vectors, and the
    // ranker laid over the grown catalogue after the first (projecting one row) equals one laid over it afresh
    LearnedRanking.Trained trained = LearnedRanking.Trained.of(artifact, "v");
    Catalog grown = catalog(true);
    Catalog before = trained.over(CATALOG, 0.2f).catalog(), after = trained.over(grown, 0.2f).catalog();
    Catalog fresh = LearnedRanking.Trained.of(artifact, "v").over(grown, 0.2f).catalog();
    for (int i = 0; i < grown.size(); i++) {
      String id = grown.item(i).id();
      assertArrayEquals(fresh.vector(i), after.vector(i), id);
      if (CATALOG.indexOf(id) >= 0) assertArrayEquals(before.vector(CATALOG.indexOf(id)), after.vector(i), id);
    }
  }

  /**
   * Rankers saved before the groups (format 8), the short histories' weights (format 7), the migration boost (format 6), the low-rank rules
   * (format 5), the blend (format 4) and the adapter (format 3) were added to the layout are still read, as ones
   * without them (the default boost); bytes after the end are refused.
   */
  @Test
  void earlierFormatsAreRead() {
    RankerArtifact withoutSmoothed = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(),
        ARTIFACT.recentItems(), ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(),
        ARTIFACT.regularization(), ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
        ARTIFACT.nextItems(), ARTIFACT.popularity(), ARTIFACT.trees(), null, ARTIFACT.blend(), null);
    byte[] now = withoutSmoothed.toBytes(); // no adapter either: format 3 had none
    byte[] eight = Arrays.copyOf(now, now.length - 4); // format 9 ends with the groups' byte count, 0 here
    eight[3] = 8;
    assertEquals(withoutSmoothed, RankerArtifact.fromBytes(eight));
    now = eight;
    byte[] seven = Arrays.copyOf(now, now.length - 4); // format 8 ends with the short histories' length, 0 here
    seven[3] = 7;
    assertEquals(withoutSmoothed, RankerArtifact.fromBytes(seven));
    now = seven;
    byte[] six = Arrays.copyOf(now, now.length - 8); // format 7 ends with the migration boost, a double
    six[3] = 6;
    assertEquals(withoutSmoothed, RankerArtifact.fromBytes(six));
    byte[] five = Arrays.copyOf(now, now.length - 12); // then the low-rank rules' rank, 0 here
    five[3] = 5;
    assertEquals(withoutSmoothed, RankerArtifact.fromBytes(five));
    byte[] four = Arrays.copyOf(now, now.length - 13); // then the blend flag
    four[3] = 4;
    RankerArtifact unblended = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), ARTIFACT.recentItems(),
        ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(), ARTIFACT.regularization(),
        ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(), ARTIFACT.popularity(),
        ARTIFACT.trees(), null);
    assertEquals(unblended, RankerArtifact.fromBytes(four));
    byte[] three = Arrays.copyOf(now, now.length - 17); // then the adapter's byte count, 0 here
    three[3] = 3;
    RankerArtifact read = RankerArtifact.fromBytes(three);
    assertEquals(unblended, read);
    assertEquals(null, read.adapter());
    byte[] trailing = Arrays.copyOf(ARTIFACT.toBytes(), ARTIFACT.toBytes().length + 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RankerArtifact.fromBytes(trailing)).getMessage()
        .contains("trailing"));
  }

  /**
   * Weights for short histories, when the ranker has them, order the candidates of users with at most that many
   * items; longer histories are ranked by the other weights. They travel with the ranker.
   */
  @Test
  void shortHistoriesHaveWeightsOfTheirOwn() {
    double[] popularityOnly = new double[ARTIFACT.features().length];
    popularityOnly[Arrays.asList(ARTIFACT.features()).indexOf("log-popularity")] = 1;
    RankerArtifact twoSets = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), ARTIFACT.recentItems(),
        ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(), ARTIFACT.regularization(),
        ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(), ARTIFACT.popularity(),
        ARTIFACT.trees(), ARTIFACT.adapter(), ARTIFACT.blend(), ARTIFACT.smoothedRules(), ARTIFACT.migrationBoost(),
        5, popularityOnly, ARTIFACT.groups());
    RankerArtifact read = RankerArtifact.fromBytes(twoSets.toBytes());
    assertEquals(twoSets, read);
    assertTrue(!twoSets.equals(ARTIFACT));
    InterestRecommender one = served(CATALOG), two = served(CATALOG, read);
    float[] a = new float[CATALOG.size()], b = new float[CATALOG.size()];
    List<Event> history = historyOf("u1");
    one.score(one.interests(history, TextVectors.NONE), a);
    two.score(two.interests(history, TextVectors.NONE), b);
    assertArrayEquals(a, b, "8 items: the longer histories' weights");
    List<Event> first = history.subList(0, 3);
    one.score(one.interests(first, TextVectors.NONE), a);
    two.score(two.interests(first, TextVectors.NONE), b);
    assertFalse(Arrays.equals(a, b), "3 items: the short histories' weights");
    for (double[] bad : new double[][] {null, new double[1]}) {
      assertThrows(IllegalArgumentException.class, () -> new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(),
          ARTIFACT.recentItems(), ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(),
          ARTIFACT.regularization(), ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
          ARTIFACT.nextItems(), ARTIFACT.popularity(), ARTIFACT.trees(), ARTIFACT.adapter(), ARTIFACT.blend(),
          ARTIFACT.smoothedRules(), ARTIFACT.migrationBoost(), 5, bad, null));
    }
  }

  /**
   * Users of three teams each start with the same item, then take items of their team's group. A newcomer who took
   * only that item is ranked by what their team took: the ranker reads the group's popularity from the attributes the
   * user gave, saved with it; the same newcomer without attributes gets no such help.
   */
  @Test
  void aNewcomersGroupTellsWhatTheyWillTake() {
    SplittableRandom random = new SplittableRandom(11);
    List<Event> events = new ArrayList<>();
    Map<String, Map<String, Object>> teams = new java.util.HashMap<>();
    for (int u = 0; u < 300; u++) {
      int team = u % GROUPS;
      teams.put("u" + u, Map.of("team", "t" + team));
      events.add(rating("u" + u, "i59", 0));
      int[] taken = random.ints(0, PER_GROUP - 1).distinct().limit(5).toArray();
      for (int k = 0; k < taken.length; k++) events.add(rating("u" + u, "i" + (team * PER_GROUP + taken[k]), k + 1));
    }
    TrainingData train = TrainingData.fromEvents(CATALOG, events).withUserAttributes(teams::get);
    LearnedRankerModel model = fitted(train, LearnedRankerModel.Config.defaults());
    assertEquals("by team", model.fitted().get("groups"));
    RankerArtifact artifact = RankerArtifact.fromBytes(model.artifact().toBytes());
    assertEquals(List.of("team"), artifact.groups().keys());
    InterestRecommender served = served(CATALOG, artifact);
    List<Event> newcomer = List.of(rating("new", "i59", 1));
    int withTeam = inGroup(served.recommend(served.interests(newcomer, TextVectors.NONE)
        .withAttributes(Map.of("team", "t1")), 10, null, false, 0), 1);
    int without = inGroup(served.recommend(served.interests(newcomer, TextVectors.NONE), 10, null, false, 0), 1);
    assertTrue(withTeam >= 8 && withTeam > without, withTeam + " of team t1's items with the team, " + without
        + " without");
  }

  private static int inGroup(List<Recommendation> recs, int group) {
    int count = 0;
    for (Recommendation r : recs) if (Integer.parseInt(r.item().id().substring(1)) / PER_GROUP == group) count++;
    return count;
  }

  /** The migration boost the ranker was trained with is saved, and the served interests use it. */
  @Test
  void theMigrationBoostTravelsWithTheRanker() {
    RankerArtifact boosted = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), ARTIFACT.recentItems(),
        ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(), ARTIFACT.regularization(),
        ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(), ARTIFACT.popularity(),
        ARTIFACT.trees(), ARTIFACT.adapter(), ARTIFACT.blend(), ARTIFACT.smoothedRules(), 0.25);
    RankerArtifact read = RankerArtifact.fromBytes(boosted.toBytes());
    assertEquals(0.25, read.migrationBoost());
    assertEquals(InterestConfig.defaults().migrationBoost(), ARTIFACT.migrationBoost(), "trained with the default");
    assertEquals(boosted, read);
    assertTrue(!boosted.equals(ARTIFACT), "the boost tells two rankers apart");
    assertEquals(0.25, InterestRecommender.withDefaults(CATALOG, LearnedRanking.Trained.of(read, "x")).config()
        .migrationBoost());
  }

  /** The low-rank rules travel with the ranker that reads them; a ranker that reads them without them is refused. */
  @Test
  void lowRankRulesAreSavedWithTheRanker() {
    assertTrue(Arrays.asList(ARTIFACT.features()).contains(NextItemSvdModel.NAME));
    assertTrue(ARTIFACT.smoothedRules() != null);
    assertEquals(ARTIFACT.smoothedRules(), RankerArtifact.fromBytes(ARTIFACT.toBytes()).smoothedRules());
    RankerArtifact without = new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), ARTIFACT.recentItems(),
        ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(), ARTIFACT.regularization(),
        ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(), ARTIFACT.nextItems(), ARTIFACT.popularity(),
        ARTIFACT.trees(), ARTIFACT.adapter(), ARTIFACT.blend(), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearnedRanking.Trained.of(without, "x").over(CATALOG, 0.2f));
    assertTrue(e.getMessage().contains("'" + NextItemSvdModel.NAME + "' without its low-rank rules"), e.getMessage());
    LowRank.Factors rules = ARTIFACT.smoothedRules();
    IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
        () -> new RankerArtifact(ARTIFACT.features(), ARTIFACT.weights(), ARTIFACT.recentItems(),
            ARTIFACT.candidates(), ARTIFACT.perDomain(), ARTIFACT.itemIds(), ARTIFACT.rank(),
            ARTIFACT.regularization(), ARTIFACT.alpha(), ARTIFACT.itemFactors(), ARTIFACT.neighbours(),
            ARTIFACT.nextItems(), ARTIFACT.popularity(), ARTIFACT.trees(), ARTIFACT.adapter(), ARTIFACT.blend(),
            new LowRank.Factors(rules.rank(), Arrays.copyOf(rules.left(), rules.left().length - 1), rules.right())));
    assertTrue(wrongSize.getMessage().contains("low-rank rules do not match"), wrongSize.getMessage());
    byte[] bytes = ARTIFACT.toBytes();
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> RankerArtifact.fromBytes(Arrays.copyOf(bytes, bytes.length - 16))); // inside the right factors
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
  }

  @Test
  void sameArtefactSameScores() {
    float[] a = scoresOf(LearnedRanking.Trained.of(ARTIFACT, "v").over(CATALOG, 0.2f), "u4");
    float[] b = scoresOf(LearnedRanking.Trained.of(RankerArtifact.fromBytes(ARTIFACT.toBytes()), "v")
        .over(CATALOG, 0.2f), "u4");
    assertArrayEquals(a, b);
  }

  /**
   * A user's candidates ranked once answer every request that narrows nothing (pages, boosts, diversity, reasons)
   * with exactly the items and scores a fresh ranking gives; a request that narrows ranks afresh.
   */
  @Test
  void rankedCandidatesAnswerAsAFreshRanking() {
    InterestRecommender recommender = served(CATALOG).hiding(Set.of("i3"));
    ItemFilter everyOther = ItemFilter.parse("id in (\"i40\", \"i42\", \"i44\")", Map.of());
    for (String user : List.of("u0", "u1", "u5")) {
      UserInterests interests = recommender.interests(historyOf(user), TextVectors.NONE);
      InterestRecommender.RankedCandidates ranked = recommender.rankedCandidates(interests);
      assertTrue(ranked.size() > 0 && ranked.size() < CATALOG.size(), "candidates: " + ranked.size());
      List<RecommendRequest> requests = List.of(RecommendRequest.of(10, null, true, 0.2),
          new RecommendRequest(5, 7, null, null, Set.of(), List.of(), false, 0.0, "zh"),
          new RecommendRequest(8, 0, null, null, Set.of(), List.of(new RecommendRequest.Boost(
              item -> item.id().endsWith("1"), 1.5)), true, 0.5, null),
          new RecommendRequest(4, 0, null, everyOther, Set.of(), List.of(), false, 0.2, null),
          new RecommendRequest(6, 0, null, null, Set.of("i0", "i41"), List.of(), false, 0.2, null));
      for (RecommendRequest request : requests) {
        List<Recommendation> fresh = recommender.recommend(interests, request);
        List<Recommendation> fromRanked = recommender.recommend(interests, request, ranked);
        assertEquals(fresh, fromRanked, user + ", " + request);
        assertTrue(!fresh.isEmpty(), user + ", " + request);
      }
    }
  }

  /** The ranking's score of every item for a user of the training data, interests built in the ranking's space. */
  private static float[] scoresOf(LearnedRanking ranking, String user) {
    UserInterests interests = new UserInterests(ranking.catalog(), InterestConfig.defaults());
    for (Event e : historyOf(user)) interests.add(e, TextVectors.NONE);
    float[] scores = new float[ranking.catalog().size()];
    ranking.score(interests, scores);
    return scores;
  }
}
