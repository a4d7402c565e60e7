package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void ndcgOfOneTargetAtRankOneThreeAndAbsent() {
    assertEquals(1.0, Metrics.ndcg(new int[] {1}, 1, 10), EPS);
    assertEquals(0.5, Metrics.ndcg(new int[] {3}, 1, 10), EPS); // 1/log2(4)
    assertEquals(1 / (Math.log(11) / Math.log(2)), Metrics.ndcg(new int[] {10}, 1, 10), EPS);
    assertEquals(0.0, Metrics.ndcg(new int[] {11}, 1, 10), EPS);
    assertEquals(0.0, Metrics.ndcg(new int[] {3}, 1, 2), EPS);
  }

  @Test
  void ndcgOfSeveralTargetsUsesIdealOfMinTargetsAndK() {
    // targets at ranks 1 and 3 out of 2 targets: (1 + 0.5) / (1 + 1/log2(3))
    double idcg = 1 + 1 / (Math.log(3) / Math.log(2));
    assertEquals(1.5 / idcg, Metrics.ndcg(new int[] {1, 3}, 2, 10), EPS);
    // 3 targets, K = 1: ideal is one hit at rank 1
    assertEquals(1.0, Metrics.ndcg(new int[] {5, 1, 7}, 3, 1), EPS);
    assertEquals(1.0, Metrics.ndcg(new int[] {2, 1}, 2, 5), EPS);
  }

  @Test
  void hitRateRecallPrecisionF1() {
    int[] ranks = {2, 7, 30};
    assertEquals(1.0, Metrics.hitRate(ranks, 3, 5));
    assertEquals(0.0, Metrics.hitRate(ranks, 3, 1));
    assertEquals(1 / 3.0, Metrics.recall(ranks, 3, 5), EPS);
    assertEquals(2 / 3.0, Metrics.recall(ranks, 3, 10), EPS);
    assertEquals(0.2, Metrics.precision(ranks, 3, 5), EPS);
    double p = 0.2, r = 1 / 3.0;
    assertEquals(2 * p * r / (p + r), Metrics.f1(ranks, 3, 5), EPS);
    assertEquals(0.0, Metrics.f1(ranks, 3, 1), EPS);
  }

  @Test
  void mrrUsesTheBestTargetOverTheFullRanking() {
    assertEquals(1.0, Metrics.mrr(new int[] {1}, 1), EPS);
    assertEquals(0.25, Metrics.mrr(new int[] {4}, 1), EPS);
    assertEquals(1 / 500.0, Metrics.mrr(new int[] {500}, 1), EPS); // not cut at K
    assertEquals(0.5, Metrics.mrr(new int[] {9, 2, 4}, 3), EPS);
  }

  @Test
  void noveltyAndArp() {
    int[] pop = {9, 0, 4};
    int users = 9;
    int[] list = {0, 1, 2};
    // -log2(10/10)=0, -log2(1/10), -log2(5/10)=1
    double expected = (0 + Math.log(10) / Math.log(2) + 1) / 3;
    assertEquals(expected, Metrics.novelty(list, 0, 3, pop, users), 1e-9);
    assertEquals(13 / 3.0, Metrics.arp(list, 0, 3, pop), EPS);
    assertEquals(4.0, Metrics.arp(list, 2, 1, pop), EPS);
  }

  @Test
  void ildIsOneMinusMeanPairwiseCosine() {
    Catalog c = Catalog.builder()
        .add(item("a"), "m", new float[] {1, 0, 0, 0})
        .add(item("b"), "m", new float[] {0, 1, 0, 0})
        .add(item("c"), "m", new float[] {1, 1, 0, 0})
        .add(item("d"), null, null)
        .build();
    double s = Math.sqrt(0.5);
    // pairs: ab 0, ac s, bc s; d has no vector and is left out
    assertEquals(1 - 2 * s / 3, Metrics.ild(new int[] {0, 1, 2, 3}, 0, 4, c), 1e-6);
    assertEquals(0.0, Metrics.ild(new int[] {0, 0}, 0, 2, c), 1e-6);
    assertTrue(Double.isNaN(Metrics.ild(new int[] {0, 3}, 0, 2, c)));
  }

  @Test
  void coverageAndGini() {
    // 2 users, lists of width 2; 4 items
    int[] lists = {0, 1, 0, 2};
    int[] len = {2, 2};
    long[] x2 = Metrics.exposure(lists, len, 2, new int[] {0, 1}, 2, 4);
    assertEquals(0.75, Metrics.coverage(x2), EPS);
    long[] x1 = Metrics.exposure(lists, len, 2, new int[] {0, 1}, 1, 4);
    assertEquals(0.25, Metrics.coverage(x1), EPS);
    assertEquals(0.0, Metrics.gini(new long[] {3, 3, 3}), EPS);
    // all on one of 4 items: (n-1)/n
    assertEquals(0.75, Metrics.gini(new long[] {0, 0, 5, 0}), EPS);
    // x = 0,1,1,2 sorted: sum (2i-n-1) x = (-3*0)+(-1*1)+(1*1)+(3*2)=6; / (4*4)
    assertEquals(6 / 16.0, Metrics.gini(x2), EPS);
  }

  @Test
  void meanSkipsNaNAndCountsOnlyGivenUsers() {
    double[] v = {1, Double.NaN, 3, 100};
    assertEquals(2.0, Metrics.mean(v, new int[] {0, 1, 2}), EPS);
    assertTrue(Double.isNaN(Metrics.mean(v, new int[] {1})));
  }

  static Item item(String id) {
    return new Item(id, "A", "Title " + id, null, null, "en", null);
  }
}
