package io.shiftrec.learn;

import java.util.Arrays;

/**
 * Pairwise logistic regression (the BPR criterion on a linear scorer): for pairs of a preferred and a less preferred
 * candidate with feature vectors x⁺ and x⁻, find weights w minimising
 * {@code (1/P) Σ ln(1 + exp(−w·(x⁺ − x⁻))) + (λ/2)‖w‖²}. Only differences within a pair enter, so anything a user's
 * candidates share (an offset per user) cancels, and the weights learn an order, not a calibrated probability.
 * {@link #fitListwise} generalises it to one preferred candidate against m others at once, the softmax
 * cross-entropy {@code (1/G) Σ ln(1 + Σ_c exp(−w·(x⁺ − x_c)))}: the loss of a top-1 choice among a candidate list,
 * which weighs the candidates that outscore x⁺ most (pairs with m = 1 are the same loss).
 *
 * <p>The objective is smooth and strictly convex for λ &gt; 0, and there are only a handful of weights, so it is
 * solved by Newton's method with a backtracking line search: a few exact steps, no learning rate to tune, and the
 * sums run in pair order in double precision, so the result is a pure function of the data.
 */
public final class PairwiseLogistic {
  private static final int MAX_ITERATIONS = 50;
  private static final double TOLERANCE = 1e-10;

  private PairwiseLogistic() {}

  /**
   * @param weights the fitted w, one per feature
   * @param loss the objective at w (mean pair loss plus the penalty)
   * @param iterations Newton steps taken
   */
  public record Fit(double[] weights, double loss, int iterations) {}

  /**
   * Fits w on {@code pairs} pairs whose feature differences x⁺ − x⁻ are row-major in {@code differences}
   * ({@code pairs × dims}).
   *
   * @param l2 λ, the penalty on ‖w‖²; must be &gt; 0 so the minimum exists even when the pairs are separable
   */
  public static Fit fit(float[] differences, int pairs, int dims, double l2) {
    return fitListwise(differences, pairs, 1, dims, l2);
  }

  /**
   * Fits w on {@code groups} lists of one preferred candidate against {@code perGroup} others, the differences
   * x⁺ − x_c row-major in {@code differences} ({@code groups × perGroup × dims}).
   */
  public static Fit fitListwise(float[] differences, int groups, int perGroup, int dims, double l2) {
    if (groups < 1 || perGroup < 1 || dims < 1 || differences.length != (long) groups * perGroup * dims) {
      throw new IllegalArgumentException("expected groups × per group × dims = " + groups + " × " + perGroup + " × "
          + dims + " differences, got " + differences.length);
    }
    if (!(l2 > 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("l2 must be > 0, got " + l2);
    double[] w = new double[dims];
    double[] gradient = new double[dims];
    double[] hessian = new double[dims * dims];
    double[] step = new double[dims];
    double[] trial = new double[dims];
    double loss = objective(differences, groups, perGroup, dims, l2, w);
    int iteration = 0;
    while (iteration < MAX_ITERATIONS) {
      iteration++;
      derivatives(differences, groups, perGroup, dims, l2, w, gradient, hessian);
      for (int j = 0; j < dims; j++) step[j] = -gradient[j];
      Cholesky.factorInPlace(hessian, dims); // positive definite: the penalty adds λ·I; rebuilt every iteration
      Cholesky.solveInPlace(hessian, dims, step, 1);
      double decrease = 0;
      for (int j = 0; j < dims; j++) decrease -= gradient[j] * step[j]; // the Newton decrement, ≥ 0
      if (decrease / 2 <= TOLERANCE) break;
      double t = 1;
      double trialLoss;
      while (true) { // Armijo backtracking; a Newton step on a convex objective is accepted at t = 1 near the optimum
        for (int j = 0; j < dims; j++) trial[j] = w[j] + t * step[j];
        trialLoss = objective(differences, groups, perGroup, dims, l2, trial);
        if (trialLoss <= loss - 0.25 * t * decrease || t < 1e-12) break;
        t /= 2;
      }
      System.arraycopy(trial, 0, w, 0, dims);
      loss = trialLoss;
    }
    return new Fit(w, loss, iteration);
  }

  /** ln(1 + Σ_c exp(−m_c)) over one group's margins, without overflow. */
  private static double groupLoss(float[] x, int group, int perGroup, int dims, double[] w) {
    double lowest = 0; // the preferred candidate's own term, exp(0)
    for (int c = 0; c < perGroup; c++) lowest = Math.min(lowest, margin(x, group * perGroup + c, dims, w));
    double sum = Math.exp(lowest);
    for (int c = 0; c < perGroup; c++) sum += Math.exp(lowest - margin(x, group * perGroup + c, dims, w));
    return -lowest + Math.log(sum);
  }

  private static double objective(float[] x, int groups, int perGroup, int dims, double l2, double[] w) {
    double sum = 0;
    for (int g = 0; g < groups; g++) sum += groupLoss(x, g, perGroup, dims, w);
    double norm = 0;
    for (double v : w) norm += v * v;
    return sum / groups + l2 / 2 * norm;
  }

  private static double margin(float[] x, int p, int dims, double[] w) {
    double m = 0;
    int off = p * dims;
    for (int j = 0; j < dims; j++) m += w[j] * x[off + j];
    return m;
  }

  /**
   * With p_c the softmax weight of candidate c (the preferred one at margin 0) and δ_c = x⁺ − x_c: gradient
   * −Σ_c p_c δ_c, Hessian Σ_c p_c δ_c δ_cᵀ − (Σ_c p_c δ_c)(Σ_c p_c δ_c)ᵀ, per group.
   */
  private static void derivatives(float[] x, int groups, int perGroup, int dims, double l2, double[] w,
                                   double[] gradient, double[] hessian) {
    Arrays.fill(gradient, 0);
    Arrays.fill(hessian, 0);
    double[] p = new double[perGroup];
    double[] mean = new double[dims];
    for (int g = 0; g < groups; g++) {
      double lowest = 0;
      for (int c = 0; c < perGroup; c++) {
        p[c] = margin(x, g * perGroup + c, dims, w);
        lowest = Math.min(lowest, p[c]);
      }
      double total = Math.exp(lowest);
      for (int c = 0; c < perGroup; c++) {
        p[c] = Math.exp(lowest - p[c]);
        total += p[c];
      }
      Arrays.fill(mean, 0);
      for (int c = 0; c < perGroup; c++) {
        p[c] /= total;
        int off = (g * perGroup + c) * dims;
        for (int a = 0; a < dims; a++) {
          mean[a] += p[c] * x[off + a];
          for (int b = 0; b <= a; b++) hessian[a * dims + b] += p[c] * x[off + a] * x[off + b];
        }
      }
      for (int a = 0; a < dims; a++) {
        gradient[a] -= mean[a];
        for (int b = 0; b <= a; b++) hessian[a * dims + b] -= mean[a] * mean[b];
      }
    }
    for (int a = 0; a < dims; a++) {
      gradient[a] = gradient[a] / groups + l2 * w[a];
      for (int b = 0; b <= a; b++) {
        double h = hessian[a * dims + b] / groups + (a == b ? l2 : 0);
        hessian[a * dims + b] = h;
        hessian[b * dims + a] = h;
      }
    }
  }
}
