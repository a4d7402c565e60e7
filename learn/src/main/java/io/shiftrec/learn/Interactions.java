package io.shiftrec.learn;

import java.util.Arrays;

/**
 * A sparse user × item matrix of interaction strengths in CSR form: row {@code u} is positions
 * {@code offsets[u] .. offsets[u+1]-1} of {@code items} and {@code weights}. The arrays are shared, not copied.
 *
 * @param weights strength of each interaction, finite and ≥ 0 (the confidence of implicit ALS grows with it)
 */
public record Interactions(int numUsers, int numItems, int[] offsets, int[] items, float[] weights) {
  /** Checks the shape, so that training fails here with a clear reason rather than deep inside a solver. */
  public Interactions {
    if (numUsers < 0 || numItems < 0) {
      throw new IllegalArgumentException("negative matrix size " + numUsers + " × " + numItems);
    }
    if (offsets == null || offsets.length != numUsers + 1) {
      throw new IllegalArgumentException("offsets must have numUsers + 1 = " + (numUsers + 1) + " entries");
    }
    if (items == null || weights == null || items.length != weights.length) {
      throw new IllegalArgumentException("items and weights must have the same length");
    }
    if (offsets[0] != 0 || offsets[numUsers] != items.length) {
      throw new IllegalArgumentException("offsets must run from 0 to " + items.length);
    }
    for (int u = 0; u < numUsers; u++) {
      if (offsets[u + 1] < offsets[u]) throw new IllegalArgumentException("offsets decrease at row " + u);
    }
    for (int p = 0; p < items.length; p++) {
      if (items[p] < 0 || items[p] >= numItems) {
        throw new IllegalArgumentException("item index " + items[p] + " out of range 0.." + (numItems - 1));
      }
      if (!(weights[p] >= 0) || Float.isInfinite(weights[p])) {
        throw new IllegalArgumentException("interaction weight must be finite and ≥ 0, got " + weights[p]);
      }
    }
  }

  /** Every interaction with weight 1: the binary matrix of who interacted with what. */
  public static Interactions binary(int numUsers, int numItems, int[] offsets, int[] items) {
    float[] ones = new float[items.length];
    Arrays.fill(ones, 1f);
    return new Interactions(numUsers, numItems, offsets, items, ones);
  }

  public int size() {
    return items.length;
  }

  public int rowLength(int user) {
    return offsets[user + 1] - offsets[user];
  }

  /** The item × user matrix (rows in item order, each row's users ascending). */
  public Interactions transpose() {
    int[] start = new int[numItems + 1];
    for (int it : items) start[it + 1]++;
    for (int i = 0; i < numItems; i++) start[i + 1] += start[i];
    int[] users = new int[items.length];
    float[] w = new float[items.length];
    int[] fill = Arrays.copyOf(start, numItems);
    for (int u = 0; u < numUsers; u++) {
      for (int p = offsets[u]; p < offsets[u + 1]; p++) {
        int q = fill[items[p]]++;
        users[q] = u;
        w[q] = weights[p];
      }
    }
    return new Interactions(numItems, numUsers, start, users, w);
  }
}
