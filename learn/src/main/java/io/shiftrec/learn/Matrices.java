package io.shiftrec.learn;

import java.util.Arrays;

/** Dense matrices as the learners' inner loops want them. */
final class Matrices {
  private Matrices() {}

  /**
   * A row-major {@code rows × cols} matrix as one array per row: the JIT vectorises {@code a[o] += x · b[o]} over two
   * such rows, not the same loop over one flat array read at two offsets.
   */
  static float[][] rows(float[] flat, int rows, int cols) {
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
    return out;
  }
}
