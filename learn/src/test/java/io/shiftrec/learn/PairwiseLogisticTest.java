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
}
