package io.shiftrec.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LanguageAlignmentTest {
  /** Targets that are a fixed linear image of the sources (3 → 2 dimensions) plus an offset. */
  private static List<float[][]> linearPairs(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> source = new ArrayList<>(), target = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
      source.add(x);
      target.add(new float[] {1f + 2 * x[0] - x[2], -0.5f + x[1] + 0.5f * x[2]});
    }
    return List.of(source.toArray(new float[0][]), target.toArray(new float[0][]));
  }

  @Test
  void recoversALinearMapAndNormalises() {
    List<float[][]> pairs = linearPairs(200, 1);
    LanguageAlignment a = LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)), 1e-6);
    assertEquals(3, a.sourceDimension());
    assertEquals(2, a.targetDimension());
    float[] x = {0.3f, -1.2f, 0.7f};
    float[] expected = {1f + 0.6f - 0.7f, -0.5f - 1.2f + 0.35f};
    double norm = Math.hypot(expected[0], expected[1]);
    float[] y = a.map(x);
    assertEquals(expected[0] / norm, y[0], 1e-4);
    assertEquals(expected[1] / norm, y[1], 1e-4);
  }

  @Test
  void aLargeLambdaPullsEveryTextToTheTargetsMean() {
    List<float[][]> pairs = linearPairs(200, 2);
    LanguageAlignment a = LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)), 1e9);
    float[] far = a.map(new float[] {5f, -5f, 5f});
    float[] near = a.map(new float[] {0f, 0f, 0f});
    assertTrue(far[0] * near[0] + far[1] * near[1] > 0.9999, "both at the mean's direction");
  }

  @Test
  void bytesRoundTrip() {
    List<float[][]> pairs = linearPairs(50, 3);
    LanguageAlignment a = LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)), 0.1);
    LanguageAlignment b = LanguageAlignment.fromBytes(a.toBytes());
    float[] x = {0.1f, 0.2f, -0.3f};
    assertArrayEquals(a.map(x), b.map(x));
    assertThrows(IllegalArgumentException.class, () -> LanguageAlignment.fromBytes(new byte[] {1, 2, 3}));
    byte[] cut = java.util.Arrays.copyOf(a.toBytes(), a.toBytes().length - 4);
    assertThrows(IllegalArgumentException.class, () -> LanguageAlignment.fromBytes(cut));
  }

  @Test
  void refusesBadInput() {
    List<float[][]> pairs = linearPairs(10, 4);
    assertThrows(IllegalArgumentException.class,
        () -> LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)), 0));
    assertThrows(IllegalArgumentException.class,
        () -> LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)).subList(0, 0), 1));
    LanguageAlignment a = LanguageAlignment.fit(List.of(pairs.get(0)), List.of(pairs.get(1)), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.map(new float[2]));
    assertTrue(e.getMessage().contains("3 dimensions"), e.getMessage());
  }
}
