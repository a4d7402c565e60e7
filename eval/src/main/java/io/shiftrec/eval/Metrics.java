package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import java.util.Arrays;

/**
 * The metric formulas, on one user's target ranks (pessimistic, 1-based, over the full candidate set; see
 * {@link Ranking}) or recommendation list. Binary relevance: every target is relevant, nothing else is.
 *
 * <ul>
 *   <li>HR@K = 1 when at least one target ranks ≤ K.</li>
 *   <li>Recall@K = targets ranked ≤ K / number of targets; Precision@K = targets ranked ≤ K / K;
 *       F1@K = their harmonic mean per user (0 when both are 0).</li>
 *   <li>NDCG@K = Σ_{targets ranked r ≤ K} 1/log2(r+1) / Σ_{r=1..min(|T|,K)} 1/log2(r+1).</li>
 *   <li>MRR = 1 / rank of the best-ranked target over the <em>full</em> ranking (not cut at K).</li>
 *   <li>Novelty@K = mean over the list of −log2((pop(i)+1)/(|U|+1)): self-information of an item, pop(i) = training
 *       users of i, |U| = training users with history (+1 smoothing so unseen items stay finite).</li>
 *   <li>ARP@K = mean pop(i) over the list (Abdollahpouri et al., 2019).</li>
 *   <li>ILD@K = 1 − mean cosine over all pairs of listed items that both have a vector (items of different
 *       embedding spaces count as cosine 0); undefined (NaN, left out of means) with fewer than 2 such items.</li>
 *   <li>Coverage@K = distinct items in any user's top-K / catalogue size.</li>
 *   <li>Gini@K of exposure = Gini coefficient of how often each catalogue item appears in the users' top-K lists
 *       (0 = every item shown equally often, → 1 = all exposure on one item).</li>
 * </ul>
 * Per-user metrics are averaged over users with at least one target; users without one are not counted.
 */
public final class Metrics {
  private Metrics() {}

  static int hits(int[] ranks, int n, int k) {
    int h = 0;
    for (int q = 0; q < n; q++) if (ranks[q] <= k) h++;
    return h;
  }

  static double hitRate(int[] ranks, int n, int k) {
    return hits(ranks, n, k) > 0 ? 1.0 : 0.0;
  }

  static double recall(int[] ranks, int n, int k) {
    return n == 0 ? 0.0 : hits(ranks, n, k) / (double) n;
  }

  static double precision(int[] ranks, int n, int k) {
    return hits(ranks, n, k) / (double) k;
  }

  static double f1(int[] ranks, int n, int k) {
    double p = precision(ranks, n, k), r = recall(ranks, n, k);
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }

  static double ndcg(int[] ranks, int n, int k) {
    double dcg = 0;
    for (int q = 0; q < n; q++) if (ranks[q] <= k) dcg += discount(ranks[q]);
    double idcg = 0;
    for (int r = 1; r <= Math.min(n, k); r++) idcg += discount(r);
    return idcg == 0 ? 0.0 : dcg / idcg;
  }

  static double discount(int rank) {
    return 1.0 / (Math.log(rank + 1) / Math.log(2));
  }

  static double mrr(int[] ranks, int n) {
    int best = Integer.MAX_VALUE;
    for (int q = 0; q < n; q++) best = Math.min(best, ranks[q]);
    return n == 0 ? 0.0 : 1.0 / best;
  }

  static double novelty(int[] list, int from, int len, int[] popularity, int users) {
    if (len == 0) return Double.NaN;
    double s = 0;
    for (int r = from; r < from + len; r++) {
      s -= Math.log((popularity[list[r]] + 1.0) / (users + 1.0)) / Math.log(2);
    }
    return s / len;
  }

  static double arp(int[] list, int from, int len, int[] popularity) {
    if (len == 0) return Double.NaN;
    double s = 0;
    for (int r = from; r < from + len; r++) s += popularity[list[r]];
    return s / len;
  }

  static double ild(int[] list, int from, int len, Catalog catalog) {
    double sum = 0;
    long pairs = 0;
    for (int a = from; a < from + len; a++) {
      if (catalog.spaceOf(list[a]) == null) continue;
      for (int b = a + 1; b < from + len; b++) {
        if (catalog.spaceOf(list[b]) == null) continue;
        sum += catalog.similarity(list[a], list[b]);
        pairs++;
      }
    }
    return pairs == 0 ? Double.NaN : 1.0 - sum / pairs;
  }

  /** Exposure counts of the first {@code k} entries of each selected user's list. */
  static long[] exposure(int[] lists, int[] listLen, int stride, int[] users, int k, int numItems) {
    long[] x = new long[numItems];
    for (int t : users) {
      int len = Math.min(k, listLen[t]);
      for (int r = 0; r < len; r++) x[lists[t * stride + r]]++;
    }
    return x;
  }

  static double coverage(long[] exposure) {
    if (exposure.length == 0) return 0.0;
    int covered = 0;
    for (long e : exposure) if (e > 0) covered++;
    return covered / (double) exposure.length;
  }

  /** Gini = Σ_i (2i − n − 1)·x_(i) / (n·Σx), x sorted ascending, i = 1..n; 0 when nothing is exposed. */
  static double gini(long[] exposure) {
    long[] x = exposure.clone();
    Arrays.sort(x);
    int n = x.length;
    double total = 0, weighted = 0;
    for (int i = 0; i < n; i++) {
      total += x[i];
      weighted += (2.0 * (i + 1) - n - 1) * x[i];
    }
    return total == 0 ? 0.0 : weighted / (n * total);
  }

  /** Mean of the values at the given positions, NaN values left out; NaN when none is left. */
  public static double mean(double[] values, int[] at) {
    double s = 0;
    int n = 0;
    for (int t : at) {
      double v = values[t];
      if (v == v) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
