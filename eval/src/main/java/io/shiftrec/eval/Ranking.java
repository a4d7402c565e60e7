package io.shiftrec.eval;

import java.util.Arrays;

/**
 * Ranking of one user's scores. A NaN score marks an item that is not a candidate (training items); models' own
 * NaN scores are turned into {@link Float#NEGATIVE_INFINITY} before that, so they rank last.
 *
 * <p><b>Ties.</b> A target's rank is pessimistic: every non-target candidate scoring the same or higher is placed
 * before it (rank = 1 + #non-targets with score ≥ target's + #targets placed before it). A model giving many items
 * the same score cannot profit from where the target happens to sit in the catalogue. Several targets with equal
 * scores take consecutive ranks. Recommendation lists (for coverage, novelty, diversity, popularity bias) are the
 * top-N by score, ties broken by the lower catalogue index, so with ties a listed target may still count as a miss.
 */
final class Ranking {
  private Ranking() {}

  /**
   * Writes the pessimistic 1-based rank of each target {@code targets[from..to-1]} to {@code ranksOut[0..]}.
   *
   * @param isTarget scratch of catalogue size, all false on entry and on return
   * @param counts scratch of at least {@code to - from + 1} ints; targetScratch and tieScratch at least
   *     {@code to - from}
   */
  static void targetRanks(float[] scores, int[] targets, int from, int to, int[] ranksOut, boolean[] isTarget,
                          int[] counts, float[] targetScratch, int[] tieScratch) {
    int n = to - from;
    float[] ts = targetScratch; // target scores, ascending
    for (int q = 0; q < n; q++) {
      isTarget[targets[from + q]] = true;
      ts[q] = scores[targets[from + q]];
    }
    Arrays.sort(ts, 0, n);
    Arrays.fill(counts, 0, n + 1, 0);
    if (n == 1) {
      float t = ts[0];
      int above = 0;
      for (int i = 0; i < scores.length; i++) {
        float s = scores[i];
        if (s >= t && !isTarget[i]) above++; // NaN (not a candidate) fails s >= t
      }
      counts[1] = above;
    } else {
      for (int i = 0; i < scores.length; i++) {
        float s = scores[i];
        if (s != s || isTarget[i]) continue;
        counts[upperBound(ts, n, s)]++; // targets at ascending positions below this index score <= s
      }
    }
    // notBelow[p] = #non-targets with score >= ts[p] = sum of counts[idx] for idx > p; stored in counts[p + 1]
    int suffix = 0;
    for (int p = n - 1; p >= 0; p--) {
      suffix += counts[p + 1];
      counts[p + 1] = suffix;
    }
    counts[0] = 0;
    int[] tiesSeen = tieScratch;
    Arrays.fill(tiesSeen, 0, n, 0);
    for (int q = 0; q < n; q++) {
      float s = scores[targets[from + q]];
      int p = lowerBound(ts, n, s); // first ascending position with this score
      int higher = n - upperBound(ts, n, s); // targets scoring strictly more
      int tiedBefore = tiesSeen[p]++; // equal-scored targets take consecutive ranks in target order
      ranksOut[q] = counts[p + 1] + higher + tiedBefore + 1;
      isTarget[targets[from + q]] = false;
    }
  }

  /** First index whose value is greater than {@code s}. */
  private static int upperBound(float[] a, int n, float s) {
    int lo = 0, hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose value is not less than {@code s}. */
  private static int lowerBound(float[] a, int n, float s) {
    int lo = 0, hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The {@code n} best candidates (NaN skipped) by score, then lower index, best first, into {@code out}; returns how
   * many (fewer when there are fewer candidates).
   */
  static int top(float[] scores, int n, int[] out, float[] heapScores) {
    int size = 0;
    if (n == 0) return 0;
    // min-heap on "goodness": root is the worst kept (lowest score, then highest index)
    for (int i = 0; i < scores.length; i++) {
      float s = scores[i];
      if (s != s) continue;
      if (size < n) {
        out[size] = i;
        heapScores[size] = s;
        siftUp(out, heapScores, size++);
      } else if (s > heapScores[0]) { // equal score never beats: it has a higher index than everything kept
        out[0] = i;
        heapScores[0] = s;
        siftDown(out, heapScores, 0, size);
      }
    }
    for (int end = size - 1; end > 0; end--) { // heap sort: worst to the end
      swap(out, heapScores, 0, end);
      siftDown(out, heapScores, 0, end);
    }
    return size;
  }

  private static boolean worse(int i, float s, int j, float t) {
    return s < t || s == t && i > j;
  }

  private static void siftUp(int[] idx, float[] sc, int c) {
    while (c > 0) {
      int p = (c - 1) / 2;
      if (!worse(idx[c], sc[c], idx[p], sc[p])) break;
      swap(idx, sc, c, p);
      c = p;
    }
  }

  private static void siftDown(int[] idx, float[] sc, int p, int size) {
    while (true) {
      int l = 2 * p + 1, r = l + 1, w = p;
      if (l < size && worse(idx[l], sc[l], idx[w], sc[w])) w = l;
      if (r < size && worse(idx[r], sc[r], idx[w], sc[w])) w = r;
      if (w == p) return;
      swap(idx, sc, p, w);
      p = w;
    }
  }

  private static void swap(int[] idx, float[] sc, int a, int b) {
    int ti = idx[a]; idx[a] = idx[b]; idx[b] = ti;
    float ts = sc[a]; sc[a] = sc[b]; sc[b] = ts;
  }
}
