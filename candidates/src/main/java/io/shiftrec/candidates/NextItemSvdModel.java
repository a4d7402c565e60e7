package io.shiftrec.candidates;

import io.shiftrec.core.Parameters;
import java.util.List;
import io.shiftrec.core.TrainingData;

import io.shiftrec.learn.Interactions;
import io.shiftrec.learn.LowRank;
import java.util.Arrays;

/**
 * The next-item rules ({@link NextItemModel}) smoothed through a low-rank approximation, so that a transition nobody
 * made yet is scored from transitions between similar items: the matrix T of every rule i → j (no pruning),
 * normalised by degree, D_from^-½·T·D_to^-½ (the +1 keeps items without rules finite), is approximated at rank
 * {@code rank} ({@link LowRank}); a user's score for j is the approximation's rows of their {@code lastItems} latest
 * items, the r-th latest weighted 1/r, at column j. On sparse catalogues, where most pairs of items were never seen
 * in sequence, the smoothing finds what the rules miss (docs/DESIGN.md, "Learned ranker").
 */
public final class NextItemSvdModel implements RecentItemsModel {
  public static final String NAME = "next-item-svd";

  /** Window and history read as {@link NextItemModel}'s; rank chosen on the validation targets. */
  public record Config(int window, int lastItems, int rank, int iterations) {
    public Config {
      if (window < 1 || lastItems < 1 || rank < 1 || iterations < 0) {
        throw new IllegalArgumentException("window, recent and rank of " + NAME + " must be positive and iterations"
            + " ≥ 0, got " + window + ", " + lastItems + ", " + rank + ", " + iterations);
      }
    }

    public static Config defaults() {
      return new Config(NextItemModel.Config.defaults().window(), NextItemModel.Config.defaults().lastItems(), 512,
          3);
    }

    public Config withLastItems(int lastItems) {
      return new Config(window, lastItems, rank, iterations);
    }

    /** This config with one hyperparameter set from text, e.g. {@code with("rank", "64")}. */
    public Config with(String key, String value) {
      if (!List.of("window", "recent", "rank", "iterations").contains(key)) {
        throw Parameters.unknown(NAME, key, List.of("window", "recent", "rank", "iterations"));
      }
      int v = Parameters.integer(key + " of " + NAME, value);
      return switch (key) {
        case "window" -> new Config(v, lastItems, rank, iterations);
        case "recent" -> new Config(window, v, rank, iterations);
        case "rank" -> new Config(window, lastItems, v, iterations);
        default -> new Config(window, lastItems, rank, v);
      };
    }
  }

  private final String name;
  private final Config config;
  private TrainingData train;
  private Scorer scorer;

