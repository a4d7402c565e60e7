package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairwiseLogisticTest {
  private static final double[] TRUE_WEIGHTS = {2.0, -1.0, 0.5, 0.0};

  /**
   * Pairs drawn from the model itself: two candidates with standard normal features, the first preferred with
   * probability σ(w·(x_a − x_b)); the difference is written preferred minus other.
   */
  private static float[] pairsFromTheModel(int pairs, long seed) {
    int dims = TRUE_WEIGHTS.length;
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[pairs * dims];
    float[] d = new float[dims];
    for (int p = 0; p < pairs; p++) {
      double m = 0;
      for (int j = 0; j < dims; j++) {
        d[j] = (float) (normal(random) - normal(random));
        m += TRUE_WEIGHTS[j] * d[j];
      }
      float sign = random.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1f : -1f;
      for (int j = 0; j < dims; j++) out[p * dims + j] = sign * d[j];
    }
    return out;
  }

  private static double normal(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @Test
  void recoversTheWeightsThatGeneratedThePairs() {
    int pairs = 40_000;
    PairwiseLogistic.Fit fit = PairwiseLogistic.fit(pairsFromTheModel(pairs, 3), pairs, TRUE_WEIGHTS.length, 1e-6);
    for (int j = 0; j < TRUE_WEIGHTS.length; j++) {
      assertEquals(TRUE_WEIGHTS[j], fit.weights()[j], 0.08, "weight " + j);
    }
    assertTrue(fit.iterations() < 20, "Newton should converge in a few steps, took " + fit.iterations());
  }

  @Test
  void theFitIsAPureFunctionOfTheData() {
    float[] data = pairsFromTheModel(5_000, 11);
    PairwiseLogistic.Fit a = PairwiseLogistic.fit(data, 5_000, TRUE_WEIGHTS.length, 1e-3);
    PairwiseLogistic.Fit b = PairwiseLogistic.fit(data.clone(), 5_000, TRUE_WEIGHTS.length, 1e-3);
    assertArrayEquals(a.weights(), b.weights());
    assertEquals(a.loss(), b.loss());
  }

  @Test
  void thePenaltyKeepsSeparablePairsFiniteAndShrinksTheWeights() {
    float[] separable = {1f, 0f, 2f, 0f, 0.5f, 0f}; // the first feature orders every pair, the second never differs
    double weak = PairwiseLogistic.fit(separable, 3, 2, 1e-4).weights()[0];
    double strong = PairwiseLogistic.fit(separable, 3, 2, 1e-1).weights()[0];
    assertTrue(Double.isFinite(weak) && weak > strong && strong > 0, weak + " vs " + strong);
    assertEquals(0.0, PairwiseLogistic.fit(separable, 3, 2, 1e-4).weights()[1], 1e-12);
  }

  @Test
  void badShapesAndPenaltiesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PairwiseLogistic.fit(new float[5], 2, 3, 1e-3));
    assertThrows(IllegalArgumentException.class, () -> PairwiseLogistic.fit(new float[6], 2, 3, 0));
  }

  /**
   * Lists drawn from the listwise model itself (multinomial logit): five candidates with standard normal features,
   * one chosen with probability ∝ exp(w·x); the differences are chosen minus each other. The fit recovers w.
   */
  @Test
  void listwiseRecoversTheWeightsThatChoseFromEachList() {
    int groups = 20_000, size = 5, dims = TRUE_WEIGHTS.length, others = size - 1;
    SplittableRandom random = new SplittableRandom(17);
    float[] out = new float[groups * others * dims];
    float[][] x = new float[size][dims];
    double[] p = new double[size];
    for (int g = 0; g < groups; g++) {
      double total = 0;
      for (int c = 0; c < size; c++) {
        double m = 0;
        for (int j = 0; j < dims; j++) {
          x[c][j] = (float) normal(random);
          m += TRUE_WEIGHTS[j] * x[c][j];
        }
        p[c] = Math.exp(m);
        total += p[c];
      }
      double u = random.nextDouble() * total;
      int chosen = 0;
      while (chosen < size - 1 && (u -= p[chosen]) > 0) chosen++;
      int at = g * others * dims;
      for (int c = 0; c < size; c++) {
        if (c == chosen) continue;
        for (int j = 0; j < dims; j++) out[at++] = x[chosen][j] - x[c][j];
      }
    }
    PairwiseLogistic.Fit fit = PairwiseLogistic.fitListwise(out, groups, others, dims, 1e-6);
    for (int j = 0; j < dims; j++) assertEquals(TRUE_WEIGHTS[j], fit.weights()[j], 0.08, "weight " + j);
    float[] pairs = pairsFromTheModel(2_000, 5);
    assertArrayEquals(PairwiseLogistic.fit(pairs, 2_000, dims, 1e-3).weights(),
        PairwiseLogistic.fitListwise(pairs, 2_000, 1, dims, 1e-3).weights(), "a pair is a list of one");
    assertThrows(IllegalArgumentException.class, () -> PairwiseLogistic.fitListwise(new float[12], 2, 2, 2, 1e-3));
  }
}
