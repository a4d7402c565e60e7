package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CholeskyTest {
  /** The Gram matrix of columns (1, 0, 1), (2, 0, 2) and (0, 1, 0): the second is twice the first. */
  private static double[] dependentGram() {
    return new double[] {2, 4, 0, 4, 8, 0, 0, 0, 1};
  }

  @Test
  void anIndefiniteMatrixFailsTheStrictFactor() {
    assertThrows(IllegalStateException.class, () -> Cholesky.factorInPlace(new double[] {1, 2, 2, 1}, 2));
  }

  @Test
  void aDependentColumnIsDropped() {
    double[] a = dependentGram();
    Cholesky.factorDroppingDependent(a, 3, 1e-6);
    assertEquals(Math.sqrt(2), a[0], 1e-12);
    assertEquals(4 / Math.sqrt(2), a[3], 1e-12);
    assertEquals(0, a[4], "the dependent column is zero");
    assertEquals(0, a[7]);
    assertEquals(1, a[8], 1e-12, "the independent column after it is factored as usual");
  }
}
