package io.shiftrec.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Several queries against one column-major matrix, {@code out[q][r] = Σ_j columns[j][r] · queries[q][j]} for rows
 * in [from, to): the sums under the interests' kernel mixture and the next-item rules' windows, which the product
 * computes with plain loops along the rows. Here twice, to measure the JDK's Vector API beside plain loops on the
 * same sums ({@link KernelBenchmarks}): {@link #products} through the Vector API (the incubator module
 * {@code jdk.incubator.vector}), a register block of rows as wide as the CPU's vectors against four queries at a
 * time, each coordinate's column loaded once for the four; {@link #plainProducts} with the product's loop shape. Each
 * row's sum is one chain of fused multiply-adds over the coordinates in order in both, so both give the same floats.
 * The Vector API reads one cache line from every column per block of rows: it wins while the matrix sits in cache and
 * lost in a served ranking, where plain loops stream each column (docs/BENCHMARKS.md, "Serving kernels").
 */
final class VectorApiKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Queries per pass over a block of rows: four accumulators and the column in registers. */
  private static final int QUERIES = 4;

  private VectorApiKernel() {}

  /** The same sums by plain loops along the rows, one fused multiply-add per coordinate: what the JIT vectorises. */
  static void plainProducts(float[][] columns, int dimension, float[][] queries, int count, int from, int to,
                            float[][] out) {
    for (int q = 0; q < count; q++) {
      float[] c = queries[q], sum = out[q];
      java.util.Arrays.fill(sum, from, to, 0f);
      for (int j = 0; j < dimension; j++) {
        float[] column = columns[j];
        float cj = c[j];
        for (int r = from; r < to; r++) sum[r] = Math.fma(column[r], cj, sum[r]);
      }
    }
  }

  static void products(float[][] columns, int dimension, float[][] queries, int count, int from, int to,
                       float[][] out) {
    int lanes = SPECIES.length(), upper = from + SPECIES.loopBound(to - from);
    for (int q = 0; q < count; q += QUERIES) {
      int group = Math.min(QUERIES, count - q);
      // a group of fewer than four repeats its last query and stores only its own
      float[] c0 = queries[q], c1 = queries[q + Math.min(1, group - 1)], c2 = queries[q + Math.min(2, group - 1)];
      float[] c3 = queries[q + group - 1];
      for (int r = from; r < upper; r += lanes) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < dimension; j++) {
          FloatVector column = FloatVector.fromArray(SPECIES, columns[j], r);
          a0 = column.fma(FloatVector.broadcast(SPECIES, c0[j]), a0);
          a1 = column.fma(FloatVector.broadcast(SPECIES, c1[j]), a1);
          a2 = column.fma(FloatVector.broadcast(SPECIES, c2[j]), a2);
          a3 = column.fma(FloatVector.broadcast(SPECIES, c3[j]), a3);
        }
        a0.intoArray(out[q], r);
        if (group > 1) a1.intoArray(out[q + 1], r);
        if (group > 2) a2.intoArray(out[q + 2], r);
        if (group > 3) a3.intoArray(out[q + 3], r);
      }
      for (int r = upper; r < to; r++) {
        for (int g = q; g < q + group; g++) {
          float[] c = queries[g];
          float sum = 0f;
          for (int j = 0; j < dimension; j++) sum = Math.fma(columns[j][r], c[j], sum);
          out[g][r] = sum;
        }
      }
    }
  }
}
