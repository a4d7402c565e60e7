package io.shiftrec.bench;

import io.shiftrec.eval.Bootstrap;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.Metrics;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.core.Language;
import io.shiftrec.core.User;
import io.shiftrec.core.Vectors;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.candidates.StatedTasteRanker;
import io.shiftrec.candidates.TastePopularity;
import io.shiftrec.core.TopK;
import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Onboarding new users, against popularity, on users whose later history is known. Per user with at least
 * {@value #MIN_ITEMS} distinct items, the first {@value #HISTORY_SHARE} of them (clock order) are the history and the
 * rest the targets. The history only writes the sentence, "I like A, B and C movies." (Chinese for a Chinese
 * catalogue), from {@value #TOP_CATEGORIES} of its categories (the most frequent among its liked items, or the most
 * distinctive, {@link Taste}), with the history's domain as the noun: what a new user could say about their taste,
 * never anything of the targets. Popularity, taste popularity and group popularity count every user's history items
 * (never a target). Every model ranks every item outside the user's history, ties against the target.
 *
 * <p>Arms: popularity; the sentence's cosine with the item texts alone, added raw to log-popularity (the first
 * design) and standardised beside it; the {@link StatedTasteRanker} at its defaults and tuned; its taste popularity
 * alone; popularity among the users whose own sentence is nearest (sentence neighbours) and that added to the ranker;
 * references that use the stated categories without the language model; and, where users carry attributes (MovieLens
 * 1M: age, gender, occupation), {@link GroupPopularity} from attributes only and added to the ranker.
 *
 * <p>Users fall in two halves by their id hashed with the seed. Each arm's setting is chosen by NDCG@10 on one half
 * and scores the other, and the other way round (two-fold cross-fitting); one more arm lets the halves choose among
 * the language-model arms too. Rows cover every user, with 95% bootstrap intervals and a paired sign-flip test
 * against popularity on the same users.
 */
public final class OnboardingExperiment {
  public static final int MIN_ITEMS = 5;
  public static final double HISTORY_SHARE = 0.8;
  public static final int TOP_CATEGORIES = TastePopularity.STATED_CATEGORIES;
  public static final int K = 10;
  /** A distinctive category must be among at least this many of the liked items' category mentions ... */
  static final int MIN_DISTINCTIVE_COUNT = 2;
  /** ... and at least this share of them. */
  static final double MIN_DISTINCTIVE_SHARE = 0.1;

  /** Which categories the sentence names: the user's most frequent ones, or the most distinctive of them. */
  public enum Taste { FREQUENT, DISTINCTIVE }
  /** Attributes that group users, coarse to fine, when the dataset's users carry them. */
  public static final List<String> GROUP_KEYS = List.of("age", "gender", "occupation");
  static final int BOOTSTRAP_SAMPLES = 1000;
  static final int PERMUTATIONS = 10000;
  /** Weights of the sentence's cosine against log-popularity in the old raw sum. */
  static final float[] GAMMAS = {0.25f, 0.5f, 1f, 2f, 5f, 10f, 20f, 50f};
  /** Weights of the standardised cosine beside standardised popularity. */
  static final float[] TEXT_WEIGHTS = {0.05f, 0.1f, 0.2f, 0.3f, 0.5f, 1f};
  static final double[] TASTE_SMOOTHINGS = {0, 1000, 3000, 10000};
  static final float[] MARGINS = {0.08f, 0.12f, 0.16f};
  static final float[] RANKER_TEXT_WEIGHTS = {0f, 0.05f, 0.1f, 0.2f};
  static final float[] CATEGORY_WEIGHTS = {0f, 0.25f};
  static final double[] SMOOTHINGS = {0, 100, 300, 1000, 3000, 10000, 30000, 100000};
  static final float[] STATED_WEIGHTS = {0.25f, 0.5f, 1f, 2f, 4f};
  static final double[] NEIGHBOUR_SMOOTHINGS = {0, 300, 1000, 3000, 10000};
  static final float[] NEIGHBOUR_TEMPERATURES = {0.01f, 0.02f, 0.05f};
  /** Sentences of other users read per new user: the nearest, by the language model. */
  static final int NEIGHBOUR_SENTENCES = 200;
  static final double[] BOTH_TASTE_SMOOTHINGS = {0, 1000};
  static final float[] BOTH_MARGINS = {0.08f, 0.12f};
  static final float[] BOTH_TEXT_WEIGHTS = {0f, 0.1f};
  static final double[] BOTH_GROUP_SMOOTHINGS = {1000, 3000, 10000};
  static final float[] BOTH_GROUP_WEIGHTS = {0.25f, 0.5f, 1f};

