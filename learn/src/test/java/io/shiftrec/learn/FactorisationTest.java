package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FactorisationTest {
  private static final ImplicitAls.Config ALS = new ImplicitAls.Config(8, 0.1f, 10f, 10, 3);
  private static final BprMf.Config BPR = new BprMf.Config(8, 0.05f, 0.001f, 20);

  /** Rows as item lists, weight 1. */
  private static Interactions matrix(int numItems, int[]... rows) {
    int[] offsets = new int[rows.length + 1];
    for (int u = 0; u < rows.length; u++) offsets[u + 1] = offsets[u] + rows[u].length;
    int[] items = new int[offsets[rows.length]];
    for (int u = 0; u < rows.length; u++) System.arraycopy(rows[u], 0, items, offsets[u], rows[u].length);
    return Interactions.binary(rows.length, numItems, offsets, items);
  }

  /** 300 users in three taste groups of 40 items each; each user takes 12 random items of their group. */
  private static Interactions groups(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] rows = new int[300][];
    for (int u = 0; u < rows.length; u++) {
      int group = u % 3;
      rows[u] = r.ints(0, 40).distinct().limit(12).map(i -> group * 40 + i).sorted().toArray();
    }
    return matrix(120, rows);
  }

  /**
   * Three users took items 0 and 1 together, one took only 0; two others took 2 and 3, one took 4. For the user
   * with only item 0, item 1 (co-consumed with 0 by everyone else who took 0) must come first among the unseen.
   */
  private static final int[][] CO_CONSUMED = {{0, 1}, {0, 1}, {0, 1}, {0}, {2, 3}, {2, 3}, {4}};

  private static int bestUnseen(Factors f, int user, int... seen) {
    float[] s = new float[f.numItems()];
    f.scoreAll(user, s);
    for (int i : seen) s[i] = Float.NEGATIVE_INFINITY;
    int best = 0;
    for (int i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
    return best;
  }

  @Test
  void alsRanksTheCoConsumedItemFirst() {
    Factors f = ImplicitAls.fit(matrix(5, CO_CONSUMED), ALS, 7, 1, EpochListener.NONE);
    assertEquals(1, bestUnseen(f, 3, 0));
  }

  @Test
  void bprRanksTheCoConsumedItemFirst() {
    // 12 interactions per epoch: many epochs so the few triples add up
    Factors f = BprMf.fit(matrix(5, CO_CONSUMED), new BprMf.Config(8, 0.1f, 0.001f, 500), 7, EpochListener.NONE);
    assertEquals(1, bestUnseen(f, 3, 0));
  }

  @Test
  void alsIsDeterministicForASeedWhateverTheThreads() {
    Interactions data = groups(1);
    Factors one = ImplicitAls.fit(data, ALS, 42, 1, EpochListener.NONE);
    Factors three = ImplicitAls.fit(data, ALS, 42, 3, EpochListener.NONE);
    assertArrayEquals(one.users(), three.users());
    assertArrayEquals(one.items(), three.items());
    Factors other = ImplicitAls.fit(data, ALS, 43, 3, EpochListener.NONE);
    assertFalse(Arrays.equals(one.items(), other.items()));
  }

  /** What a cluster's workers do: each solves a block of rows from a copy of its values, the results copied back. */
  @Test
  void alsSolvedInBlocksElsewhereGivesTheSameFactors() {
    Interactions data = groups(2);
    ImplicitAls.Sweep inBlocks = (part, rows, cols, config) -> {
      int k = config.factors(), n = part.numUsers();
      float[] gram = ImplicitAls.sweepGram(cols, part.numItems(), k);
      for (int from = 0; from < n; from += 7) {
        int to = Math.min(n, from + 7);
        float[] block = Arrays.copyOfRange(rows, from * k, to * k);
        ImplicitAls.solveBlock(part, from, to, block, cols.clone(), gram, config);
        System.arraycopy(block, 0, rows, from * k, block.length);
      }
    };
    Factors local = ImplicitAls.fit(data, ALS, 42, 2, EpochListener.NONE);
    Factors blocks = ImplicitAls.fit(data, ALS, 42, inBlocks, EpochListener.NONE);
    assertArrayEquals(local.users(), blocks.users());
    assertArrayEquals(local.items(), blocks.items());
  }

  @Test
  void bprIsDeterministicForASeed() {
    Interactions data = groups(1);
    Factors a = BprMf.fit(data, BPR, 42, EpochListener.NONE);
    Factors b = BprMf.fit(data, BPR, 42, EpochListener.NONE);
    assertArrayEquals(a.users(), b.users());
    assertArrayEquals(a.items(), b.items());
    assertArrayEquals(a.itemBias(), b.itemBias());
    assertFalse(Arrays.equals(a.items(), BprMf.fit(data, BPR, 43, EpochListener.NONE).items()));
  }

  @Test
  void alsLossNeverRisesAndFallsOverall() {
    List<Double> losses = new ArrayList<>();
    ImplicitAls.fit(groups(2), ALS, 3, 2, (epoch, loss, f) -> losses.add(loss));
    assertEquals(ALS.iterations(), losses.size());
    // each CG step lowers its row's quadratic, so a sweep cannot raise the objective (up to float rounding)
    for (int t = 1; t < losses.size(); t++) {
      assertTrue(losses.get(t) <= losses.get(t - 1) * (1 + 1e-5), losses.toString());
    }
    assertTrue(losses.get(losses.size() - 1) < 0.9 * losses.get(0), losses.toString());
  }

  @Test
  void bprLossFalls() {
    List<Double> losses = new ArrayList<>();
    BprMf.fit(groups(2), BPR, 3, (epoch, loss, f) -> losses.add(loss));
    assertEquals(BPR.epochs(), losses.size());
    // ln 2 ≈ 0.69 is the loss of random factors; learned groups should push it well below
    assertTrue(losses.get(0) > 0.5, losses.toString());
    assertTrue(losses.get(losses.size() - 1) < 0.5 * losses.get(0), losses.toString());
  }

  @Test
  void learnedFactorsSeparateTheGroups() {
    Interactions data = groups(4);
    for (Factors f : List.of(ImplicitAls.fit(data, ALS, 5, 2, EpochListener.NONE),
        BprMf.fit(data, BPR, 5, EpochListener.NONE))) {
      for (int u = 0; u < 30; u++) {
        int[] seen = Arrays.copyOfRange(data.items(), data.offsets()[u], data.offsets()[u + 1]);
        assertEquals(u % 3, bestUnseen(f, u, seen) / 40, "user " + u);
      }
    }
  }

  @Test
  void badInputIsRejectedWithAReason() {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> new Interactions(1, 2, new int[] {0, 1}, new int[] {0}, new float[] {-1f}));
    assertTrue(negative.getMessage().contains("≥ 0"), negative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Interactions.binary(1, 2, new int[] {0, 1}, new int[] {2}));
    assertThrows(IllegalArgumentException.class, () -> Interactions.binary(2, 2, new int[] {0, 1}, new int[] {0}));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ImplicitAls.Config.defaults().with("rank", "3"));
    assertTrue(unknown.getMessage().contains("factors"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BprMf.Config.defaults().with("lr", "0"));
    assertThrows(IllegalArgumentException.class, () -> BprMf.Config.defaults().with("epochs", "many"));
    assertEquals(0.01f, BprMf.Config.defaults().with("lr", "0.01").learningRate());
  }

  @Test
  void transposeSwapsRowsAndColumns() {
    Interactions m = new Interactions(2, 3, new int[] {0, 2, 3}, new int[] {2, 0, 2}, new float[] {1, 2, 3});
    Interactions t = m.transpose();
    assertArrayEquals(new int[] {0, 1, 1, 3}, t.offsets());
    assertArrayEquals(new int[] {0, 0, 1}, t.items());
    assertArrayEquals(new float[] {2, 1, 3}, t.weights());
  }

  /**
   * Fold-in must give the exact minimiser of one row's objective: the gradient Σ_i c_i (x·y_i − p_i) y_i + λx,
   * summed here item by item over the whole catalogue (not through YᵀY), vanishes at its answer; and a new user who
   * took three items of group 1 gets the rest of group 1 first.
   */
  @Test
  void foldInSolvesTheRowExactlyAndRecommendsTheUsersGroup() {
    Factors f = ImplicitAls.fit(groups(3), ALS, 11, 1, EpochListener.NONE);
    ImplicitAls.FoldIn foldIn = new ImplicitAls.FoldIn(f.items(), f.numItems(), f.rank(), ALS.regularization(),
        ALS.alpha());
    int[] history = {41, 57, 63};
    float[] x = new float[f.rank()];
    foldIn.solve(history, history.length, x);
    double[] gradient = new double[f.rank()];
    for (int i = 0; i < f.numItems(); i++) {
      boolean taken = i == 41 || i == 57 || i == 63;
      double c = taken ? 1 + ALS.alpha() : 1, p = taken ? 1 : 0, s = 0;
      for (int k = 0; k < f.rank(); k++) s += x[k] * f.items()[i * f.rank() + k];
      for (int k = 0; k < f.rank(); k++) gradient[k] += c * (s - p) * f.items()[i * f.rank() + k];
    }
    for (int k = 0; k < f.rank(); k++) {
      assertEquals(0, gradient[k] + ALS.regularization() * x[k], 1e-4, "gradient component " + k);
    }
    float[] scores = new float[f.numItems()];
    for (int i = 0; i < f.numItems(); i++) {
      for (int k = 0; k < f.rank(); k++) scores[i] += x[k] * f.items()[i * f.rank() + k];
    }
    for (int i : history) scores[i] = Float.NEGATIVE_INFINITY;
    Integer[] order = new Integer[f.numItems()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    for (int r = 0; r < 10; r++) assertTrue(order[r] >= 40 && order[r] < 80, "rank " + r + ": item " + order[r]);
    float[] empty = new float[f.rank()];
    foldIn.solve(new int[0], 0, empty);
    assertArrayEquals(new float[f.rank()], empty);
    assertThrows(IllegalArgumentException.class, () -> foldIn.solve(new int[] {120}, 1, new float[f.rank()]));
  }
}
