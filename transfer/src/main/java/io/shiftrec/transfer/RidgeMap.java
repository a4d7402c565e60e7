package io.shiftrec.transfer;

/**
 * A linear map between two representation spaces, {@code y ≈ b + x·W}, fit in closed form by ridge regression
 * (the linear mapping of EMCDR, Man et al., IJCAI 2017): {@code W = (XcᵀXc + λI)⁻¹ XcᵀYc} on centred rows and
 * {@code b = ȳ − x̄·W}. The intercept is not penalised, so λ only shrinks the user-specific part of the map towards
 * "every user gets the average target representation".
 */
public final class RidgeMap {
  private final int in;
  private final int out;
  private final float[] weights; // in × out, row-major
  private final float[] intercept;

  private RidgeMap(int in, int out, float[] weights, float[] intercept) {
    this.in = in;
    this.out = out;
    this.weights = weights;
    this.intercept = intercept;
  }

  public int inputDimension() {
    return in;
  }

  public int outputDimension() {
    return out;
  }

  /** Writes {@code b + x·W} into {@code y} (length {@link #outputDimension()}). */
  public void apply(float[] x, float[] y) {
    System.arraycopy(intercept, 0, y, 0, out);
    for (int i = 0; i < in; i++) {
      float xi = x[i];
      if (xi == 0f) continue;
      int off = i * out;
      for (int j = 0; j < out; j++) y[j] += xi * weights[off + j];
    }
  }

  /**
   * The sufficient statistics of a ridge fit over chosen rows of two row-major matrices (n × in and n × out), so
   * several λ can be solved without another pass over the data.
   *
   * @param rows the row indices that take part (e.g. every training pair but the validation users)
   */
  public static Problem problem(float[] x, float[] y, int[] rows, int in, int out) {
    int n = rows.length;
    if (n == 0) throw new IllegalArgumentException("a ridge map needs at least one pair");
    double[] meanX = new double[in], meanY = new double[out];
    for (int r : rows) {
      for (int i = 0; i < in; i++) meanX[i] += x[r * in + i];
      for (int j = 0; j < out; j++) meanY[j] += y[r * out + j];
    }
    for (int i = 0; i < in; i++) meanX[i] /= n;
    for (int j = 0; j < out; j++) meanY[j] /= n;
    double[] gram = new double[in * in], cross = new double[in * out];
    double[] xc = new double[in], yc = new double[out];
    for (int r : rows) {
      for (int i = 0; i < in; i++) xc[i] = x[r * in + i] - meanX[i];
      for (int j = 0; j < out; j++) yc[j] = y[r * out + j] - meanY[j];
      for (int i = 0; i < in; i++) {
        double xi = xc[i];
        int g = i * in, c = i * out;
        for (int k = i; k < in; k++) gram[g + k] += xi * xc[k]; // upper triangle; mirrored in solve
        for (int j = 0; j < out; j++) cross[c + j] += xi * yc[j];
      }
    }
    return new Problem(in, out, meanX, meanY, gram, cross);
  }

  /** Centred normal equations of one ridge fit; {@link #solve} for any λ. */
  public static final class Problem {
    private final int in;
    private final int out;
    private final double[] meanX;
    private final double[] meanY;
    private final double[] gram;
    private final double[] cross;

    private Problem(int in, int out, double[] meanX, double[] meanY, double[] gram, double[] cross) {
      this.in = in;
      this.out = out;
      this.meanX = meanX;
      this.meanY = meanY;
      this.gram = gram;
      this.cross = cross;
    }

    /** The ridge map for regularisation {@code lambda} (> 0 keeps the system positive definite). */
    public RidgeMap solve(double lambda) {
      if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be positive, got " + lambda);
      double[] a = new double[in * in];
      for (int i = 0; i < in; i++) {
        for (int k = i; k < in; k++) {
          a[i * in + k] = gram[i * in + k];
          a[k * in + i] = gram[i * in + k];
        }
        a[i * in + i] += lambda;
      }
      choleskyInPlace(a, in);
      double[] w = cross.clone();
      solveCholesky(a, in, w, out);
      float[] weights = new float[in * out];
      for (int p = 0; p < weights.length; p++) weights[p] = (float) w[p];
      float[] intercept = new float[out];
      for (int j = 0; j < out; j++) {
        double b = meanY[j];
        for (int i = 0; i < in; i++) b -= meanX[i] * w[i * out + j];
        intercept[j] = (float) b;
      }
      return new RidgeMap(in, out, weights, intercept);
    }
  }

  /** Lower Cholesky factor L (A = L·Lᵀ) written over the lower triangle of the symmetric positive definite A. */
  static void choleskyInPlace(double[] a, int n) {
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
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
  static void solveCholesky(double[] l, int n, double[] b, int m) {
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