  static final String DEFAULTS = "**stated-taste ranker at its defaults** (fixed from the MovieLens 1M choices)";
  static final String POP = "pop", TEXT = "stated taste: text cosine alone", RAW_SUM = "pop + γ·cos (raw sum)",
      POP_TEXT = "z(pop) + w·z(cos)",
      RANKER = "stated-taste ranker: taste popularity + text (StatedTasteRanker)",
      TASTE = "taste popularity alone (language model reads the sentence)",
      NEIGHBOURS = "sentence neighbours' popularity (language model)",
      REF_TASTE = "reference, no language model: taste popularity of the stated categories",
      REF_SETS = "reference, no language model: popularity among users stating the same categories",
      REF_COUNT = "reference, no language model: z(pop) + w·z(stated categories of the item)",
      GROUP = "group popularity (attributes only)",
      BOTH = "attributes + sentence: ranker + w·z(group popularity)",
      COMBINED = "taste popularity + sentence neighbours + text (language model)",
      FROM_TEXT = "**onboarding from text**: the best language-model arm and setting on the other half";
  /** The arms that read the sentence with the language model, among which {@link #FROM_TEXT} chooses. */
  static final List<String> LANGUAGE_MODEL_ARMS = List.of(RANKER, NEIGHBOURS, COMBINED);
  static final float[] COMBINED_MARGINS = {0.12f, 0.16f};
  static final double[] COMBINED_NEIGHBOUR_SMOOTHINGS = {300, 1000, 3000};
  static final float[] COMBINED_NEIGHBOUR_WEIGHTS = {0.5f, 1f, 2f};
  static final float[] COMBINED_TEXT_WEIGHTS = {0f, 0.05f, 0.1f};
  static final List<String> STATED_KEYS = List.of("taste1", "taste2", "taste3");
  static final float[] TASTE_TEXT_WEIGHTS = {0f, 0.1f, 0.25f, 0.5f};
  static final float[] TASTE_CATEGORY_WEIGHTS = {0f, 0.25f, 0.5f, 1f};

  private OnboardingExperiment() {}

  /** One arm's test-user averages, 95% intervals, setting chosen on validation, and paired tests against pop. */
  public record Row(String model, String setting, int users, double hitRate, double[] hitRateCi, double ndcg,
                    double[] ndcgCi, double recall, Paired ndcgVsPop, Paired hitRateVsPop) {}

  /** Mean difference (arm − pop), its paired-bootstrap 95% interval and the sign-flip test's p-value. */
  public record Paired(double meanDiff, double[] ci95, double pValue) {}

  /** The rows (every user, each half scored by the setting chosen on the other), the halves' sizes, examples. */
  public record Result(List<Row> rows, int firstHalf, int secondHalf, List<String> examples) {}

  /** Per-user metrics of one setting of one arm, over all evaluated users. */
  private static final class Variant {
    final String setting;
    final double[] hr, ndcg, recall;

    Variant(String setting, int users) {
      this(setting, new double[users], new double[users], new double[users]);
    }

    Variant(String setting, double[] hr, double[] ndcg, double[] recall) {
      this.setting = setting;
      this.hr = hr;
      this.ndcg = ndcg;
      this.recall = recall;
    }
  }

