package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.core.Vectors;
import io.shiftrec.recommend.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Onboarding from a sentence of stated taste, against popularity, on users whose later history is known. Per user
 * with at least {@value #MIN_ITEMS} distinct items, the first {@value #HISTORY_SHARE} of them (clock order) are the
 * history and the rest the targets. The history only writes the sentence, "I like A, B and C movies.", from the
 * {@value #TOP_CATEGORIES} categories most frequent among the history's liked items (all its items when none is
 * liked; ties by name), with the history's domain as the noun. The sentence is encoded by the bundled model of the
 * items' space and centred by that space's mean, as items are; items score by cosine with it. Popularity counts
 * every user's history items (never a target). Both rank every item outside the user's history, ties against the
 * target. A third model adds the two, {@code log(1 + pop) + γ·cos}: the sentence says what kind of item, popularity
 * which of them people take first. γ is chosen on validation users (every user's id hashed with the seed; half of
 * them) by HR@10, and every row reports the other half, the test users.
 */
public final class OnboardingExperiment {
  public static final int MIN_ITEMS = 5;
  public static final double HISTORY_SHARE = 0.8;
  public static final int TOP_CATEGORIES = 3;
  public static final int K = 10;
  /** Weights of the sentence's cosine against log-popularity tried on validation users. */
  static final float[] GAMMAS = {0.25f, 0.5f, 1f, 2f, 5f, 10f, 20f, 50f};

  private OnboardingExperiment() {}

  /** One model's averages over the users. */
  public record Row(String model, int users, double hitRate, double ndcg, double recall) {}

  /** The test rows (popularity, stated taste, both), the chosen γ and the first few sentences as examples. */
  public record Result(List<Row> rows, float gamma, List<String> examples) {}

  /**
   * @param encode the vector of a text in the space of the given model id
   */
  public static Result run(Dataset dataset, BiFunction<String, String, float[]> encode, long seed) {
    Catalog raw = dataset.catalog();
    if (raw.spaces().isEmpty()) throw new IllegalArgumentException("onboarding needs encoded items; none here");
    Catalog centred = raw.centred();
    TrainingData all = TrainingData.fromEvents(raw, dataset.events());
    int nu = all.numUsers(), ni = raw.size();
    int[] off = all.offsets(), items = all.historyItems();
    float[] weights = all.historyWeights();
    int[] cut = new int[nu];
    int[] popularity = new int[ni];
    for (int u = 0; u < nu; u++) {
      int n = off[u + 1] - off[u];
      cut[u] = n < MIN_ITEMS ? -1 : off[u] + (int) Math.floor(HISTORY_SHARE * n);
      int end = cut[u] < 0 ? off[u + 1] : cut[u];
      for (int p = off[u]; p < end; p++) popularity[items[p]]++;
    }
    int models = 2 + GAMMAS.length; // pop, text, then pop + γ·text per γ
    double[][] validSums = new double[models][3], testSums = new double[models][3];
    int validUsers = 0, testUsers = 0;
    List<String> examples = new ArrayList<>();
    float[] logPop = new float[ni];
    for (int i = 0; i < ni; i++) logPop[i] = (float) Math.log1p(popularity[i]);
    float[] textScores = new float[ni], combined = new float[ni];
    boolean[] history = new boolean[ni];
    Map<String, float[]> means = new HashMap<>();
    for (Catalog.Space s : raw.spaces().values()) means.put(s.model, spaceMean(s));
    for (int u = 0; u < nu; u++) {
      if (cut[u] < 0) continue;
      String sentence = statedTaste(raw, items, weights, off[u], cut[u]);
      Catalog.Space space = raw.spaceOf(items[off[u]]);
      if (sentence == null || space == null) continue;
      if (examples.size() < 3) examples.add(all.userId(u) + ": \"" + sentence + "\"");
      float[] q = encode.apply(sentence, space.model).clone();
      float[] mean = means.get(space.model);
      for (int j = 0; j < q.length; j++) q[j] -= mean[j];
      Vectors.normalizeInPlace(q);
      Catalog.Space c = centred.spaces().get(space.model);
      Arrays.fill(textScores, Float.NEGATIVE_INFINITY);
      for (int r = 0; r < c.size(); r++) textScores[c.itemIndex[r]] = Vectors.dotRow(c.vectors, r, q);
      boolean validation = (new SplittableRandom(seed ^ all.userId(u).hashCode()).nextLong() & 1) == 0;
      double[][] sums = validation ? validSums : testSums;
      if (validation) validUsers++;
      else testUsers++;
      for (int p = off[u]; p < cut[u]; p++) history[items[p]] = true;
      accumulate(logPop, history, items, cut[u], off[u + 1], sums[0]);
      accumulate(textScores, history, items, cut[u], off[u + 1], sums[1]);
      for (int g = 0; g < GAMMAS.length; g++) {
        for (int i = 0; i < ni; i++) combined[i] = logPop[i] + GAMMAS[g] * textScores[i];
        accumulate(combined, history, items, cut[u], off[u + 1], sums[2 + g]);
      }
      for (int p = off[u]; p < cut[u]; p++) history[items[p]] = false;
    }
    int best = 0;
    for (int g = 1; g < GAMMAS.length; g++) if (validSums[2 + g][0] > validSums[2 + best][0]) best = g;
    List<Row> rows = new ArrayList<>();
    String[] names = {"pop", "stated taste (text)", "pop + γ·text (γ = " + GAMMAS[best] + ")"};
    int[] at = {0, 1, 2 + best};
    for (int m = 0; m < 3; m++) {
      double[] t = testSums[at[m]];
      rows.add(new Row(names[m], testUsers, t[0] / testUsers, t[1] / testUsers, t[2] / testUsers));
    }
    if (validUsers == 0) throw new IllegalStateException("no validation users");
    return new Result(rows, GAMMAS[best], examples);
  }

  /** "I like A, B and C movies." from the history's most frequent categories; null when it has none. */
  static String statedTaste(Catalog catalog, int[] items, float[] weights, int from, int to) {
    Map<String, Integer> counts = new HashMap<>();
    Map<String, Integer> domains = new HashMap<>();
    for (int pass = 0; pass < 2 && counts.isEmpty(); pass++) {
      for (int p = from; p < to; p++) {
        if (pass == 0 && weights[p] <= 0f) continue;
        Item item = catalog.item(items[p]);
        domains.merge(item.domain(), 1, Integer::sum);
        for (String category : item.categories()) counts.merge(category, 1, Integer::sum);
      }
    }
    if (counts.isEmpty()) return null;
    List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
        : Integer.compare(b.getValue(), a.getValue()));
    List<String> top = new ArrayList<>();
    for (int k = 0; k < Math.min(TOP_CATEGORIES, ranked.size()); k++) top.add(ranked.get(k).getKey());
    String domain = null;
    for (Map.Entry<String, Integer> e : domains.entrySet()) {
      if (domain == null || e.getValue() > domains.get(domain)) domain = e.getKey();
    }
    String list = top.size() == 1 ? top.get(0)
        : String.join(", ", top.subList(0, top.size() - 1)) + " and " + top.get(top.size() - 1);
    return "I like " + list + " " + domain + ".";
  }

  private static float[] spaceMean(Catalog.Space s) {
    double[] sum = new double[s.dimension];
    for (int r = 0; r < s.size(); r++) for (int j = 0; j < s.dimension; j++) sum[j] += s.vectors[r * s.dimension + j];
    float[] mean = new float[s.dimension];
    for (int j = 0; j < s.dimension; j++) mean[j] = (float) (sum[j] / s.size());
    return mean;
  }

  /** Adds HR@K, NDCG@K and Recall@K of the targets items[from..to) into {@code sums}. */
  private static void accumulate(float[] scores, boolean[] history, int[] items, int from, int to, double[] sums) {
    int hits = 0;
    double dcg = 0, idcg = 0;
    int targets = to - from;
    for (int p = from; p < to; p++) {
      float s = scores[items[p]];
      int rank = 0;
      for (int i = 0; i < scores.length && rank < K; i++) {
        if (i != items[p] && !history[i] && scores[i] >= s) rank++;
      }
      if (rank < K) {
        hits++;
        dcg += 1 / (Math.log(rank + 2) / Math.log(2));
      }
    }
    for (int r = 0; r < Math.min(K, targets); r++) idcg += 1 / (Math.log(r + 2) / Math.log(2));
    sums[0] += hits > 0 ? 1 : 0;
    sums[1] += dcg / idcg;
    sums[2] += (double) hits / targets;
  }
}
