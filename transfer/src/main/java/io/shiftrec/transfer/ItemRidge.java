package io.shiftrec.transfer;

import io.shiftrec.learn.Cholesky;

/**
 * Ridge regression from a dense user representation (n × in) to sparse targets over m columns, such as the items a
 * user bought in a target domain: {@code ŷ = ȳ + (x − x̄)·W}, {@code W = (XcᵀXc + λI)⁻¹ XcᵀY}. W (in × m) is never
 * formed: {@code (x − x̄)·W = (Xc·z)ᵀY} with {@code z = (XcᵀXc + λI)⁻¹(x − x̄)}, so a prediction costs one small
 * solve, one pass over the n training rows and one over their target entries. The intercept ȳ is each column's
 * mean over the training rows (an item's share of buyers), so with a large λ this is popularity; the weights add
 * what the representation says about the user.
 */
public final class ItemRidge {
  private final int in;
  private final int columns;
  private final float[] centredX; // n × in
  private final int[] targetOffsets;
  private final int[] targetColumns;
  private final float[] targetValues;
  private final float[] columnMeans;
  private final double[] meanX;
  private final double[] cholesky; // lower factor of XcᵀXc + λI

  private ItemRidge(int in, int columns, float[] centredX, int[] targetOffsets, int[] targetColumns,
                    float[] targetValues, float[] columnMeans, double[] meanX, double[] cholesky) {
    this.in = in;
    this.columns = columns;
    this.centredX = centredX;
    this.targetOffsets = targetOffsets;
    this.targetColumns = targetColumns;
    this.targetValues = targetValues;
    this.columnMeans = columnMeans;
    this.meanX = meanX;
    this.cholesky = cholesky;
  }

  public int inputDimension() {
    return in;
  }

  public int columns() {
    return columns;
  }

  /**
   * The sufficient statistics over chosen rows, so several λ can be solved without another pass.
   *
   * @param x row-major n × in representations
   * @param rows the rows that take part
   * @param targetOffsets CSR offsets per row of {@code x} into {@code targetColumns} / {@code targetValues}
   * @param columns m, the number of target columns
   */
  public static Problem problem(float[] x, int in, int[] rows, int[] targetOffsets, int[] targetColumns,
                                float[] targetValues, int columns) {
    int n = rows.length;
    if (n == 0) throw new IllegalArgumentException("a ridge fit needs at least one row");
    double[] meanX = new double[in];
    for (int r : rows) for (int i = 0; i < in; i++) meanX[i] += x[r * in + i];
    for (int i = 0; i < in; i++) meanX[i] /= n;
    float[] centred = new float[n * in];
    int[] offsets = new int[n + 1];
    int entries = 0;
    for (int q = 0; q < n; q++) entries += targetOffsets[rows[q] + 1] - targetOffsets[rows[q]];
    int[] cols = new int[entries];
    float[] vals = new float[entries];
    double[] colSum = new double[columns];
    double[] gram = new double[in * in];
    int e = 0;
    for (int q = 0; q < n; q++) {
      int r = rows[q];
      for (int i = 0; i < in; i++) centred[q * in + i] = (float) (x[r * in + i] - meanX[i]);
      for (int i = 0; i < in; i++) {
        double xi = centred[q * in + i];
        for (int k = i; k < in; k++) gram[i * in + k] += xi * centred[q * in + k]; // upper triangle
      }
      for (int p = targetOffsets[r]; p < targetOffsets[r + 1]; p++) {
        cols[e] = targetColumns[p];
        vals[e] = targetValues[p];
        colSum[targetColumns[p]] += targetValues[p];
        e++;
      }
      offsets[q + 1] = e;
    }
    float[] colMeans = new float[columns];
    for (int j = 0; j < columns; j++) colMeans[j] = (float) (colSum[j] / n);
    return new Problem(in, columns, centred, offsets, cols, vals, colMeans, meanX, gram);
  }

  /** The normal equations of one fit; {@link #solve} for any λ. */
  public static final class Problem {
    private final int in;
    private final int columns;
    private final float[] centredX;
    private final int[] offsets;
    private final int[] cols;
    private final float[] vals;
    private final float[] colMeans;
    private final double[] meanX;
    private final double[] gram;

    private Problem(int in, int columns, float[] centredX, int[] offsets, int[] cols, float[] vals, float[] colMeans,
                    double[] meanX, double[] gram) {
      this.in = in;
      this.columns = columns;
      this.centredX = centredX;
      this.offsets = offsets;
      this.cols = cols;
      this.vals = vals;
      this.colMeans = colMeans;
      this.meanX = meanX;
      this.gram = gram;
    }

    /** The fit for regularisation {@code lambda} (> 0). */
    public ItemRidge solve(double lambda) {
      if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be positive, got " + lambda);
      double[] a = new double[in * in];
      for (int i = 0; i < in; i++) {
        for (int k = i; k < in; k++) {
          a[i * in + k] = gram[i * in + k];
          a[k * in + i] = gram[i * in + k];
        }
        a[i * in + i] += lambda;
      }
      Cholesky.factorInPlace(a, in);
      return new ItemRidge(in, columns, centredX, offsets, cols, vals, colMeans, meanX, a);
    }
  }

  /** Writes the predicted value of every target column for representation {@code x} into {@code out} (length m). */
  public void predict(float[] x, float[] out) {
    double[] z = new double[in];
    for (int i = 0; i < in; i++) z[i] = x[i] - meanX[i];
    Cholesky.solveInPlace(cholesky, in, z, 1);
    float[] zf = new float[in];
    for (int i = 0; i < in; i++) zf[i] = (float) z[i];
    System.arraycopy(columnMeans, 0, out, 0, columns);
    int n = targetOffsets.length - 1;
    for (int q = 0; q < n; q++) {
      int off = q * in;
      float sim = 0f;
      for (int i = 0; i < in; i++) sim += centredX[off + i] * zf[i];
      for (int p = targetOffsets[q]; p < targetOffsets[q + 1]; p++) out[targetColumns[p]] += sim * targetValues[p];
    }
  }
}
