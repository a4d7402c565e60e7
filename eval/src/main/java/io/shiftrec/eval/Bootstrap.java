package io.shiftrec.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded resampling over test users. Every call with the same seed draws the same resamples, so intervals of
 * different models and metrics are paired (computed on the same bootstrap samples of users).
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** Percentile 95% interval of the mean over bootstrap resamples of the users {@code at}. */
  public static double[] ci95(double[] values, int[] at, int samples, long seed) {
    int n = at.length;
    if (n == 0 || samples <= 0) return null;
    double[] means = new double[samples];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int b = 0; b < samples; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += values[at[rnd.nextInt(n)]];
      means[b] = s / n;
    }
    Arrays.sort(means);
    return new double[] {quantile(means, 0.025), quantile(means, 0.975)};
  }

  /** Linear-interpolated quantile of sorted values (R type 7). */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Result of a paired comparison of a − b on the same users. */
  public record Paired(double meanDiff, double[] ci95, double pValue, int users) {}

  /**
   * Paired comparison: mean difference, its paired-bootstrap 95% interval, and the two-sided p-value of a paired
   * randomisation (sign-flip) test with {@code permutations} random flips (Smucker, Allan &amp; Carterette, CIKM
   * 2007): p = (1 + #{|mean of flipped differences| ≥ |observed|}) / (1 + permutations).
   */
  public static Paired paired(double[] a, double[] b, int[] at, int samples, int permutations, long seed) {
    int n = at.length;
    double[] d = new double[n];
    double obs = 0;
    for (int i = 0; i < n; i++) {
      d[i] = a[at[i]] - b[at[i]];
      obs += d[i];
    }
    if (n == 0) return new Paired(Double.NaN, null, Double.NaN, 0);
    obs /= n;
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    double[] ci = ci95(d, all, samples, seed);
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    int extreme = 0;
    double tol = 1e-12 * Math.max(1, Math.abs(obs));
    for (int r = 0; r < permutations; r++) {
      double s = 0;
      long bits = 0;
      for (int i = 0; i < n; i++) {
        if ((i & 63) == 0) bits = rnd.nextLong();
        s += (bits & 1L) == 0 ? d[i] : -d[i];
        bits >>>= 1;
      }
      if (Math.abs(s / n) >= Math.abs(obs) - tol) extreme++;
    }
    return new Paired(obs, ci, (1.0 + extreme) / (1.0 + permutations), n);
  }
}
