package io.shiftrec.transfer;

/**
 * Implicit-ALS fold-in: the user vector the iALS objective (Hu, Koren and Volinsky, ICDM 2008) gives a set of items
 * against fixed item factors Y, {@code x = (YᵀY + α·Σ_h y_h y_hᵀ + λI)⁻¹ · (1 + α)·Σ_h y_h} over the history
 * items h (confidence 1 + α on them, 1 on every other item, preference 1 on them and 0 elsewhere). It gives a user's
 * collaborative taste in one domain from their items there alone, whatever else the factors were trained on.
 */
public final class FoldIn {
  private FoldIn() {}

  /** YᵀY (k × k, row-major) over the {@code rows} item factors of width {@code k}. */
  public static double[] gram(float[] factors, int rows, int k) {
    double[] g = new double[k * k];
    for (int r = 0; r < rows; r++) {
      int off = r * k;
      for (int a = 0; a < k; a++) {
        double ya = factors[off + a];
        for (int b = a; b < k; b++) g[a * k + b] += ya * factors[off + b];
      }
    }
    for (int a = 0; a < k; a++) for (int b = 0; b < a; b++) g[a * k + b] = g[b * k + a];
    return g;
  }

  /**
   * Writes the fold-in vector of {@code items[0 .. length)} into {@code out} (length k); zero for no items.
   *
   * @param gram YᵀY of {@code factors}, from {@link #gram}
   */
  public static void userVector(float[] factors, int k, double[] gram, float regularization, float alpha,
                                int[] items, int length, float[] out) {
    if (!(regularization > 0) || !(alpha >= 0)) {
      throw new IllegalArgumentException("fold-in needs regularization > 0 and alpha ≥ 0, got " + regularization
          + ", " + alpha);
    }
    java.util.Arrays.fill(out, 0f);
    if (length == 0) return;
    double[] a = gram.clone();
    double[] b = new double[k];
    for (int h = 0; h < length; h++) {
      int off = items[h] * k;
      for (int p = 0; p < k; p++) {
        double yp = factors[off + p];
        b[p] += (1 + alpha) * yp;
        for (int q = 0; q < k; q++) a[p * k + q] += alpha * yp * factors[off + q];
      }
    }
    for (int p = 0; p < k; p++) a[p * k + p] += regularization;
    Cholesky.factorInPlace(a, k);
    Cholesky.solveInPlace(a, k, b, 1);
    for (int p = 0; p < k; p++) out[p] = (float) b[p];
  }
}
