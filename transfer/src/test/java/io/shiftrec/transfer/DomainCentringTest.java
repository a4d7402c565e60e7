package io.shiftrec.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DomainCentringTest {
  @Test
  void everyDomainMeanBecomesZero() {
    int n = 50, dim = 4, groups = 3;
    SplittableRandom rnd = new SplittableRandom(3);
    float[] rows = new float[n * dim];
    int[] group = new int[n];
    for (int r = 0; r < n; r++) {
      group[r] = r % groups;
      for (int j = 0; j < dim; j++) rows[r * dim + j] = (float) rnd.nextGaussian() + 5f * group[r] + j;
    }
    float[] original = rows.clone();
    float[] means = DomainCentring.subtractGroupMeans(rows, dim, group, groups);
    for (int g = 0; g < groups; g++) {
      double[] sum = new double[dim];
      for (int r = 0; r < n; r++) if (group[r] == g) for (int j = 0; j < dim; j++) sum[j] += rows[r * dim + j];
      for (int j = 0; j < dim; j++) assertEquals(0, sum[j], 1e-4, "domain " + g + " dimension " + j);
    }
    for (int j = 0; j < dim; j++) assertEquals(original[dim + j] - rows[dim + j], means[dim + j], 1e-5);
  }

  @Test
  void emptyGroupHasAZeroMean() {
    float[] rows = {1f, 2f, 3f, 4f};
    float[] means = DomainCentring.subtractGroupMeans(rows, 2, new int[] {0, 0}, 2);
    assertArrayEquals(new float[] {2f, 3f, 0f, 0f}, means);
    assertArrayEquals(new float[] {-1f, -1f, 1f, 1f}, rows);
  }
}
