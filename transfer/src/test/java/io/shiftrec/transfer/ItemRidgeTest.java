package io.shiftrec.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ItemRidgeTest {
  private static final int IN = 5;
  private static final int OUT = 3;

  /** Targets y = b + x·W for a fixed W and b on random x, every column stored as a sparse entry. */
  private record Data(float[] x, int[] offsets, int[] columns, float[] values) {}

  private static Data linearData(int n, float[] w, float[] b, SplittableRandom rnd) {
    float[] x = new float[n * IN];
    int[] offsets = new int[n + 1], columns = new int[n * OUT];
    float[] values = new float[n * OUT];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < IN; i++) x[r * IN + i] = (float) rnd.nextGaussian();
      for (int j = 0; j < OUT; j++) {
        float v = b[j];
        for (int i = 0; i < IN; i++) v += x[r * IN + i] * w[i * OUT + j];
        columns[r * OUT + j] = j;
        values[r * OUT + j] = v;
      }
      offsets[r + 1] = (r + 1) * OUT;
    }
    return new Data(x, offsets, columns, values);
  }

  private static int[] all(int n) {
    int[] rows = new int[n];
    for (int r = 0; r < n; r++) rows[r] = r;
    return rows;
  }

  private static float[] randomWeights(SplittableRandom rnd) {
    float[] w = new float[IN * OUT];
    for (int p = 0; p < w.length; p++) w[p] = (float) rnd.nextGaussian();
    return w;
  }

  @Test
  void recoversAKnownLinearMapWithItsIntercept() {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] w = randomWeights(rnd);
    float[] b = {0.5f, -1f, 2f};
    Data d = linearData(400, w, b, rnd);
    ItemRidge map = ItemRidge.problem(d.x(), IN, all(400), d.offsets(), d.columns(), d.values(), OUT).solve(1e-6);
    float[] probe = {1f, 0f, -2f, 0.5f, 3f};
    float[] got = new float[OUT];
    map.predict(probe, got);
    for (int j = 0; j < OUT; j++) {
      float expected = b[j];
      for (int i = 0; i < IN; i++) expected += probe[i] * w[i * OUT + j];
      assertEquals(expected, got[j], 1e-3, "column " + j);
    }
    map.predict(new float[IN], got);
    for (int j = 0; j < OUT; j++) assertEquals(b[j], got[j], 1e-3, "intercept of column " + j);
  }

  @Test
  void largeLambdaPredictsEachColumnsMean() {
    // sparse 0/1 targets: with the weights shrunk away, the prediction is each item's share of rows (popularity)
    float[] x = {1f, 0f, 0f, 1f, 1f, 1f, -1f, 0f};
    int[] offsets = {0, 1, 3, 3, 4};
    int[] columns = {0, 0, 2, 1};
    float[] ones = {1f, 1f, 1f, 1f};
    ItemRidge map = ItemRidge.problem(x, 2, all(4), offsets, columns, ones, 3).solve(1e9);
    float[] got = new float[3];
    map.predict(new float[] {5f, -5f}, got);
    assertEquals(0.5f, got[0], 1e-4);
    assertEquals(0.25f, got[1], 1e-4);
    assertEquals(0.25f, got[2], 1e-4);
  }

  @Test
  void onlyTheChosenRowsTakePart() {
    float[] x = {1f, 2f, 3f, 100f};
    int[] offsets = {0, 1, 2, 3, 4};
    int[] columns = {0, 0, 0, 0};
    float[] values = {2f, 4f, 6f, -500f}; // the last row is an outlier left out
    ItemRidge map = ItemRidge.problem(x, 1, new int[] {0, 1, 2}, offsets, columns, values, 1).solve(1e-9);
    float[] got = new float[1];
    map.predict(new float[] {10f}, got);
    assertEquals(20f, got[0], 1e-3);
  }

  @Test
  void rejectsNonPositiveLambdaAndNoRows() {
    ItemRidge.Problem p = ItemRidge.problem(new float[] {1f}, 1, new int[] {0}, new int[] {0, 0}, new int[0],
        new float[0], 1);
    assertThrows(IllegalArgumentException.class, () -> p.solve(0));
    assertThrows(IllegalArgumentException.class,
        () -> ItemRidge.problem(new float[0], 1, new int[0], new int[] {0}, new int[0], new float[0], 1));
  }
}
