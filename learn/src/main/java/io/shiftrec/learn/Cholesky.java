package io.shiftrec.learn;

/**
 * Cholesky factorisation and solves for the small symmetric positive definite systems of the ridge fits, Newton steps
 * and fold-in solves, and the Gram matrices of {@link LowRank}'s bases.
 */
public final class Cholesky {
  private Cholesky() {}

  /** Lower factor L (A = L·Lᵀ) written over the lower triangle of the symmetric positive definite n × n A. */
  public static void factorInPlace(double[] a, int n) {
    factor(a, n, -1);
  }

  /**
   * {@link #factorInPlace} for a positive semidefinite A, such as the Gram matrix of columns some of which depend on
   * the earlier ones: a column whose remaining length is at most {@code dependent} of its own (pivot ≤ dependent² ×
   * its diagonal) gets a zero column in L instead of failing.
   */
  public static void factorDroppingDependent(double[] a, int n, double dependent) {
    factor(a, n, dependent * dependent);
  }

  /** @param dropBelow pivot share under which a column is dropped; negative: fail instead */
  private static void factor(double[] a, int n, double dropBelow) {
    for (int j = 0; j < n; j++) {
      double diagonal = a[j * n + j], d = diagonal;
      for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
      if (dropBelow >= 0 && (d <= 0 || d <= dropBelow * diagonal)) {
        for (int i = j; i < n; i++) a[i * n + j] = 0;
        continue;
      }
      if (!(d > 0)) throw new IllegalStateException("matrix is not positive definite");
      double l = Math.sqrt(d);
      a[j * n + j] = l;
      for (int i = j + 1; i < n; i++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
        a[i * n + j] = s / l;
      }
    }
  }

  /** Solves L·Lᵀ·X = B in place for the n × m right-hand side B (row-major). */
  public static void solveInPlace(double[] l, int n, double[] b, int m) {
    for (int i = 0; i < n; i++) { // forward: L·Z = B
      for (int k = 0; k < i; k++) {
        double f = l[i * n + k];
        for (int j = 0; j < m; j++) b[i * m + j] -= f * b[k * m + j];
      }
      double inv = 1 / l[i * n + i];
      for (int j = 0; j < m; j++) b[i * m + j] *= inv;
    }
    for (int i = n - 1; i >= 0; i--) { // backward: Lᵀ·X = Z
      for (int k = i + 1; k < n; k++) {
        double f = l[k * n + i];
        for (int j = 0; j < m; j++) b[i * m + j] -= f * b[k * m + j];
      }
      double inv = 1 / l[i * n + i];
      for (int j = 0; j < m; j++) b[i * m + j] *= inv;
    }
  }
}
