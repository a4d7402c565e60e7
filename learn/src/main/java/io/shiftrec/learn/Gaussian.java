package io.shiftrec.learn;

import java.util.SplittableRandom;

/** Random starting factors that depend only on the seed (StrictMath, so every JVM draws the same numbers). */
final class Gaussian {
  private Gaussian() {}

  /** {@code n} independent draws of N(0, scale²). */
  static float[] fill(int n, float scale, SplittableRandom random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - random.nextDouble(); // in (0, 1], keeps the log finite
      double u2 = random.nextDouble();
      v[i] = (float) (StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2) * scale);
    }
    return v;
  }
}
