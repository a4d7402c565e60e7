package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingTest {
  private static int[] ranks(float[] scores, int... targets) {
    int n = targets.length;
    int[] out = new int[n];
    Ranking.targetRanks(scores.clone(), targets, 0, n, out, new boolean[scores.length], new int[n + 1],
        new float[n], new int[n]);
    return out;
  }

  @Test
  void rankIsOnePlusBetterCandidates() {
    float[] s = {0.9f, 0.5f, 0.7f, 0.1f};
    assertArrayEquals(new int[] {3}, ranks(s, 1));
    assertArrayEquals(new int[] {1}, ranks(s, 0));
    assertArrayEquals(new int[] {4}, ranks(s, 3));
  }

  @Test
  void tiesArePessimistic() {
    float[] s = {0.5f, 0.5f, 0.5f, 0.9f};
    // target 0 ties with items 1 and 2: both placed before it, and item 3 is better
    assertArrayEquals(new int[] {4}, ranks(s, 0));
    assertArrayEquals(new int[] {4}, ranks(s, 2));
    // a constant model puts the target last
    assertArrayEquals(new int[] {5}, ranks(new float[] {1, 1, 1, 1, 1}, 0));
  }

  @Test
  void nonCandidatesAreSkippedAndNegativeInfinityRanksLast() {
    float[] s = {Float.NaN, 0.5f, Float.NaN, 0.2f, Float.NEGATIVE_INFINITY};
    assertArrayEquals(new int[] {2}, ranks(s, 3));
    assertArrayEquals(new int[] {3}, ranks(s, 4));
    float[] u = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f};
    assertArrayEquals(new int[] {3}, ranks(u, 0));
  }

  @Test
  void severalTargetsTakeConsecutiveRanksAndTiedTargetsDoNotPushEachOther() {
    float[] s = {0.9f, 0.9f, 0.1f, 0.5f};
    // both targets top: ranks 1 and 2, NDCG = 1
    int[] r = ranks(s, 0, 1);
    assertArrayEquals(new int[] {1, 2}, r);
    assertEquals(1.0, Metrics.ndcg(r, 2, 10), 1e-12);
    // targets 2 (0.1) and 0 (0.9): 0 first, 2 after item 1 and 3 and target 0
    assertArrayEquals(new int[] {4, 2}, ranks(s, 2, 1));
    // a target tied with a non-target is placed after it; tied targets still consecutive
    float[] t = {0.5f, 0.5f, 0.5f, 0.0f};
    assertArrayEquals(new int[] {2, 3}, ranks(t, 0, 1));
  }

  @Test
  void matchesBruteForceOnRandomScoresWithTies() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + rnd.nextInt(40);
      float[] s = new float[n];
      for (int i = 0; i < n; i++) s[i] = rnd.nextInt(5) == 0 ? Float.NaN : rnd.nextInt(6);
      int nt = 1 + rnd.nextInt(Math.min(5, n));
      int[] targets = rnd.ints(0, n).distinct().limit(nt).toArray();
      for (int tg : targets) if (Float.isNaN(s[tg])) s[tg] = rnd.nextInt(6);
      int[] got = ranks(s, targets);
      // brute force: non-targets with score >= mine, plus targets strictly better, plus tied targets listed before
      for (int q = 0; q < targets.length; q++) {
        int expect = 1;
        for (int i = 0; i < n; i++) {
          boolean isT = false;
          for (int tg : targets) isT |= tg == i;
          if (!isT && !Float.isNaN(s[i]) && s[i] >= s[targets[q]]) expect++;
        }
        for (int r = 0; r < targets.length; r++) {
          if (s[targets[r]] > s[targets[q]] || s[targets[r]] == s[targets[q]] && r < q) expect++;
        }
        assertEquals(expect, got[q], "trial " + trial);
      }
    }
  }

  @Test
  void topListOrdersByScoreThenLowerIndexAndSkipsNonCandidates() {
    float[] s = {0.5f, 0.9f, Float.NaN, 0.5f, 0.7f, 0.5f};
    int[] out = new int[4];
    int n = Ranking.top(s, 4, out, new float[4]);
    assertEquals(4, n);
    assertArrayEquals(new int[] {1, 4, 0, 3}, out);
    int[] small = new int[10];
    assertEquals(5, Ranking.top(s, 10, small, new float[10]));
    assertArrayEquals(new int[] {1, 4, 0, 3, 5}, java.util.Arrays.copyOf(small, 5));
  }
}
