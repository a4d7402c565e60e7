package io.shiftrec.learn;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A rank-{@code r} approximation M ≈ L·Rᵀ of a sparse matrix by randomized subspace iteration (Halko, Martinsson
 * &amp; Tropp, "Finding structure with randomness", SIAM Review 2011, algorithm 4.4): L is an orthonormal basis of
 * M's dominant column space and R = MᵀL, so L·Rᵀ = L·Lᵀ·M is M projected onto that space, as close as the truncated
 * SVD of the same rank once a few power iterations have sharpened the basis. No eigensolver is needed, and the result
 * depends only on the matrix, the rank, the iterations and the seed (rows are computed in parallel, each by one
 * thread in a fixed order).
 */
public final class LowRank {
  private LowRank() {}

  /**
   * @param left  rows × rank, row-major: row i's coordinates in the basis
   * @param right columns × rank, row-major: column j's coordinates, so M[i][j] ≈ left_i · right_j
   */
  public record Factors(int rank, float[] left, float[] right) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Factors f && rank == f.rank && Arrays.equals(left, f.left) && Arrays.equals(right, f.right);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(left) + Arrays.hashCode(right);
    }
  }

  /**
   * @param m the matrix; its "users" are the rows and its "items" the columns
   * @param rank columns of the basis; fewer when the matrix is smaller
   * @param powerIterations passes of MᵀM that separate the dominant directions from the rest (2 is usual)
   */
  public static Factors approximate(Interactions m, int rank, int powerIterations, long seed) {
    if (rank < 1 || powerIterations < 0) {
      throw new IllegalArgumentException("rank must be ≥ 1 and power iterations ≥ 0, got " + rank + ", "
          + powerIterations);
    }
    int rows = m.numUsers(), cols = m.numItems();
    int r = Math.max(1, Math.min(rank, Math.min(rows, cols)));
    Interactions mt = m.transpose();
    double[] omega = new double[cols * r];
    SplittableRandom random = new SplittableRandom(seed);
    for (int p = 0; p < omega.length; p++) omega[p] = random.nextDouble() * 2 - 1;
    double[] basis = orthonormal(times(m, omega, r), rows, r);
    for (int it = 0; it < powerIterations; it++) {
      double[] w = orthonormal(times(mt, basis, r), cols, r);
      basis = orthonormal(times(m, w, r), rows, r);
    }
    double[] right = times(mt, basis, r);
    return new Factors(r, toFloat(basis), toFloat(right));
  }

  /** A·X for a dense row-major X with {@code r} columns; each output row is summed by one thread, in order. */
  private static double[] times(Interactions a, double[] x, int r) {
    double[] out = new double[a.numUsers() * r];
    int[] off = a.offsets(), col = a.items();
    float[] val = a.weights();
    IntStream.range(0, a.numUsers()).parallel().forEach(i -> {
      int o = i * r;
      for (int p = off[i]; p < off[i + 1]; p++) {
        double v = val[p];
        int xo = col[p] * r;
        for (int c = 0; c < r; c++) out[o + c] += v * x[xo + c];
      }
    });
    return out;
  }

  /**
   * An orthonormal basis of the columns of row-major {@code y} (n × r), by modified Gram–Schmidt applied twice
   * (once is not enough in floating point); a column that depends on the earlier ones becomes zero.
   */
  private static double[] orthonormal(double[] y, int n, int r) {
    double[][] columns = new double[r][n];
    for (int i = 0; i < n; i++) for (int c = 0; c < r; c++) columns[c][i] = y[i * r + c];
    for (int c = 0; c < r; c++) {
      double[] v = columns[c];
      double before = Math.sqrt(dot(v, v));
      for (int pass = 0; pass < 2; pass++) {
        for (int e = 0; e < c; e++) {
          double[] q = columns[e];
          double d = dot(q, v);
          for (int i = 0; i < n; i++) v[i] -= d * q[i];
        }
      }
      double norm = Math.sqrt(dot(v, v));
      double scale = norm > 1e-10 * before && norm > 0 ? 1 / norm : 0;
      for (int i = 0; i < n; i++) v[i] *= scale;
    }
    double[] out = new double[n * r];
    for (int c = 0; c < r; c++) for (int i = 0; i < n; i++) out[i * r + c] = columns[c][i];
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static float[] toFloat(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = (float) a[i];
    return out;
  }
}
