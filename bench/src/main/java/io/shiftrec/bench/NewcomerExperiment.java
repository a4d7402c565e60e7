package io.shiftrec.bench;

import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Feedback;
import io.shiftrec.core.TextVectors;
import io.shiftrec.core.User;
import io.shiftrec.eval.Bootstrap;
import io.shiftrec.eval.Dataset;
import io.shiftrec.core.TrainingData;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.ranker.Models;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.ranker.RankerArtifact;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Newcomers with a stated group and their first few events: does the group's popularity (the fallback that answers a
 * newcomer with attributes and no events, {@link GroupPopularity}) still help once they have 1, 3 or 5 events, and
 * does the interest model beat popularity that early? A seeded fifth of the users with attributes and enough liked
 * items are the newcomers; everyone else's whole history is the data popularity and group popularity count. For each
 * newcomer, the targets are the items they liked after their first {@value #MAX_FIRST} events (the same targets for
 * every k, so the rows compare); each arm ranks every item they have not met among their first k. The learned ranker
 * is the default one, trained on the other users and served through its saved artefact, as the server serves it.
 */
public final class NewcomerExperiment {
  static final int K = 10;
  static final int[] FIRST = {0, 1, 3, 5};
  static final int MAX_FIRST = 5;
  /** Liked items a newcomer needs after their first {@value #MAX_FIRST} events to have targets worth ranking. */
  static final int MIN_TARGETS = 5;
  static final double NEWCOMER_SHARE = 0.2;
  /** The fallback's smoothing of group popularity toward the coarser group (the served value). */
  static final double GROUP_SMOOTHING = GroupPopularity.DEFAULT_SMOOTHING;
  static final float[] GROUP_WEIGHTS = {0.5f, 1f, 2f};
  /**
   * c of the ranker blended with popularity by history length: popularity's share c / (c + k) after k events, each
   * side standardised over the ranker's candidates; an exploration of the fix the first rows call for, not tuned.
   */
  static final float[] HISTORY_BLENDS = {1f, 5f, 20f};
  static final int BOOTSTRAP_SAMPLES = 1000;
  static final int PERMUTATIONS = 10000;

  private NewcomerExperiment() {}

  /**
   * One arm at one k: per newcomer, NDCG@10 and HR@10 of everything they liked after their first {@value #MAX_FIRST}
   * events ({@code later}), and of the one item they liked next after their first k ({@code next}).
   */
  public record Arm(String name, int first, double[] ndcg, double[] hr, double[] nextNdcg, double[] nextHr) {}

