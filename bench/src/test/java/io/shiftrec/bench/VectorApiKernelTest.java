package io.shiftrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorApiKernelTest {
  /**
   * Plain loops and the Vector API's give every row the chain of fused multiply-adds over the
   * coordinates in order, bit for bit, so the benchmark compares the same sums: counts of queries that fill no group
   * of four, row ranges that start inside the matrix and end off a vector's width, and rows outside left alone.
   */
  @Test
  void bothKernelsGiveTheSumsOfOneFusedChainPerRow() {
    SplittableRandom random = new SplittableRandom(3);
    for (int[] shape : new int[][] {{384, 1, 0, 37}, {50, 3, 5, 1000}, {7, 5, 0, 16}, {129, 8, 17, 18}}) {
      int dimension = shape[0], count = shape[1], from = shape[2], to = shape[3];
      float[][] columns = new float[dimension][to];
      for (float[] column : columns) for (int r = 0; r < to; r++) column[r] = (float) random.nextGaussian();
      float[][] queries = new float[count][dimension];
      for (float[] q : queries) for (int j = 0; j < dimension; j++) q[j] = (float) random.nextGaussian();
      float[][] plain = new float[count][to], vector = new float[count][to];
      for (int q = 0; q < count; q++) {
        Arrays.fill(plain[q], Float.NaN);
        Arrays.fill(vector[q], Float.NaN);
      }
      VectorApiKernel.plainProducts(columns, dimension, queries, count, from, to, plain);
      VectorApiKernel.products(columns, dimension, queries, count, from, to, vector);
      for (int q = 0; q < count; q++) {
        for (int r = 0; r < to; r++) {
          float expected = Float.NaN;
          if (r >= from) {
            expected = 0f;
            for (int j = 0; j < dimension; j++) expected = Math.fma(columns[j][r], queries[q][j], expected);
          }
          String where = "query " + q + " row " + r + " of shape " + Arrays.toString(shape);
          assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(plain[q][r]), "plain, " + where);
          assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(vector[q][r]), "Vector API, " + where);
        }
      }
    }
  }
}