  public NextItemSvdModel(String name, Config config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int lastItems() {
    return config.lastItems();
  }

  @Override
  public NextItemSvdModel readingLast(int lastItems) {
    if (scorer == null) throw new IllegalStateException(name + " is not fitted");
    NextItemSvdModel view = new NextItemSvdModel(RecentItemsModel.windowName(name, lastItems),
        config.withLastItems(lastItems));
    view.train = train;
    view.scorer = scorer;
    return view;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    ItemGraph rules = NextItemModel.transitions(train, config.window(), Integer.MAX_VALUE);
    LowRank.Factors factors = LowRank.approximate(normalised(rules), config.rank(), config.iterations(), seed);
    scorer = Scorer.of(factors, null, factors.left().length / factors.rank());
  }

  /** D_from^-½·T·D_to^-½, with D the rule weights out of and into each item, plus one. */
  private static Interactions normalised(ItemGraph rules) {
    int n = rules.size();
    int[] offsets = rules.offsets(), to = rules.items();
    float[] w = rules.weights();
    double[] out = new double[n], in = new double[n];
    for (int i = 0; i < n; i++) {
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        out[i] += w[p];
        in[to[p]] += w[p];
      }
    }
    float[] scaled = new float[w.length];
    for (int i = 0; i < n; i++) {
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        scaled[p] = (float) (w[p] / Math.sqrt((out[i] + 1) * (in[to[p]] + 1)));
      }
    }
    return new Interactions(n, n, offsets, to, scaled);
  }

  /** The fitted approximation: row i of {@code left} is item i's rules, column j of {@code right} scores item j. */
  public LowRank.Factors factors() {
    if (scorer == null) throw new IllegalStateException(name + " is not fitted");
    return scorer.factors();
  }

  @Override
  public void score(int user, float[] scoresOut) {
    int[] offsets = train.offsets();
    scoreFrom(scorer, train.historyItems(), offsets[user], offsets[user + 1], config.lastItems(), scoresOut);
  }

  /**
   * The approximation laid out for scoring: the left factors by item, the right ones by rank (one array of items per
   * rank), so that a user's scores are k passes of y += q_c·R_c over the catalogue, which vectorise, not a dot
   * product per item. Each R_c is an array of its own: the JIT does not vectorise that loop over one flat array read
   * at an offset, which runs about twice as slow here.
   */
  public record Scorer(int rank, float[] left, float[][] rightByRank) {
    /**
     * The factors over another numbering: {@code row[r]} is the new index of item r, or −1 when it is gone (null:
     * the same numbering); {@code n} items, those no row maps to with zero factors.
     */
    public static Scorer of(LowRank.Factors factors, int[] row, int n) {
      int k = factors.rank(), rows = factors.left().length / k;
      float[] left = new float[n * k], right = factors.right();
      float[][] byRank = new float[k][n];
      for (int r = 0; r < rows; r++) {
        int i = row == null ? r : row[r];
        if (i < 0) continue;
        System.arraycopy(factors.left(), r * k, left, i * k, k);
        for (int c = 0; c < k; c++) byRank[c][i] = right[r * k + c];
      }
      return new Scorer(k, left, byRank);
    }

    /** The factors as {@link LowRank} gives them, right ones by item: what the ranker artefact saves. */
    LowRank.Factors factors() {
      int n = left.length / rank;
      float[] right = new float[n * rank];
      for (int c = 0; c < rank; c++) for (int j = 0; j < n; j++) right[j * rank + c] = rightByRank[c][j];
      return new LowRank.Factors(rank, left, right);
    }
  }

  /**
   * The score of every item from a history (items {@code from .. to} of {@code history}, oldest first): the
   * approximated rules of the {@code lastItems} latest, the r-th latest weighted 1/r.
   */
  public static void scoreFrom(Scorer scorer, int[] history, int from, int to, int lastItems, float[] scoresOut) {
    scoreFrom(scorer, history, from, to, new int[] {lastItems}, new float[][] {scoresOut});
  }

  /**
   * {@link #scoreFrom(Scorer, int[], int, int, int[], float[][])} for items numbered otherwise than the scorer's rows:
   * item i is row {@code rowOfItem[i]} (a row of zeros for an item the factors never saw), {@code history} and
   * {@code scoresOut} are in item numbers. The same scores, bit for bit, as the factors laid out in the items' order
   * ({@link Scorer#of} with the inverse numbering), without copying them: one more pass over the items per window.
   */
  public static void scoreMapped(Scorer scorer, int[] rowOfItem, int[] history, int[] lastItems, float[][] scoresOut) {
    int[] rows = new int[history.length];
    for (int p = 0; p < history.length; p++) rows[p] = rowOfItem[history[p]];
    float[][] byRow = new float[lastItems.length][scorer.left().length / scorer.rank()];
    scoreFrom(scorer, rows, 0, rows.length, lastItems, byRow);
    for (int w = 0; w < lastItems.length; w++) {
      float[] out = scoresOut[w], scores = byRow[w];
      for (int i = 0; i < rowOfItem.length; i++) out[i] = scores[rowOfItem[i]];
    }
  }

  /**
   * {@link #scoreFrom(Scorer, int[], int, int, int, float[])} over several history lengths at once, in one pass over
   * the factors (the ranker reads the rules over three).
   */
  public static void scoreFrom(Scorer scorer, int[] history, int from, int to, int[] lastItems, float[][] scoresOut) {
    int k = scorer.rank(), windows = lastItems.length, n = scoresOut[0].length;
    float[] left = scorer.left();
    float[][] right = scorer.rightByRank();
    float[] queries = new float[windows * k];
    for (int w = 0; w < windows; w++) {
      int r = 0;
      for (int p = to - 1; p >= from && r < lastItems[w]; p--) {
        float weight = 1f / ++r;
        int o = history[p] * k;
        for (int c = 0; c < k; c++) queries[w * k + c] += weight * left[o + c];
      }
      Arrays.fill(scoresOut[w], 0f);
    }
    for (int c = 0; c < k; c++) {
      float[] rc = right[c];
      for (int w = 0; w < windows; w++) {
        float q = queries[w * k + c];
        if (q == 0f) continue;
        float[] out = scoresOut[w];
        for (int j = 0; j < n; j++) out[j] += q * rc[j];
      }
    }
  }
}
