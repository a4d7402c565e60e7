package io.shiftrec.learn;

/**
 * A learned factorisation R ≈ U·Vᵀ + b: {@code users} and {@code items} are row-major ({@code rank} floats per row),
 * {@code itemBias} one float per item (zeros for models without a bias). The arrays are shared, not copied.
 */
public record Factors(int rank, int numUsers, int numItems, float[] users, float[] items, float[] itemBias) {
  public Factors {
    if (rank < 1) throw new IllegalArgumentException("rank must be positive, got " + rank);
    if (users.length != numUsers * rank || items.length != numItems * rank || itemBias.length != numItems) {
      throw new IllegalArgumentException("factor arrays do not match " + numUsers + " users, " + numItems
          + " items, rank " + rank);
    }
  }

  /** Writes the score of every item for {@code user} into {@code out} (length ≥ numItems). */
  public void scoreAll(int user, float[] out) {
    int k = rank, uo = user * k;
    for (int i = 0, io = 0; i < numItems; i++, io += k) {
      float s = itemBias[i];
      for (int f = 0; f < k; f++) s += users[uo + f] * items[io + f];
      out[i] = s;
    }
  }

  public float score(int user, int item) {
    float s = itemBias[item];
    for (int f = 0; f < rank; f++) s += users[user * rank + f] * items[item * rank + f];
    return s;
  }

  /** Σ of every squared entry (factors and biases): the L2 penalty before its λ. */
  public double squaredNorm() {
    double s = 0;
    for (float v : users) s += (double) v * v;
    for (float v : items) s += (double) v * v;
    for (float v : itemBias) s += (double) v * v;
    return s;
  }
}
