package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LowRankTest {
  /** A sparse rows × cols matrix of rank 2: one outer product in the top-left block, one in the bottom-right. */
  private static float[][] rankTwo(int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if ((i < rows / 2) == (j < cols / 2)) m[i][j] = (float) ((i % 3 + 1) * (j % 4 + 1));
      }
    }
    return m;
  }

  private static Interactions sparse(float[][] m) {
    int rows = m.length, cols = m[0].length, nnz = 0;
    for (float[] row : m) for (float v : row) if (v != 0) nnz++;
    int[] offsets = new int[rows + 1], items = new int[nnz];
    float[] weights = new float[nnz];
    for (int i = 0, p = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (m[i][j] == 0) continue;
        items[p] = j;
        weights[p++] = m[i][j];
      }
      offsets[i + 1] = p;
    }
    return new Interactions(rows, cols, offsets, items, weights);
  }

  private static float at(LowRank.Factors f, int i, int j) {
    float s = 0;
    for (int c = 0; c < f.rank(); c++) s += f.left()[i * f.rank() + c] * f.right()[j * f.rank() + c];
    return s;
  }

  @Test
  void recoversAMatrixOfItsRank() {
    float[][] m = rankTwo(30, 40);
    LowRank.Factors f = LowRank.approximate(sparse(m), 2, 2, 11);
    assertEquals(2, f.rank());
    for (int i = 0; i < 30; i++) for (int j = 0; j < 40; j++) assertEquals(m[i][j], at(f, i, j), 1e-3);
  }

  @Test
  void leftFactorsAreOrthonormalAndExtraRankBecomesZero() {
    LowRank.Factors f = LowRank.approximate(sparse(rankTwo(30, 40)), 5, 2, 11);
    assertEquals(5, f.rank());
    int independent = 0;
    for (int a = 0; a < 5; a++) {
      for (int b = 0; b < 5; b++) {
        double dot = 0;
        for (int i = 0; i < 30; i++) dot += f.left()[i * 5 + a] * f.left()[i * 5 + b];
        if (a == b) {
          assertTrue(Math.abs(dot - 1) < 1e-4 || Math.abs(dot) < 1e-8, "column " + a + " norm² " + dot);
          if (dot > 0.5) independent++;
        } else {
          assertEquals(0, dot, 1e-4);
        }
      }
    }
    assertEquals(2, independent, "a rank-2 matrix has two directions");
  }

  @Test
  void anIllConditionedMatrixKeepsEveryDirection() {
    // Singular values spread over four orders of magnitude: the basis must stay orthonormal and complete.
    int n = 40;
    float[][] m = new float[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = (float) Math.pow(10, -4.0 * i / (n - 1));
      if (i + 1 < n) m[i][i + 1] = 1e-3f;
    }
    LowRank.Factors f = LowRank.approximate(sparse(m), n, 3, 7);
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double dot = 0;
        for (int i = 0; i < n; i++) dot += f.left()[i * n + a] * f.left()[i * n + b];
        assertEquals(a == b ? 1 : 0, dot, 1e-5, "columns " + a + ", " + b);
      }
    }
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertEquals(m[i][j], at(f, i, j), 1e-5);
  }

  @Test
  void sameSeedSameFactorsAndRankIsCapped() {
    Interactions m = sparse(rankTwo(6, 4));
    LowRank.Factors a = LowRank.approximate(m, 10, 3, 5), b = LowRank.approximate(m, 10, 3, 5);
    assertEquals(4, a.rank(), "no more directions than columns");
    assertArrayEquals(a.left(), b.left());
    assertArrayEquals(a.right(), b.right());
    assertEquals(a, b);
    assertThrows(IllegalArgumentException.class, () -> LowRank.approximate(m, 0, 2, 5));
    assertThrows(IllegalArgumentException.class, () -> LowRank.approximate(m, 2, -1, 5));
  }
}