  /**
   * @param rankers learned rankers to train and serve, each a model spec ({@code shiftrec-learned} or one with
   *     settings, {@code shiftrec-learned:early-lists=0}); the first is also blended with popularity
   */
  public static List<Arm> run(PrintStream out, Dataset dataset, List<String> groupKeys, List<String> rankers,
                              long seed) {
    if (rankers.isEmpty()) throw new IllegalArgumentException("name at least one learned ranker");
    for (String spec : rankers) {
      if (!(Models.create(spec) instanceof LearnedRankerModel)) {
        throw new IllegalArgumentException("'" + spec + "' is not a learned ranker (" + LearnedRankerModel.NAME
            + " with or without settings)");
      }
    }
    Catalog catalog = dataset.catalog();
    if (catalog.spaces().isEmpty()) throw new IllegalArgumentException("newcomers need encoded items; none here");
    Map<String, List<Event>> byUser = new LinkedHashMap<>();
    for (Event e : dataset.events()) {
      if (e.item() != null && catalog.indexOf(e.item()) >= 0) byUser.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e);
    }
    Comparator<Event> byClock = Comparator.comparing((Event e) -> e.timestamp() == null ? Long.MIN_VALUE : e.timestamp())
        .thenComparing(e -> e.position() == null ? Long.MIN_VALUE : e.position());
    byUser.values().forEach(events -> events.sort(byClock));
    Map<String, Map<String, Object>> attributes = new HashMap<>();
    for (User u : dataset.users()) attributes.put(u.id(), u.attributes());
    List<String> newcomers = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    int n = catalog.size();
    int[] popularity = new int[n];
    GroupPopularity.Builder groups = GroupPopularity.builder(n, groupKeys);
    for (Map.Entry<String, List<Event>> e : byUser.entrySet()) {
      Map<String, Object> attrs = attributes.getOrDefault(e.getKey(), Map.of());
      boolean eligible = attrs.containsKey(groupKeys.get(0)) && likedAfterFirst(e.getValue()) >= MIN_TARGETS;
      if (eligible && random.nextDouble() < NEWCOMER_SHARE) {
        newcomers.add(e.getKey());
        continue;
      }
      for (Event ev : e.getValue()) {
        int i = catalog.indexOf(ev.item());
        popularity[i]++;
        groups.add(attrs, i);
      }
    }
    if (newcomers.isEmpty()) {
      throw new IllegalArgumentException("no newcomer: no user with the attribute '" + groupKeys.get(0) + "' has "
          + MIN_TARGETS + " liked items after their first " + MAX_FIRST + " events");
    }
    GroupPopularity groupPopularity = groups.build();
    InterestRecommender interests = InterestRecommender.withDefaults(catalog);
    // the default ranker trained on everyone but the newcomers, served as the server serves it
    java.util.Set<String> held = new java.util.HashSet<>(newcomers);
    List<Event> others = new ArrayList<>();
    for (Event e : dataset.events()) if (!held.contains(e.user())) others.add(e);
    TrainingData othersData = TrainingData.fromEvents(catalog, others).withUserAttributes(attributes::get);
    List<InterestRecommender> served = new ArrayList<>();
    for (String spec : rankers) {
      LearnedRankerModel model = (LearnedRankerModel) Models.create(spec);
      model.fit(othersData, seed);
      served.add(InterestRecommender.withDefaults(catalog,
          LearnedRanking.Trained.of(RankerArtifact.fromBytes(model.artifact().toBytes()), spec)));
    }
    List<Arm> arms = new ArrayList<>();
    float[] pop = new float[n], group = new float[n], text = new float[n], scores = new float[n];
    float[] blended = new float[n], other = new float[n];
    for (int i = 0; i < n; i++) pop[i] = (float) Math.log1p(popularity[i]);
    int m = newcomers.size();
    for (int first : FIRST) {
      Map<String, double[][]> results = new LinkedHashMap<>(); // arm → {ndcg, hr, next ndcg, next hr}
      for (int u = 0; u < m; u++) {
        List<Event> events = byUser.get(newcomers.get(u));
        List<Event> history = events.subList(0, first);
        boolean[] seen = new boolean[n], target = new boolean[n], next = new boolean[n];
        for (Event e : history) seen[catalog.indexOf(e.item())] = true;
        for (Event e : events.subList(MAX_FIRST, events.size())) {
          int i = catalog.indexOf(e.item());
          if (Feedback.weight(e) > 0 && !seen[i]) target[i] = true;
        }
        for (Event e : events.subList(first, events.size())) {
          int i = catalog.indexOf(e.item());
          if (Feedback.weight(e) > 0 && !seen[i]) {
            next[i] = true;
            break;
          }
        }
        Targets t = new Targets(seen, target, next);
        groupPopularity.score(attributes.get(newcomers.get(u)), GROUP_SMOOTHING, group);
        record(results, "popularity", m, u, pop, t);
        record(results, "group popularity (the served fallback)", m, u, group, t);
        if (first == 0) continue;
        for (int r = 0; r < served.size(); r++) {
          InterestRecommender ranker = served.get(r);
          ranker.score(ranker.interests(history, TextVectors.NONE).withAttributes(attributes.get(newcomers.get(u))),
              r == 0 ? scores : other);
          record(results, "learned ranker `" + rankers.get(r) + "` (served once a newcomer has events)", m, u,
              r == 0 ? scores : other, t);
        }
        for (int i = 0; i < n; i++) blended[i] = Float.isFinite(scores[i]) ? pop[i] : Float.NEGATIVE_INFINITY;
        float[] zRanker = standardised(scores), zPop = standardised(blended); // both over the ranker's candidates
        for (float c : HISTORY_BLENDS) {
          float share = c / (c + first); // popularity's share, falling as the history grows
          for (int i = 0; i < n; i++) {
            blended[i] = Float.isFinite(scores[i]) ? (1 - share) * zRanker[i] + share * zPop[i]
                : Float.NEGATIVE_INFINITY;
          }
          record(results, String.format(Locale.ROOT, "learned ranker blended with popularity, c = %.0f", c), m, u,
              blended, t);
        }
        interests.score(interests.interests(history, TextVectors.NONE), text);
        record(results, "interests alone (served before a ranker is trained)", m, u, text, t);
        float[] zText = standardised(text), zGroup = standardised(group);
        for (float w : GROUP_WEIGHTS) {
          for (int i = 0; i < n; i++) scores[i] = zText[i] + w * zGroup[i];
          record(results, String.format(Locale.ROOT, "interests + %.1f·group popularity (z-scores)", w), m, u, scores,
              t);
        }
      }
      results.forEach((name, r) -> arms.add(new Arm(name, first, r[0], r[1], r[2], r[3])));
    }
    print(out, arms, m, seed);
    return arms;
  }

  private static int likedAfterFirst(List<Event> events) {
    int liked = 0;
    for (int p = MAX_FIRST; p < events.size(); p++) if (Feedback.weight(events.get(p)) > 0) liked++;
    return liked;
  }

  /** What a newcomer has met, what they liked later, and the one item they liked next. */
  private record Targets(boolean[] seen, boolean[] later, boolean[] next) {}

  private static void record(Map<String, double[][]> results, String arm, int users, int u, float[] scores,
                             Targets t) {
    double[][] r = results.computeIfAbsent(arm, a -> new double[][] {new double[users], new double[users],
        new double[users], new double[users]});
    int[] top = topK(scores, t.seen());
    metrics(top, t.later(), r[0], r[1], u);
    metrics(top, t.next(), r[2], r[3], u);
  }

  /** NDCG@K and HR@K of the ranked {@code top} against {@code target}, into row {@code u}. */
  static void metrics(int[] top, boolean[] target, double[] ndcg, double[] hr, int u) {
    int targets = 0;
    for (boolean t : target) if (t) targets++;
    double dcg = 0, ideal = 0;
    boolean hit = false;
    for (int rank = 0; rank < top.length; rank++) {
      if (top[rank] >= 0 && target[top[rank]]) {
        dcg += 1 / log2(rank + 2);
        hit = true;
      }
      if (rank < targets) ideal += 1 / log2(rank + 2);
    }
    ndcg[u] = ideal == 0 ? 0 : dcg / ideal;
    hr[u] = hit ? 1 : 0;
  }

  private static int[] topK(float[] scores, boolean[] seen) {
    io.shiftrec.core.TopK top = new io.shiftrec.core.TopK(K);
    for (int i = 0; i < scores.length; i++) if (!seen[i] && Float.isFinite(scores[i])) top.offer(i, scores[i]);
    int[] out = new int[K];
    Arrays.fill(out, -1);
    int[] drained = top.drain(null);
    System.arraycopy(drained, 0, out, 0, drained.length);
    return out;
  }

  private static float[] standardised(float[] v) {
    double sum = 0, squares = 0;
    int finite = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) continue;
      sum += x;
      squares += x * x;
      finite++;
    }
    double mean = finite == 0 ? 0 : sum / finite;
    double sd = finite == 0 ? 0 : Math.sqrt(Math.max(0, squares / finite - mean * mean));
    float[] z = new float[v.length];
    for (int i = 0; i < v.length; i++) z[i] = !Float.isFinite(v[i]) || sd == 0 ? 0f : (float) ((v[i] - mean) / sd);
    return z;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static void print(PrintStream out, List<Arm> arms, int users, long seed) {
    out.printf(Locale.ROOT, "Newcomers: %d users with attributes, their first k events known; 95%% bootstrap"
        + " intervals; paired test against popularity at the same k%n", users);
    table(out, arms, users, seed, true, "everything they liked after their first " + MAX_FIRST + " events");
    table(out, arms, users, seed, false, "the one item they liked next after their first k events");
  }

  private static void table(PrintStream out, List<Arm> arms, int users, long seed, boolean later, String targets) {
    int[] everyone = new int[users];
    for (int u = 0; u < users; u++) everyone[u] = u;
    out.printf(Locale.ROOT, "%nTargets: %s%n", targets);
    out.println("| first k events | arm | NDCG@10 [95% CI] | HR@10 [95% CI] | against popularity: Δ NDCG@10, p |");
    out.println("|---:|---|---|---|---|");
    Map<Integer, Arm> popularity = new HashMap<>();
    for (Arm a : arms) if (a.name().equals("popularity")) popularity.put(a.first(), a);
    for (Arm a : arms) {
      double[] ndcg = later ? a.ndcg() : a.nextNdcg(), hr = later ? a.hr() : a.nextHr();
      double[] ciN = Bootstrap.ci95(ndcg, everyone, BOOTSTRAP_SAMPLES, seed);
      double[] ciH = Bootstrap.ci95(hr, everyone, BOOTSTRAP_SAMPLES, seed);
      String paired = "reference";
      Arm ref = popularity.get(a.first());
      if (a != ref) {
        Bootstrap.Paired p = Bootstrap.paired(ndcg, later ? ref.ndcg() : ref.nextNdcg(), everyone, BOOTSTRAP_SAMPLES,
            PERMUTATIONS, seed);
        paired = String.format(Locale.ROOT, "%+.4f, p = %.4f", p.meanDiff(), p.pValue());
      }
      out.printf(Locale.ROOT, "| %d | %s | %.4f [%.4f, %.4f] | %.4f [%.4f, %.4f] | %s |%n", a.first(), a.name(),
          mean(ndcg), ciN[0], ciN[1], mean(hr), ciH[0], ciH[1], paired);
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return v.length == 0 ? 0 : s / v.length;
  }
}
