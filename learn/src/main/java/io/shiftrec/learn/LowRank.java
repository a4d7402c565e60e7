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
 * thread in a fixed order, and sums across rows over fixed blocks added in order).
 */
public final class LowRank {
  /** A column keeping less than this share of its length once the earlier columns are out counts as dependent. */
  private static final double DEPENDENT = 1e-6;
  /**
   * Row blocks for the Gram matrix, summed in order, so the result does not depend on the threads; fewer for a large
   * rank, so that the blocks' partial sums stay within {@value #GRAM_DOUBLES} doubles.
   */
  private static final int GRAM_BLOCKS = 16;
  private static final long GRAM_DOUBLES = 1L << 25;

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
    double[][] omega = new double[cols][r];
    SplittableRandom random = new SplittableRandom(seed);
    for (double[] row : omega) for (int c = 0; c < r; c++) row[c] = random.nextDouble() * 2 - 1;
    // Between products a basis only has to be well conditioned, so one Cholesky QR pass does; the last gets two.
    double[][] basis = times(m, omega, r);
    for (int it = 0; it < powerIterations; it++) {
      double[][] w = choleskyQr(times(mt, choleskyQr(basis, r), r), r);
      basis = times(m, w, r);
    }
    basis = orthonormal(basis, r);
    double[][] right = times(mt, basis, r);
    return new Factors(r, toFloat(basis, r), toFloat(right, r));
  }

  /*
   * Dense matrices are held as one array per row: the JIT vectorises a[c] += v * b[c] over two rows, but not the same
   * loop over one flat array read at two offsets (a[i + c], b[k + c]), which runs several times slower.
   */

  /** A·X for a dense X with {@code r} columns; each output row is summed by one thread, in order. */
  private static double[][] times(Interactions a, double[][] x, int r) {
    double[][] out = new double[a.numUsers()][r];
    int[] off = a.offsets(), col = a.items();
    float[] val = a.weights();
    IntStream.range(0, a.numUsers()).parallel().forEach(i -> {
      double[] o = out[i];
      for (int p = off[i]; p < off[i + 1]; p++) {
        double v = val[p];
        double[] xr = x[col[p]];
        for (int c = 0; c < r; c++) o[c] += v * xr[c];
      }
    });
    return out;
  }

  /**
   * An orthonormal basis of the columns of {@code y} (n × r) by Cholesky QR applied twice (CholeskyQR2, Fukaya et
   * al. 2014): one pass leaves the basis off orthogonal by the square of y's condition number, the second removes
   * that. Both steps are loops along rows, which the JIT vectorises, unlike the column dot products of Gram–Schmidt.
   * A column whose part independent of the earlier ones is below {@value #DEPENDENT} of its length becomes zero.
   * Overwrites {@code y}, which is returned.
   */
  private static double[][] orthonormal(double[][] y, int r) {
    return choleskyQr(choleskyQr(y, r), r);
  }

  /** Q with Y = Q·U, U upper triangular from the Cholesky factor of YᵀY; Q overwrites Y, which is returned. */
  private static double[][] choleskyQr(double[][] y, int r) {
    double[][] u = cholesky(gram(y, r), r);
    IntStream.range(0, y.length).parallel().forEach(i -> {
      double[] q = y[i];
      // Forward substitution for the row qᵀ·U = yᵀ, column by column: q_j is final once the earlier ones are out.
      for (int j = 0; j < r; j++) {
        double[] uj = u[j];
        double d = uj[j];
        if (d == 0) {
          q[j] = 0;
          continue;
        }
        double qj = q[j] / d;
        q[j] = qj;
        for (int l = j + 1; l < r; l++) q[l] -= qj * uj[l];
      }
    });
    return y;
  }

  /** The upper triangle of YᵀY (r × r). */
  private static double[][] gram(double[][] y, int r) {
    int n = y.length;
    int blocks = (int) Math.max(1, Math.min(Math.min(GRAM_BLOCKS, n), GRAM_DOUBLES / ((long) r * r)));
    double[][][] partial = new double[blocks][][];
    IntStream.range(0, blocks).parallel().forEach(b -> {
      double[][] g = new double[r][r];
      int i = (int) ((long) n * b / blocks), end = (int) ((long) n * (b + 1) / blocks);
      // Rows in pairs, so each row of G is read and written once for two.
      for (; i + 1 < end; i += 2) {
        double[] y0 = y[i], y1 = y[i + 1];
        for (int a = 0; a < r; a++) {
          double y0a = y0[a], y1a = y1[a];
          double[] ga = g[a];
          for (int c = a; c < r; c++) ga[c] += y0a * y0[c] + y1a * y1[c];
        }
      }
      if (i < end) {
        double[] ya = y[i];
        for (int a = 0; a < r; a++) {
          double v = ya[a];
          double[] ga = g[a];
          for (int c = a; c < r; c++) ga[c] += v * ya[c];
        }
      }
      partial[b] = g;
    });
    double[][] sum = partial[0];
    for (int b = 1; b < blocks; b++) {
      for (int a = 0; a < r; a++) {
        double[] s = sum[a], t = partial[b][a];
        for (int c = 0; c < r; c++) s[c] += t[c];
      }
    }
    return sum;
  }

  /**
   * The upper factor U with UᵀU = G from G's upper triangle; a column dependent on the earlier ones (see
   * {@link #DEPENDENT}) gets a zero row in U. Rows of U, not columns of Cholesky's lower factor, are what the solve
   * reads along.
   */
  private static double[][] cholesky(double[][] g, int r) {
    double[] full = new double[r * r];
    for (int i = 0; i < r; i++) {
      for (int j = i; j < r; j++) {
        full[i * r + j] = g[i][j];
        full[j * r + i] = g[i][j];
      }
    }
    Cholesky.factorDroppingDependent(full, r, DEPENDENT);
    double[][] u = new double[r][r];
    for (int i = 0; i < r; i++) for (int j = 0; j <= i; j++) u[j][i] = full[i * r + j];
    return u;
  }

  private static float[] toFloat(double[][] a, int r) {
    float[] out = new float[a.length * r];
    for (int i = 0; i < a.length; i++) for (int c = 0; c < r; c++) out[i * r + c] = (float) a[i][c];
    return out;
  }
}
