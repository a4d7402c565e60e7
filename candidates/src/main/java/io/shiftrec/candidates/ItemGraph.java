package io.shiftrec.candidates;

import java.util.Arrays;

/**
 * Weighted edges from each item to a few others, item by item (compressed rows): ItemKNN's neighbour lists and the
 * next-item rules. Edges of item i are {@code items[offsets[i] .. offsets[i+1])} with their {@code weights}, strongest
 * first.
 */
public record ItemGraph(int[] offsets, int[] items, float[] weights) {
  public ItemGraph {
    int n = offsets.length - 1;
    if (n < 0 || offsets[0] != 0 || offsets[n] != items.length || items.length != weights.length) {
      throw new IllegalArgumentException("item graph arrays do not match: " + offsets.length + " offsets, "
          + items.length + " edges, " + weights.length + " weights");
    }
    for (int i = 0; i < n; i++) {
      if (offsets[i + 1] < offsets[i]) throw new IllegalArgumentException("item graph offsets fall at item " + i);
    }
    for (int j : items) {
      if (j < 0 || j >= n) throw new IllegalArgumentException("item graph edge to " + j + ", not one of " + n + " items");
    }
  }

  /** A graph over {@code n} items without edges. */
  public static ItemGraph empty(int n) {
    return new ItemGraph(new int[n + 1], new int[0], new float[0]);
  }

  /** Packs per-item edge lists (targets and weights, the same lengths per item). */
  static ItemGraph of(int[][] targets, float[][] weights) {
    int n = targets.length;
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + targets[i].length;
    int[] items = new int[offsets[n]];
    float[] w = new float[offsets[n]];
    for (int i = 0; i < n; i++) {
      System.arraycopy(targets[i], 0, items, offsets[i], targets[i].length);
      System.arraycopy(weights[i], 0, w, offsets[i], weights[i].length);
    }
    return new ItemGraph(offsets, items, w);
  }

  public int size() {
    return offsets.length - 1;
  }

  /**
   * This graph over another numbering: {@code row[r]} is the new index of item r, or −1 when it is gone (edges to
   * and from it are dropped); {@code n} new items, those no row maps to without edges.
   */
  public ItemGraph renumbered(int[] row, int n) {
    int[] degree = new int[n];
    for (int r = 0; r < row.length; r++) {
      if (row[r] < 0) continue;
      for (int q = offsets[r]; q < offsets[r + 1]; q++) if (row[items[q]] >= 0) degree[row[r]]++;
    }
    int[] newOffsets = new int[n + 1];
    for (int i = 0; i < n; i++) newOffsets[i + 1] = newOffsets[i] + degree[i];
    int[] newItems = new int[newOffsets[n]];
    float[] newWeights = new float[newOffsets[n]];
    for (int r = 0; r < row.length; r++) {
      int i = row[r];
      if (i < 0) continue;
      int at = newOffsets[i];
      for (int q = offsets[r]; q < offsets[r + 1]; q++) {
        int j = row[items[q]];
        if (j < 0) continue;
        newItems[at] = j;
        newWeights[at++] = weights[q];
      }
    }
    return new ItemGraph(newOffsets, newItems, newWeights);
  }

  /** Adds {@code weight} × the edge weights of {@code item} to the scores of its targets. */
  public void addEdges(int item, float weight, float[] scores) {
    for (int q = offsets[item]; q < offsets[item + 1]; q++) scores[items[q]] += weight * weights[q];
  }

  /** The weight of the edge from → to, 0 when there is none. */
  public float weight(int from, int to) {
    for (int q = offsets[from]; q < offsets[from + 1]; q++) if (items[q] == to) return weights[q];
    return 0f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ItemGraph g && Arrays.equals(offsets, g.offsets) && Arrays.equals(items, g.items)
        && Arrays.equals(weights, g.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(offsets) * 31 + Arrays.hashCode(items);
  }
}
