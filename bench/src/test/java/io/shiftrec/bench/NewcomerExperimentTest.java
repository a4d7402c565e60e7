package io.shiftrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NewcomerExperimentTest {
  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void ndcgAndHitRateOfTheTopTenAgainstEveryTarget() {
    boolean[] target = new boolean[20];
    target[5] = true;
    target[7] = true;
    double[] ndcg = new double[2], hr = new double[2];
    int[] top = {2, 5, 3, 7, 0, 1, 4, 6, 8, 9};
    NewcomerExperiment.metrics(top, target, ndcg, hr, 1);
    double ideal = 1 + 1 / log2(3);
    assertEquals((1 / log2(3) + 1 / log2(5)) / ideal, ndcg[1], 1e-12);
    assertEquals(1.0, hr[1]);
    assertEquals(0.0, ndcg[0], "other rows untouched");

    // fewer than ten ranked (-1 fills the rest), no target among them
    int[] partial = {2, 3, -1, -1, -1, -1, -1, -1, -1, -1};
    NewcomerExperiment.metrics(partial, target, ndcg, hr, 0);
    assertEquals(0.0, ndcg[0]);
    assertEquals(0.0, hr[0]);
  }
}
