package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * User segments, defined from the split's data only (never from a model's output), as test-user positions.
 * <ul>
 *   <li>{@code cold}: at most {@value #COLD_MAX} training items.</li>
 *   <li>{@code drifting}: users with at least {@code 2 × }{@value #RECENT} training items whose recent taste differs
 *       most from their earlier taste: the cosine between the mean representation of their last {@value #RECENT}
 *       training items and that of the earlier ones is in the lowest {@value #DRIFT_QUANTILE} quantile of such users
 *       (ties included) and below 1. The representation is the item embedding when the catalogue has vectors for
 *       at least half its items (the user's most used embedding space), else a bag of the item's categories and
 *       domain, each item a unit vector.</li>
 *   <li>{@code cross-domain}: training history in at least two domains.</li>
 *   <li>{@code domain:X}: the (first, by clock) target item is in domain X.</li>
 * </ul>
 */
final class Segments {
  static final int COLD_MAX = 5;
  static final int RECENT = 5;
  static final double DRIFT_QUANTILE = 0.2;

  private Segments() {}

  /** Segment name → sorted test-user positions; cold, drifting and cross-domain always present (maybe empty). */
  static Map<String, int[]> of(Split split) {
    TrainingData train = split.train();
    Catalog catalog = train.catalog();
    int n = split.numTestUsers();
    Map<String, int[]> out = new LinkedHashMap<>();
    List<Integer> cold = new ArrayList<>(), cross = new ArrayList<>();
    Map<String, List<Integer>> byDomain = new TreeMap<>();
    int[] dom = train.itemDomains();
    int[] off = train.offsets(), items = train.historyItems();
    for (int t = 0; t < n; t++) {
      int u = split.testUsers()[t];
      if (train.historyLength(u) <= COLD_MAX) cold.add(t);
      boolean multi = false;
      for (int p = off[u] + 1; p < off[u + 1] && !multi; p++) multi = dom[items[p]] != dom[items[off[u]]];
      if (multi) cross.add(t);
      if (split.numTargets(t) > 0) {
        String d = train.domainNames()[dom[split.targets()[split.targetOffsets()[t]]]];
        byDomain.computeIfAbsent("domain:" + d, k -> new ArrayList<>()).add(t);
      }
    }
    out.put("cold", toArray(cold));
    out.put("drifting", drifting(split, useEmbeddings(catalog)));
    out.put("cross-domain", toArray(cross));
    for (Map.Entry<String, List<Integer>> e : byDomain.entrySet()) out.put(e.getKey(), toArray(e.getValue()));
    return out;
  }

  static boolean useEmbeddings(Catalog catalog) {
    int with = 0;
    for (int i = 0; i < catalog.size(); i++) if (catalog.spaceOf(i) != null) with++;
    return catalog.size() > 0 && with * 2 >= catalog.size();
  }

  /** Cosine between recent and earlier taste per test user (NaN when not eligible). */
  static double[] driftSimilarity(Split split, boolean embeddings) {
    TrainingData train = split.train();
    Catalog catalog = train.catalog();
    int[] off = train.offsets(), items = train.historyItems();
    int[][] tokens = embeddings ? null : tokens(catalog);
    double[] sim = new double[split.numTestUsers()];
    for (int t = 0; t < sim.length; t++) {
      int u = split.testUsers()[t];
      int len = off[u + 1] - off[u];
      if (len < 2 * RECENT) {
        sim[t] = Double.NaN;
        continue;
      }
      int cut = off[u + 1] - RECENT;
      sim[t] = embeddings ? embeddingCosine(catalog, items, off[u], cut, off[u + 1])
          : tokenCosine(tokens, items, off[u], cut, off[u + 1]);
    }
    return sim;
  }

  static int[] drifting(Split split, boolean embeddings) {
    double[] sim = driftSimilarity(split, embeddings);
    double[] eligible = Arrays.stream(sim).filter(v -> v == v).sorted().toArray();
    if (eligible.length == 0) return new int[0];
    double threshold = eligible[(int) Math.floor(DRIFT_QUANTILE * (eligible.length - 1))];
    List<Integer> out = new ArrayList<>();
    for (int t = 0; t < sim.length; t++) {
      if (sim[t] == sim[t] && sim[t] <= threshold && sim[t] < 1 - 1e-6) out.add(t);
    }
    return toArray(out);
  }

  private static double embeddingCosine(Catalog catalog, int[] items, int from, int cut, int to) {
    Map<Catalog.Space, Integer> use = new HashMap<>();
    Catalog.Space best = null;
    for (int p = from; p < to; p++) {
      Catalog.Space s = catalog.spaceOf(items[p]);
      if (s == null) continue;
      int c = use.merge(s, 1, Integer::sum);
      if (best == null || c > use.get(best)) best = s;
    }
    if (best == null) return Double.NaN;
    float[] early = new float[best.dimension], recent = new float[best.dimension];
    for (int p = from; p < to; p++) {
      if (catalog.spaceOf(items[p]) != best) continue;
      Vectors.addScaled(p < cut ? early : recent, catalog.vector(items[p]), 1f);
    }
    if (Vectors.norm(early) == 0f || Vectors.norm(recent) == 0f) return Double.NaN;
    return Vectors.cosine(early, recent);
  }

  /** Token ids per item: its categories and its domain. */
  private static int[][] tokens(Catalog catalog) {
    Map<String, Integer> ids = new HashMap<>();
    int[][] out = new int[catalog.size()][];
    for (int i = 0; i < catalog.size(); i++) {
      List<String> cats = catalog.item(i).categories();
      out[i] = new int[cats.size() + 1];
      for (int c = 0; c < cats.size(); c++) out[i][c] = ids.computeIfAbsent("c:" + cats.get(c), k -> ids.size());
      out[i][cats.size()] = ids.computeIfAbsent("d:" + catalog.item(i).domain(), k -> ids.size());
    }
    return out;
  }

  private static double tokenCosine(int[][] tokens, int[] items, int from, int cut, int to) {
    Map<Integer, double[]> acc = new HashMap<>(); // token → {early, recent}
    for (int p = from; p < to; p++) {
      int[] tk = tokens[items[p]];
      double w = 1.0 / Math.sqrt(tk.length);
      for (int id : tk) acc.computeIfAbsent(id, k -> new double[2])[p < cut ? 0 : 1] += w;
    }
    double dot = 0, ne = 0, nr = 0;
    for (double[] v : acc.values()) {
      dot += v[0] * v[1];
      ne += v[0] * v[0];
      nr += v[1] * v[1];
    }
    return ne == 0 || nr == 0 ? Double.NaN : dot / Math.sqrt(ne * nr);
  }

  private static int[] toArray(List<Integer> list) {
    int[] a = new int[list.size()];
    for (int i = 0; i < a.length; i++) a[i] = list.get(i);
    return a;
  }
}
