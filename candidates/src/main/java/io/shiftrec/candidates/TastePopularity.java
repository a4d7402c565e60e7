package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Popularity among the people who state a taste: for every category, what the users whose own taste names it (their
 * most frequent liked categories) took. A new user who says "I like Horror and Sci-Fi films" is then recommended
 * what horror and sci-fi fans took, not what everyone took nor every horror film: the catalogue's genre labels say
 * what kind of item, these counts which of them such people actually choose.
 *
 * <p>For category weights {@code w_c} (summing to 1, e.g. the language model's reading of the text, see
 * {@link StatedTasteRanker#categoryAffinity}), the score of item {@code i} is {@code log(1 + N · Σ_c w_c p_c(i))} with
 * {@code p_c(i) = (n_c(i) + α · p(i)) / (N_c + α)}: the share of the category's fans' (user, item) pairs that are
 * {@code i}, shrunk with weight {@code α} toward global popularity {@code p(i) = n(i) / N}, so a category stated by
 * few users barely moves away from it. With every weight on categories no one states, or α very large, it is global
 * popularity, {@code log(1 + users who took i)}. Immutable after {@link Builder#build()}.
 */
public final class TastePopularity {
  private final int numItems;
  private final Map<String, Integer> rowOf;
  private final int[][] rowItems; // per taste, the items its users took (sparse) ...
  private final int[][] rowCounts; // ... and how many of them took each
  private final long[] totals;
  private final int[] users;
  private final int[] everyone;
  private final long everyoneTotal;

  private TastePopularity(int numItems, Map<String, Integer> rowOf, int[][] rowItems, int[][] rowCounts,
                          long[] totals, int[] users, int[] everyone, long everyoneTotal) {
    this.numItems = numItems;
    this.rowOf = rowOf;
    this.rowItems = rowItems;
    this.rowCounts = rowCounts;
    this.totals = totals;
    this.users = users;
    this.everyone = everyone;
    this.everyoneTotal = everyoneTotal;
  }

  /** Categories a stated taste names: {@value #STATED_CATEGORIES}, as in "I like Comedy, Drama and Romance movies." */
  public static final int STATED_CATEGORIES = 3;

  /**
   * The taste popularity of a catalogue's users: every user's stated taste is the {@value #STATED_CATEGORIES}
   * categories most frequent among the liked items of their history ({@link #statedCategories}), and they count
   * toward each of those categories with every item they took. What the server builds to rank for a new user.
   */
  public static TastePopularity fromHistories(TrainingData data) {
    Builder b = builder(data.numItems());
    int[] off = data.offsets(), items = data.historyItems();
    float[] weights = data.historyWeights();
    for (int u = 0; u < data.numUsers(); u++) {
      b.addUser(statedCategories(data.catalog(), items, weights, off[u], off[u + 1]), items, off[u], off[u + 1]);
    }
    return b.build();
  }

  /**
   * The {@value #STATED_CATEGORIES} categories most frequent among the liked items (weight &gt; 0) of positions
   * [from, to) (among all of them when none is liked), most frequent first, ties by name; empty when the items have
   * no category. What a user would say they like, from their own history only.
   */
  public static List<String> statedCategories(Catalog catalog, int[] items, float[] weights, int from, int to) {
    List<Map.Entry<String, Integer>> ranked = categoriesByCount(catalog, items, weights, from, to);
    List<String> top = new ArrayList<>();
    for (int k = 0; k < Math.min(STATED_CATEGORIES, ranked.size()); k++) top.add(ranked.get(k).getKey());
    return top;
  }

  /**
   * How often each category appears among the liked items of positions [from, to) (among all of them when none is
   * liked), most frequent first, ties by name.
   */
  public static List<Map.Entry<String, Integer>> categoriesByCount(Catalog catalog, int[] items, float[] weights,
                                                                   int from, int to) {
    Map<String, Integer> counts = new HashMap<>();
    for (int pass = 0; pass < 2 && counts.isEmpty(); pass++) {
      for (int p = from; p < to; p++) {
        if (pass == 0 && weights[p] <= 0f) continue;
        for (String category : catalog.item(items[p]).categories()) counts.merge(category, 1, Integer::sum);
      }
    }
    List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
        : Integer.compare(b.getValue(), a.getValue()));
    return ranked;
  }

  public static Builder builder(int numItems) {
    if (numItems < 1) throw new IllegalArgumentException("numItems must be positive, got " + numItems);
    return new Builder(numItems);
  }

  /** Collects users: the categories their taste names and the items they took. */
  public static final class Builder {
    private final int numItems;
    private final Map<String, Integer> rowOf = new LinkedHashMap<>();
    private final List<int[]> counts = new ArrayList<>();
    private final List<long[]> totals = new ArrayList<>(); // {pairs, users}
    private final int[] everyone;
    private long everyoneTotal;

    private Builder(int numItems) {
      this.numItems = numItems;
      this.everyone = new int[numItems];
    }

    /**
     * One user whose taste names {@code categories} took {@code items[from..to)} (each item once). Users without a
     * stated category count toward global popularity only.
     */
    public Builder addUser(List<String> categories, int[] items, int from, int to) {
      if (from < 0 || to > items.length || from > to) {
        throw new IllegalArgumentException("range [" + from + ", " + to + ") outside " + items.length + " items");
      }
      for (int p = from; p < to; p++) {
        if (items[p] < 0 || items[p] >= numItems) {
          throw new IllegalArgumentException("item index " + items[p] + " outside [0, " + numItems + ")");
        }
      }
      for (int p = from; p < to; p++) everyone[items[p]]++;
      everyoneTotal += to - from;
      List<String> distinct = new ArrayList<>();
      for (String c : categories) if (c != null && !c.isBlank() && !distinct.contains(c)) distinct.add(c);
      for (String c : distinct) {
        int row = rowOf.computeIfAbsent(c, k -> {
          counts.add(new int[numItems]);
          totals.add(new long[2]);
          return counts.size() - 1;
        });
        int[] n = counts.get(row);
        for (int p = from; p < to; p++) n[items[p]]++;
        totals.get(row)[0] += to - from;
        totals.get(row)[1]++;
      }
      return this;
    }

    public TastePopularity build() {
      int rows = counts.size();
      int[][] items = new int[rows][], n = new int[rows][];
      long[] t = new long[rows];
      int[] u = new int[rows];
      for (int r = 0; r < rows; r++) {
        int[] dense = counts.get(r);
        int nnz = 0;
        for (int c : dense) if (c > 0) nnz++;
        items[r] = new int[nnz];
        n[r] = new int[nnz];
        nnz = 0;
        for (int i = 0; i < numItems; i++) {
          if (dense[i] == 0) continue;
          items[r][nnz] = i;
          n[r][nnz++] = dense[i];
        }
        t[r] = totals.get(r)[0];
        u[r] = (int) totals.get(r)[1];
      }
      return new TastePopularity(numItems, new LinkedHashMap<>(rowOf), items, n, t, u, everyone.clone(),
          everyoneTotal);
    }
  }

  public int numItems() {
    return numItems;
  }

  /** Every taste some user states, first met first. */
  public List<String> tastes() {
    return new ArrayList<>(rowOf.keySet());
  }

  /** How many (user, item) pairs of users stating {@code taste}; 0 when none does. */
  public long pairs(String taste) {
    Integer r = rowOf.get(taste);
    return r == null ? 0 : totals[r];
  }

  /** How many users state {@code taste}; 0 when none does. */
  public int users(String taste) {
    Integer r = rowOf.get(taste);
    return r == null ? 0 : users[r];
  }

  /**
   * {@code log(1 + N · Σ_c w_c p_c(i))} of every item, for weights {@code weights[k]} of categories
   * {@code names[k]} (non-negative; normalised here; names no user states fall back to global popularity).
   */
  public void score(String[] names, float[] weights, double smoothing, float[] out) {
    if (names.length != weights.length) {
      throw new IllegalArgumentException(names.length + " category names but " + weights.length + " weights");
    }
    if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
      throw new IllegalArgumentException("smoothing must be a finite number ≥ 0, got " + smoothing);
    }
    if (out.length != numItems) {
      throw new IllegalArgumentException("expected an array of " + numItems + " scores, got " + out.length);
    }
    double total = 0;
    for (float w : weights) {
      if (!(w >= 0)) throw new IllegalArgumentException("category weights must be non-negative, got " + w);
      total += w;
    }
    if (everyoneTotal == 0) {
      Arrays.fill(out, 0f);
      return;
    }
    // p(i) = Σ_c w_c (n_c(i) + α p(i)) / (N_c + α): the sparse counts, then one shared multiple of global popularity.
    double[] p = new double[numItems];
    double globalShare = total == 0 ? 1 : 0;
    for (int k = 0; k < names.length; k++) {
      if (weights[k] == 0) continue;
      double w = weights[k] / total;
      Integer r = names[k] == null ? null : rowOf.get(names[k]);
      if (r == null || totals[r] + smoothing == 0) {
        globalShare += w; // a taste no user states: global popularity
        continue;
      }
      double denominator = totals[r] + smoothing;
      globalShare += w * smoothing / denominator;
      double scale = w / denominator;
      int[] items = rowItems[r], n = rowCounts[r];
      for (int j = 0; j < items.length; j++) p[items[j]] += scale * n[j];
    }
    for (int i = 0; i < numItems; i++) {
      double q = p[i] + globalShare * everyone[i] / (double) everyoneTotal;
      out[i] = (float) Math.log1p(everyoneTotal * q);
    }
  }
}
