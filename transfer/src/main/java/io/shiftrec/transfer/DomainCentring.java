package io.shiftrec.transfer;

/**
 * Per-domain centring of one embedding space. Text embeddings of one domain share a direction of their own ("this is
 * a grocery title"), so a profile built from one domain is closest to the other domain's items that look most like
 * its own domain, not to those that match its taste. Subtracting each domain's mean removes that offset and leaves
 * the directions that tell items apart within every domain, where a taste can be compared across domains.
 */
public final class DomainCentring {
  private DomainCentring() {}

  /**
   * Subtracts, in place, from every row of the row-major matrix {@code rows} (width {@code dim}) the mean of the rows
   * of its group, and returns those means ({@code groups × dim}, row-major; zero for an empty group).
   *
   * @param group per row, its group (domain) index in {@code [0, groups)}
   */
  public static float[] subtractGroupMeans(float[] rows, int dim, int[] group, int groups) {
    int n = group.length;
    double[] sum = new double[groups * dim];
    int[] count = new int[groups];
    for (int r = 0; r < n; r++) {
      int g = group[r] * dim, off = r * dim;
      count[group[r]]++;
      for (int j = 0; j < dim; j++) sum[g + j] += rows[off + j];
    }
    float[] means = new float[groups * dim];
    for (int g = 0; g < groups; g++) {
      if (count[g] == 0) continue;
      for (int j = 0; j < dim; j++) means[g * dim + j] = (float) (sum[g * dim + j] / count[g]);
    }
    for (int r = 0; r < n; r++) {
      int g = group[r] * dim, off = r * dim;
      for (int j = 0; j < dim; j++) rows[off + j] -= means[g + j];
    }
    return means;
  }
}
