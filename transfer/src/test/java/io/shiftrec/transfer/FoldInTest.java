package io.shiftrec.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FoldInTest {
  private static final int ITEMS = 12;
  private static final int K = 4;

  private static float[] randomFactors(SplittableRandom rnd) {
    float[] y = new float[ITEMS * K];
    for (int i = 0; i < y.length; i++) y[i] = (float) rnd.nextGaussian();
    return y;
  }

  @Test
  void gramIsYTransposeY() {
    float[] y = randomFactors(new SplittableRandom(1));
    double[] g = FoldIn.gram(y, ITEMS, K);
    for (int a = 0; a < K; a++) {
      for (int b = 0; b < K; b++) {
        double s = 0;
        for (int i = 0; i < ITEMS; i++) s += (double) y[i * K + a] * y[i * K + b];
        assertEquals(s, g[a * K + b], 1e-9);
      }
    }
  }

  /** The gradient of Σ_i c_i (p_i − x·y_i)² + λ|x|² over every item is zero at the fold-in vector. */
  @Test
  void solvesTheWeightedLeastSquaresOfTheImplicitObjective() {
    float[] y = randomFactors(new SplittableRandom(2));
    float reg = 0.7f, alpha = 3f;
    int[] history = {2, 5, 9};
    float[] x = new float[K];
    FoldIn.userVector(y, K, FoldIn.gram(y, ITEMS, K), reg, alpha, history, history.length, x);
    double[] gradient = new double[K];
    for (int i = 0; i < ITEMS; i++) {
      boolean liked = i == 2 || i == 5 || i == 9;
      double c = liked ? 1 + alpha : 1, p = liked ? 1 : 0;
      double s = 0;
      for (int f = 0; f < K; f++) s += x[f] * y[i * K + f];
      for (int f = 0; f < K; f++) gradient[f] += c * (p - s) * y[i * K + f];
    }
    for (int f = 0; f < K; f++) assertEquals(0, gradient[f] - reg * x[f], 1e-4, "gradient component " + f);
  }

  @Test
  void onlyTheFirstLengthItemsCountAndNoItemsGiveZero() {
    float[] y = randomFactors(new SplittableRandom(3));
    double[] g = FoldIn.gram(y, ITEMS, K);
    float[] a = new float[K], b = new float[K];
    FoldIn.userVector(y, K, g, 1f, 2f, new int[] {4, 7}, 2, a);
    FoldIn.userVector(y, K, g, 1f, 2f, new int[] {4, 7, 1}, 2, b);
    assertArrayEquals(a, b);
    FoldIn.userVector(y, K, g, 1f, 2f, new int[] {4}, 0, b);
    assertArrayEquals(new float[K], b);
  }

  @Test
  void refusesANonPositiveRegularization() {
    float[] y = randomFactors(new SplittableRandom(4));
    assertThrows(IllegalArgumentException.class,
        () -> FoldIn.userVector(y, K, FoldIn.gram(y, ITEMS, K), 0f, 1f, new int[] {1}, 1, new float[K]));
  }
}
