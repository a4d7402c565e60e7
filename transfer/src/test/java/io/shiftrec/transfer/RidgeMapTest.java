package io.shiftrec.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RidgeMapTest {
  private static final int IN = 5;
  private static final int OUT = 3;

  /** y = b + x·W for a fixed W and b, on random x. */
  private static float[][] linearData(int n, float[] w, float[] b, SplittableRandom rnd) {
    float[] x = new float[n * IN], y = new float[n * OUT];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < IN; i++) x[r * IN + i] = (float) rnd.nextGaussian();
      for (int j = 0; j < OUT; j++) {
        float v = b[j];
        for (int i = 0; i < IN; i++) v += x[r * IN + i] * w[i * OUT + j];
        y[r * OUT + j] = v;
      }
    }
    return new float[][] {x, y};
  }

  private static int[] all(int n) {
    int[] rows = new int[n];
    for (int r = 0; r < n; r++) rows[r] = r;
    return rows;
  }

  @Test
  void recoversAKnownLinearMapWithItsIntercept() {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] w = new float[IN * OUT];
    for (int p = 0; p < w.length; p++) w[p] = (float) rnd.nextGaussian();
    float[] b = {0.5f, -1f, 2f};
    float[][] data = linearData(400, w, b, rnd);
    RidgeMap map = RidgeMap.problem(data[0], data[1], all(400), IN, OUT).solve(1e-6);
    float[] probe = {1f, 0f, -2f, 0.5f, 3f};
    float[] expected = new float[OUT];
    for (int j = 0; j < OUT; j++) {
      expected[j] = b[j];
      for (int i = 0; i < IN; i++) expected[j] += probe[i] * w[i * OUT + j];
    }
    float[] got = new float[OUT];
    map.apply(probe, got);
    for (int j = 0; j < OUT; j++) assertEquals(expected[j], got[j], 1e-3);
    float[] zero = new float[IN];
    float[] atZero = new float[OUT];
    map.apply(zero, atZero);
    for (int j = 0; j < OUT; j++) assertEquals(b[j], atZero[j], 1e-3, "intercept");
  }

  @Test
  void largeLambdaShrinksTowardsTheMeanTarget() {
    SplittableRandom rnd = new SplittableRandom(11);
    float[] w = new float[IN * OUT];
    for (int p = 0; p < w.length; p++) w[p] = (float) rnd.nextGaussian();
    float[][] data = linearData(200, w, new float[OUT], rnd);
    float[] meanY = new float[OUT];
    for (int r = 0; r < 200; r++) for (int j = 0; j < OUT; j++) meanY[j] += data[1][r * OUT + j] / 200;
    RidgeMap map = RidgeMap.problem(data[0], data[1], all(200), IN, OUT).solve(1e9);
    float[] got = new float[OUT];
    map.apply(new float[] {3f, -3f, 3f, -3f, 3f}, got);
    for (int j = 0; j < OUT; j++) assertEquals(meanY[j], got[j], 1e-3);
  }

  @Test
  void onlyTheChosenRowsTakePart() {
    float[] x = {1f, 2f, 3f, 100f};
    float[] y = {2f, 4f, 6f, -500f}; // the last pair is an outlier left out
    RidgeMap map = RidgeMap.problem(x, y, new int[] {0, 1, 2}, 1, 1).solve(1e-9);
    float[] got = new float[1];
    map.apply(new float[] {10f}, got);
    assertEquals(20f, got[0], 1e-3);
  }

  @Test
  void rejectsNonPositiveLambdaAndEmptyRows() {
    RidgeMap.Problem p = RidgeMap.problem(new float[] {1f}, new float[] {1f}, new int[] {0}, 1, 1);
    assertThrows(IllegalArgumentException.class, () -> p.solve(0));
    assertThrows(IllegalArgumentException.class, () -> RidgeMap.problem(new float[0], new float[0], new int[0], 1, 1));
    assertTrue(p.solve(1).outputDimension() == 1);
  }
}