  /**
   * @param encode the vector of a text in the space of the given model id
   */
  public static Result run(Dataset dataset, BiFunction<String, String, float[]> encode, long seed, Taste tasteKind) {
    Catalog raw = dataset.catalog();
    if (raw.spaces().isEmpty()) throw new IllegalArgumentException("onboarding needs encoded items; none here");
    Catalog centred = raw.centred();
    TrainingData all = TrainingData.fromEvents(raw, dataset.events());
    int nu = all.numUsers(), ni = raw.size();
    int[] off = all.offsets(), items = all.historyItems();
    float[] weights = all.historyWeights();
    int[] cut = new int[nu];
    int[] popularity = new int[ni];
    Map<String, User> usersById = new HashMap<>();
    for (User user : dataset.users()) usersById.put(user.id(), user);
    int withAttributes = 0;
    for (int u = 0; u < nu; u++) {
      int n = off[u + 1] - off[u];
      cut[u] = n < MIN_ITEMS ? -1 : off[u] + (int) Math.floor(HISTORY_SHARE * n);
      int end = cut[u] < 0 ? off[u + 1] : cut[u];
      for (int p = off[u]; p < end; p++) popularity[items[p]]++;
      if (attributes(usersById, all.userId(u)).containsKey(GROUP_KEYS.get(0))) withAttributes++;
    }
    // Attributes group users only where most users have them (MovieLens 1M); elsewhere the arms are left out.
    GroupPopularity groups = null;
    if (withAttributes * 2 > nu) {
      GroupPopularity.Builder b = GroupPopularity.builder(ni, GROUP_KEYS);
      for (int u = 0; u < nu; u++) {
        Map<String, Object> attrs = attributes(usersById, all.userId(u));
        int end = cut[u] < 0 ? off[u + 1] : cut[u];
        for (int p = off[u]; p < end; p++) b.add(attrs, items[p]);
      }
      groups = b.build();
    }

    Map<String, Double> shares = tasteKind == Taste.DISTINCTIVE ? categoryShares(raw, items, off, cut) : null;
    // What the users whose taste names each category took: every user's history, with the categories it states.
    TastePopularity.Builder tasteBuilder = TastePopularity.builder(ni);
    for (int u = 0; u < nu; u++) {
      int end = cut[u] < 0 ? off[u + 1] : cut[u];
      tasteBuilder.addUser(statedCategories(raw, items, weights, off[u], end, shares), items, off[u], end);
    }
    TastePopularity taste = tasteBuilder.build();
    // The same keyed by the whole sentence each user's history writes, and, as a reference without the language
    // model, popularity within the users stating the same most frequent category, then the same first two, then all.
    TastePopularity.Builder bySentence = TastePopularity.builder(ni);
    GroupPopularity.Builder byStatedSet = GroupPopularity.builder(ni, STATED_KEYS);
    for (int u = 0; u < nu; u++) {
      int end = cut[u] < 0 ? off[u + 1] : cut[u];
      List<String> cats = statedCategories(raw, items, weights, off[u], end, shares);
      if (cats.isEmpty()) continue;
      bySentence.addUser(List.of(sentence(cats, historyDomain(raw, items, off[u], end),
          historyLanguage(raw, items, off[u], end))), items, off[u], end);
      Map<String, Object> statedAttrs = statedAttributes(cats);
      for (int p = off[u]; p < end; p++) byStatedSet.add(statedAttrs, items[p]);
    }
    TastePopularity sentenceTaste = bySentence.build();
    GroupPopularity statedSets = byStatedSet.build();

    // The evaluated users, their half, sentence and stated categories.
    List<Integer> evaluated = new ArrayList<>();
    List<String> sentences = new ArrayList<>();
    List<List<String>> stated = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    for (int u = 0; u < nu; u++) {
      if (cut[u] < 0) continue;
      List<String> categories = statedCategories(raw, items, weights, off[u], cut[u], shares);
      if (categories.isEmpty() || raw.spaceOf(items[off[u]]) == null) continue;
      String sentence = sentence(categories, historyDomain(raw, items, off[u], cut[u]),
          historyLanguage(raw, items, off[u], cut[u]));
      evaluated.add(u);
      sentences.add(sentence);
      stated.add(categories);
      if (examples.size() < 3) examples.add(all.userId(u) + ": \"" + sentence + "\"");
    }
    int users = evaluated.size();
    if (users == 0) throw new IllegalArgumentException("no user has " + MIN_ITEMS + " items with categories");
    boolean[] validation = new boolean[users];
    for (int x = 0; x < users; x++) validation[x] = isValidation(all.userId(evaluated.get(x)), seed);

    // Arms, each a list of settings; the setting of an arm is chosen on the other half of the users.
    Map<String, List<Variant>> arms = new LinkedHashMap<>();
    arms.put(POP, variants(users, 1, g -> ""));
    arms.put(TEXT, variants(users, 1, g -> ""));
    arms.put(DEFAULTS, variants(users, 1, g -> settingName(StatedTasteRanker.Settings.defaults())));
    arms.put(RAW_SUM, variants(users, GAMMAS.length, g -> "γ = " + GAMMAS[g]));
    arms.put(POP_TEXT, variants(users, TEXT_WEIGHTS.length, g -> "text " + TEXT_WEIGHTS[g]));
    List<StatedTasteRanker.Settings> rankerGrid = new ArrayList<>();
    for (double a : TASTE_SMOOTHINGS) for (float m : MARGINS) for (float wt : RANKER_TEXT_WEIGHTS) {
      for (float wc : CATEGORY_WEIGHTS) rankerGrid.add(new StatedTasteRanker.Settings(a, m, wt, wc));
    }
    arms.put(RANKER, variants(users, rankerGrid.size(), g -> settingName(rankerGrid.get(g))));
    int nm = MARGINS.length;
    arms.put(TASTE, variants(users, TASTE_SMOOTHINGS.length * nm,
        g -> "α = " + (long) TASTE_SMOOTHINGS[g / nm] + ", margin " + MARGINS[g % nm]));
    int nn = NEIGHBOUR_TEMPERATURES.length;
    arms.put(NEIGHBOURS, variants(users, NEIGHBOUR_SMOOTHINGS.length * nn,
        g -> "α = " + (long) NEIGHBOUR_SMOOTHINGS[g / nn] + ", τ = " + NEIGHBOUR_TEMPERATURES[g % nn]));
    arms.put(REF_TASTE, variants(users, TASTE_SMOOTHINGS.length, g -> "α = " + (long) TASTE_SMOOTHINGS[g]));
    arms.put(REF_SETS, variants(users, SMOOTHINGS.length, g -> "α = " + (long) SMOOTHINGS[g]));
    arms.put(REF_COUNT, variants(users, STATED_WEIGHTS.length, g -> "weight " + STATED_WEIGHTS[g]));
    List<float[]> combinedGrid = new ArrayList<>(); // {margin, neighbour α index, τ index, neighbour weight, text}
    for (float m : COMBINED_MARGINS) for (int a = 0; a < COMBINED_NEIGHBOUR_SMOOTHINGS.length; a++) {
      for (int t = 0; t < NEIGHBOUR_TEMPERATURES.length; t++) {
        for (float wn : COMBINED_NEIGHBOUR_WEIGHTS) for (float wt : COMBINED_TEXT_WEIGHTS) {
          combinedGrid.add(new float[] {m, a, t, wn, wt});
        }
      }
    }
    arms.put(COMBINED, variants(users, combinedGrid.size(), g -> {
      float[] c = combinedGrid.get(g);
      return "taste α = 0, margin " + c[0] + "; neighbours α = " + (long) COMBINED_NEIGHBOUR_SMOOTHINGS[(int) c[1]]
          + ", τ = " + NEIGHBOUR_TEMPERATURES[(int) c[2]] + ", weight " + c[3] + "; text " + c[4];
    }));
    // Attributes and sentence: the ranker's base and text at a few settings, plus the group's popularity.
    List<double[]> bothGrid = new ArrayList<>(); // {taste α, margin, text weight, group α, group weight}
    if (groups != null) {
      arms.put(GROUP, variants(users, SMOOTHINGS.length, g -> "α = " + (long) SMOOTHINGS[g]));
      for (double a : BOTH_TASTE_SMOOTHINGS) for (float m : BOTH_MARGINS) for (float wt : BOTH_TEXT_WEIGHTS) {
        for (double ga : BOTH_GROUP_SMOOTHINGS) for (float gw : BOTH_GROUP_WEIGHTS) {
          bothGrid.add(new double[] {a, m, wt, ga, gw});
        }
      }
      arms.put(BOTH, variants(users, bothGrid.size(), g -> {
        double[] b = bothGrid.get(g);
        return "taste α = " + (long) b[0] + ", margin " + (float) b[1] + ", text " + (float) b[2] + "; group α = "
            + (long) b[3] + ", weight " + (float) b[4];
      }));
    }

    Map<String, StatedTasteRanker> rankers = new HashMap<>();
    float[] logPop = new float[ni];
    for (int i = 0; i < ni; i++) logPop[i] = (float) Math.log1p(popularity[i]);
    float[] zPop = new float[ni];
    StatedTasteRanker.addStandardised(logPop, 1f, zPop);
    float[] cos = new float[ni], zCos = new float[ni], scores = new float[ni], scratch = new float[ni];
    float[][] zAffinity = new float[nm][ni];
    float[][] zTaste = new float[TASTE_SMOOTHINGS.length * nm][ni];
    float[][] zGroup = new float[BOTH_GROUP_SMOOTHINGS.length][ni];
    float[][] zNeighbours = new float[COMBINED_NEIGHBOUR_SMOOTHINGS.length * nn][ni];
    boolean[] history = new boolean[ni];
    String[] sentenceNames = null;
    float[][] sentenceVectors = null;
    for (int x = 0; x < users; x++) {
      int u = evaluated.get(x);
      Catalog.Space space = raw.spaceOf(items[off[u]]);
      StatedTasteRanker r = rankers.computeIfAbsent(space.model,
          m -> StatedTasteRanker.of(centred, m, taste, categoryVectors(raw, m, encode)));
      float[] rawQuery = encode.apply(sentences.get(x), space.model);
      float[] q = r.place(rawQuery);
      if (q == null) q = new float[space.dimension]; // an empty sentence: every cosine 0
      for (int p = off[u]; p < cut[u]; p++) history[items[p]] = true;
      int from = cut[u], to = off[u + 1];
      evaluate(logPop, history, items, from, to, arms.get(POP).get(0), x);

      // The sentence's cosine with the item texts: alone, added raw to log-popularity, standardised beside it.
      r.textCosines(q, cos);
      Arrays.fill(zCos, 0f);
      StatedTasteRanker.addStandardised(cos, 1f, zCos);
      for (int i = 0; i < ni; i++) if (Float.isNaN(cos[i])) cos[i] = Float.NEGATIVE_INFINITY;
      evaluate(cos, history, items, from, to, arms.get(TEXT).get(0), x);
      for (int g = 0; g < GAMMAS.length; g++) {
        for (int i = 0; i < ni; i++) scores[i] = logPop[i] + GAMMAS[g] * cos[i];
        evaluate(scores, history, items, from, to, arms.get(RAW_SUM).get(g), x);
      }
      for (int g = 0; g < TEXT_WEIGHTS.length; g++) {
        for (int i = 0; i < ni; i++) scores[i] = zPop[i] + TEXT_WEIGHTS[g] * zCos[i];
        evaluate(scores, history, items, from, to, arms.get(POP_TEXT).get(g), x);
      }

      // The shipped scoring function at its defaults, untuned here.
      r.score(rawQuery, StatedTasteRanker.Settings.defaults(), scores);
      evaluate(scores, history, items, from, to, arms.get(DEFAULTS).get(0), x);

      // The ranker's signals at every margin and smoothing, then every fused setting (StatedTasteRanker.score).
      for (int m = 0; m < nm; m++) {
        r.categoryAffinity(q, MARGINS[m], scratch, null);
        Arrays.fill(zAffinity[m], 0f);
        StatedTasteRanker.addStandardised(scratch, 1f, zAffinity[m]);
        for (int a = 0; a < TASTE_SMOOTHINGS.length; a++) {
          r.tastePopularity(q, MARGINS[m], TASTE_SMOOTHINGS[a], scratch);
          evaluate(scratch, history, items, from, to, arms.get(TASTE).get(a * nm + m), x);
          Arrays.fill(zTaste[a * nm + m], 0f);
          StatedTasteRanker.addStandardised(scratch, 1f, zTaste[a * nm + m]);
        }
      }
      for (int g = 0; g < rankerGrid.size(); g++) {
        StatedTasteRanker.Settings st = rankerGrid.get(g);
        int m = indexOf(MARGINS, st.margin()), a = indexOf(TASTE_SMOOTHINGS, st.tasteSmoothing());
        float[] base = zTaste[a * nm + m], za = zAffinity[m];
        float wt = st.textWeight(), wc = st.categoryWeight();
        for (int i = 0; i < ni; i++) scores[i] = base[i] + wt * zCos[i] + wc * za[i];
        evaluate(scores, history, items, from, to, arms.get(RANKER).get(g), x);
      }

      // Sentence neighbours: the nearest sentences of all users, weighted by their users and a softmax of cosines.
      if (sentenceNames == null) {
        sentenceNames = sentenceTaste.tastes().toArray(new String[0]);
        sentenceVectors = new float[sentenceNames.length][];
        for (int k = 0; k < sentenceNames.length; k++) {
          float[] v = r.place(encode.apply(sentenceNames[k], space.model));
          sentenceVectors[k] = v == null ? new float[space.dimension] : v;
        }
      }
      int[] nearest = nearest(q, sentenceVectors, NEIGHBOUR_SENTENCES);
      String[] names = new String[nearest.length];
      float[] cosines = new float[nearest.length], w = new float[nearest.length];
      for (int k = 0; k < nearest.length; k++) {
        names[k] = sentenceNames[nearest[k]];
        cosines[k] = Vectors.dot(q, sentenceVectors[nearest[k]]);
      }
      for (int a = 0; a < NEIGHBOUR_SMOOTHINGS.length; a++) {
        for (int t = 0; t < nn; t++) {
          for (int k = 0; k < nearest.length; k++) {
            w[k] = (float) (sentenceTaste.users(names[k])
                * Math.exp((cosines[k] - cosines[0]) / NEIGHBOUR_TEMPERATURES[t]));
          }
          sentenceTaste.score(names, w, NEIGHBOUR_SMOOTHINGS[a], scores);
          evaluate(scores, history, items, from, to, arms.get(NEIGHBOURS).get(a * nn + t), x);
          int ca = indexOf(COMBINED_NEIGHBOUR_SMOOTHINGS, NEIGHBOUR_SMOOTHINGS[a]);
          if (ca < 0) continue;
          Arrays.fill(zNeighbours[ca * nn + t], 0f);
          StatedTasteRanker.addStandardised(scores, 1f, zNeighbours[ca * nn + t]);
        }
      }
      for (int g = 0; g < combinedGrid.size(); g++) {
        float[] c = combinedGrid.get(g);
        float[] base = zTaste[indexOf(TASTE_SMOOTHINGS, 0.0) * nm + indexOf(MARGINS, c[0])];
        float[] zn = zNeighbours[(int) c[1] * nn + (int) c[2]];
        float wn = c[3], wt = c[4];
        for (int i = 0; i < ni; i++) scores[i] = base[i] + wn * zn[i] + wt * zCos[i];
        evaluate(scores, history, items, from, to, arms.get(COMBINED).get(g), x);
      }

      // References without the language model: the stated categories themselves.
      List<String> mine = stated.get(x);
      float[] uniform = new float[mine.size()];
      Arrays.fill(uniform, 1f);
      for (int a = 0; a < TASTE_SMOOTHINGS.length; a++) {
        taste.score(mine.toArray(new String[0]), uniform, TASTE_SMOOTHINGS[a], scores);
        evaluate(scores, history, items, from, to, arms.get(REF_TASTE).get(a), x);
      }
      Map<String, Object> statedAttrs = statedAttributes(mine);
      for (int a = 0; a < SMOOTHINGS.length; a++) {
        statedSets.score(statedAttrs, SMOOTHINGS[a], scores);
        evaluate(scores, history, items, from, to, arms.get(REF_SETS).get(a), x);
      }
      for (int i = 0; i < ni; i++) {
        int c = 0;
        for (String cat : raw.item(i).categories()) if (mine.contains(cat)) c++;
        scratch[i] = c;
      }
      Arrays.fill(cos, 0f); // reused: the standardised count of stated categories
      StatedTasteRanker.addStandardised(scratch, 1f, cos);
      for (int g = 0; g < STATED_WEIGHTS.length; g++) {
        for (int i = 0; i < ni; i++) scores[i] = zPop[i] + STATED_WEIGHTS[g] * cos[i];
        evaluate(scores, history, items, from, to, arms.get(REF_COUNT).get(g), x);
      }

      if (groups != null) {
        Map<String, Object> attrs = attributes(usersById, all.userId(u));
        for (int a = 0; a < SMOOTHINGS.length; a++) {
          groups.score(attrs, SMOOTHINGS[a], scores);
          evaluate(scores, history, items, from, to, arms.get(GROUP).get(a), x);
        }
        for (int a = 0; a < BOTH_GROUP_SMOOTHINGS.length; a++) {
          groups.score(attrs, BOTH_GROUP_SMOOTHINGS[a], scratch);
          Arrays.fill(zGroup[a], 0f);
          StatedTasteRanker.addStandardised(scratch, 1f, zGroup[a]);
        }
        for (int g = 0; g < bothGrid.size(); g++) {
          double[] b = bothGrid.get(g);
          float[] base = zTaste[indexOf(TASTE_SMOOTHINGS, b[0]) * nm + indexOf(MARGINS, (float) b[1])];
          float[] zg = zGroup[indexOf(BOTH_GROUP_SMOOTHINGS, b[3])];
          float wt = (float) b[2], gw = (float) b[4];
          for (int i = 0; i < ni; i++) scores[i] = base[i] + wt * zCos[i] + gw * zg[i];
          evaluate(scores, history, items, from, to, arms.get(BOTH).get(g), x);
        }
      }
      for (int p = off[u]; p < cut[u]; p++) history[items[p]] = false;
    }

    // The product question, asked once: which language-model reading to use is itself chosen on the other half.
    List<Variant> union = new ArrayList<>();
    for (String arm : LANGUAGE_MODEL_ARMS) {
      for (Variant v : arms.get(arm)) union.add(new Variant(arm + ": " + v.setting, v.hr, v.ndcg, v.recall));
    }
    Map<String, List<Variant>> withUnion = new LinkedHashMap<>();
    withUnion.put(POP, arms.get(POP));
    withUnion.put(FROM_TEXT, union);
    withUnion.putAll(arms);
    arms = withUnion;

    int[] halfA = indices(validation, true), halfB = indices(validation, false);
    if (halfA.length == 0 || halfB.length == 0) throw new IllegalStateException("a half of the users is empty");
    int[] everyone = new int[users];
    for (int x = 0; x < users; x++) everyone[x] = x;
    Variant popVariant = arms.get(POP).get(0);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Variant>> arm : arms.entrySet()) {
      // Two-fold cross-fitting: the setting chosen on one half scores the other, so every user is a test user once
      // and no user's numbers come from a setting chosen on them.
      Variant onA = best(arm.getValue(), halfA), onB = best(arm.getValue(), halfB);
      Variant crossFit = new Variant(onA == onB ? onA.setting
          : "half 1: " + onA.setting + "; half 2: " + onB.setting, users);
      for (int x = 0; x < users; x++) {
        Variant from = validation[x] ? onB : onA;
        crossFit.hr[x] = from.hr[x];
        crossFit.ndcg[x] = from.ndcg[x];
        crossFit.recall[x] = from.recall[x];
      }
      rows.add(row(arm.getKey(), arm.getValue().size() == 1 ? arm.getValue().get(0) : crossFit, popVariant, everyone,
          seed));
    }
    return new Result(rows, halfA.length, halfB.length, examples);
  }

  /** The variant of best mean NDCG@10 over the users {@code at} (first of equals). */
  private static Variant best(List<Variant> variants, int[] at) {
    Variant best = null;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (Variant v : variants) {
      double m = Metrics.mean(v.ndcg, at);
      if (best == null || m > bestMean) {
        best = v;
        bestMean = m;
      }
    }
    return best;
  }

  private static Row row(String model, Variant v, Variant pop, int[] at, long seed) {
    Paired ndcg = null, hr = null;
    if (v != pop) {
      Bootstrap.Paired n = Bootstrap.paired(v.ndcg, pop.ndcg, at, BOOTSTRAP_SAMPLES, PERMUTATIONS, seed);
      Bootstrap.Paired h = Bootstrap.paired(v.hr, pop.hr, at, BOOTSTRAP_SAMPLES, PERMUTATIONS, seed);
      ndcg = new Paired(n.meanDiff(), n.ci95(), n.pValue());
      hr = new Paired(h.meanDiff(), h.ci95(), h.pValue());
    }
    return new Row(model, v.setting, at.length, Metrics.mean(v.hr, at),
        Bootstrap.ci95(v.hr, at, BOOTSTRAP_SAMPLES, seed), Metrics.mean(v.ndcg, at),
        Bootstrap.ci95(v.ndcg, at, BOOTSTRAP_SAMPLES, seed), Metrics.mean(v.recall, at), ndcg, hr);
  }

  /** Rows of {@code vectors} with the largest dot product with {@code q}, best first, at most {@code m}. */
  static int[] nearest(float[] q, float[][] vectors, int m) {
    TopK top = new TopK(Math.min(m, vectors.length));
    for (int r = 0; r < vectors.length; r++) top.offer(r, Vectors.dot(q, vectors[r]));
    return top.drain(null);
  }

  /** The stated categories as group attributes: taste1 = the most frequent, taste2 the next, taste3. */
  private static Map<String, Object> statedAttributes(List<String> categories) {
    Map<String, Object> attrs = new HashMap<>();
    for (int k = 0; k < Math.min(STATED_KEYS.size(), categories.size()); k++) attrs.put(STATED_KEYS.get(k), categories.get(k));
    return attrs;
  }

  private static String settingName(StatedTasteRanker.Settings s) {
    return "α = " + (long) s.tasteSmoothing() + ", margin " + s.margin() + ", text " + s.textWeight()
        + ", categories " + s.categoryWeight();
  }

  private static int indexOf(float[] values, float v) {
    for (int k = 0; k < values.length; k++) if (values[k] == v) return k;
    throw new IllegalArgumentException("no " + v + " in " + Arrays.toString(values));
  }

  /** Index of {@code v} in {@code values}; -1 when absent. */
  private static int indexOf(double[] values, double v) {
    for (int k = 0; k < values.length; k++) if (values[k] == v) return k;
    return -1;
  }

  private static List<Variant> variants(int users, int n, java.util.function.IntFunction<String> name) {
    List<Variant> v = new ArrayList<>(n);
    for (int g = 0; g < n; g++) v.add(new Variant(name.apply(g), users));
    return v;
  }

  private static int[] indices(boolean[] flags, boolean value) {
    int n = 0;
    for (boolean f : flags) if (f == value) n++;
    int[] at = new int[n];
    n = 0;
    for (int x = 0; x < flags.length; x++) if (flags[x] == value) at[n++] = x;
    return at;
  }

  static boolean isValidation(String userId, long seed) {
    return (new SplittableRandom(seed ^ userId.hashCode()).nextLong() & 1) == 0;
  }

  private static Map<String, Object> attributes(Map<String, User> usersById, String id) {
    User user = usersById.get(id);
    return user == null ? Map.of() : user.attributes();
  }

  /** Raw vectors of every category label of the catalogue's items in space {@code model}. */
  private static Map<String, float[]> categoryVectors(Catalog catalog, String model,
                                                      BiFunction<String, String, float[]> encode) {
    Map<String, float[]> vectors = new LinkedHashMap<>();
    StatedTasteRanker.categoryLabels(catalog, model).forEach((c, label) -> vectors.put(c, encode.apply(label, model)));
    return vectors;
  }

  /**
   * The {@value #TOP_CATEGORIES} categories most frequent among the liked items of positions [from, to) (all of
   * them when none is liked), most frequent first, ties by name; empty when the items have no category.
   */
  static List<String> statedCategories(Catalog catalog, int[] items, float[] weights, int from, int to,
                                       Map<String, Double> shares) {
    List<String> frequent = TastePopularity.statedCategories(catalog, items, weights, from, to);
    if (shares == null) return frequent;
    List<Map.Entry<String, Integer>> ranked = TastePopularity.categoriesByCount(catalog, items, weights, from, to);
    List<String> top = new ArrayList<>();
    // Distinctive: the categories most over-represented against everyone's histories, among those frequent
    // enough to be a taste rather than an accident; the most frequent fill what is left.
    int mentions = 0;
    for (Map.Entry<String, Integer> e : ranked) mentions += e.getValue();
    int least = Math.max(MIN_DISTINCTIVE_COUNT, (int) Math.ceil(MIN_DISTINCTIVE_SHARE * mentions));
    List<Map.Entry<String, Integer>> eligible = new ArrayList<>();
    for (Map.Entry<String, Integer> e : ranked) if (e.getValue() >= least && shares.containsKey(e.getKey())) eligible.add(e);
    eligible.sort((a, b) -> {
      int byLift = Double.compare(b.getValue() / shares.get(b.getKey()), a.getValue() / shares.get(a.getKey()));
      return byLift != 0 ? byLift : a.getKey().compareTo(b.getKey());
    });
    for (int k = 0; k < Math.min(TOP_CATEGORIES, eligible.size()); k++) top.add(eligible.get(k).getKey());
    for (int k = 0; k < frequent.size() && top.size() < TOP_CATEGORIES; k++) {
      if (!top.contains(frequent.get(k))) top.add(frequent.get(k));
    }
    return top;
  }

  /** Each category's share of the category mentions of the items of every user's history. */
  static Map<String, Double> categoryShares(Catalog catalog, int[] items, int[] off, int[] cut) {
    Map<String, Integer> counts = new HashMap<>();
    long total = 0;
    for (int u = 0; u + 1 < off.length; u++) {
      int end = cut[u] < 0 ? off[u + 1] : cut[u];
      for (int p = off[u]; p < end; p++) {
        for (String c : catalog.item(items[p]).categories()) {
          counts.merge(c, 1, Integer::sum);
          total++;
        }
      }
    }
    Map<String, Double> shares = new HashMap<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) shares.put(e.getKey(), e.getValue() / (double) total);
    return shares;
  }

  /** "I like A, B and C movies." from the history's most frequent categories; null when it has none. */
  static String statedTaste(Catalog catalog, int[] items, float[] weights, int from, int to) {
    List<String> top = statedCategories(catalog, items, weights, from, to, null);
    if (top.isEmpty()) return null;
    return sentence(top, historyDomain(catalog, items, from, to), historyLanguage(catalog, items, from, to));
  }

  static String sentence(List<String> categories, String domain, String language) {
    return StatedTasteRanker.sentence(categories, domain, language);
  }

  /** The most frequent domain of positions [from, to), ties by name. */
  private static String historyDomain(Catalog catalog, int[] items, int from, int to) {
    Map<String, Integer> domains = new HashMap<>();
    for (int p = from; p < to; p++) domains.merge(catalog.item(items[p]).domain(), 1, Integer::sum);
    return mostFrequent(domains);
  }

  /** Chinese when most items of positions [from, to) are Chinese, else English. */
  private static String historyLanguage(Catalog catalog, int[] items, int from, int to) {
    int zh = 0;
    for (int p = from; p < to; p++) if (Language.CHINESE.equals(Language.of(catalog.item(items[p])))) zh++;
    return zh * 2 > to - from ? Language.CHINESE : Language.ENGLISH;
  }

  private static String mostFrequent(Map<String, Integer> counts) {
    String best = null;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (best == null || e.getValue() > counts.get(best)
          || (e.getValue().equals(counts.get(best)) && e.getKey().compareTo(best) < 0)) best = e.getKey();
    }
    return best;
  }

  /**
   * HR@K, NDCG@K and Recall@K of the targets items[from..to) into user {@code x} of {@code v}. The rank of a target
   * counts the items outside the history, other than itself, scoring at least as high (ties against the target);
   * only the K + 1 best such items can decide whether it is within K, so those are found once per ranking.
   */
  static void evaluate(float[] scores, boolean[] history, int[] items, int from, int to, Variant v, int x) {
    float[] topScore = new float[K + 1];
    int[] topItem = new int[K + 1];
    int size = 0;
    for (int i = 0; i < scores.length; i++) {
      if (history[i]) continue;
      float s = scores[i];
      if (size == K + 1 && !(s > topScore[K])) continue;
      int at = size == K + 1 ? K : size++;
      while (at > 0 && topScore[at - 1] < s) {
        topScore[at] = topScore[at - 1];
        topItem[at] = topItem[at - 1];
        at--;
      }
      topScore[at] = s;
      topItem[at] = i;
    }
    int hits = 0, targets = to - from;
    double dcg = 0, idcg = 0;
    for (int p = from; p < to; p++) {
      int target = items[p];
      float s = scores[target];
      int rank = 0;
      for (int r = 0; r < size; r++) if (topItem[r] != target && topScore[r] >= s) rank++;
      if (rank < K) {
        hits++;
        dcg += 1 / (Math.log(rank + 2) / Math.log(2));
      }
    }
    for (int r = 0; r < Math.min(K, targets); r++) idcg += 1 / (Math.log(r + 2) / Math.log(2));
    v.hr[x] = hits > 0 ? 1 : 0;
    v.ndcg[x] = dcg / idcg;
    v.recall[x] = (double) hits / targets;
  }
}
