package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import java.util.Arrays;
import java.util.List;

/**
 * ShiftRec's interest model as a {@link Model}: every user becomes several interests per embedding space
 * ({@link InterestProfile}, replayed over the training history in clock order), and an item scores by how close it
 * lies to the interests, weighted by each interest's share of the user's attention:
 * {@code score(i) = Σ_k π_k · exp((cos(c_k, e_i) − 1) / T)}, a kernel mixture that rewards items near any strong
 * interest rather than near the average of all of them.
 */
public final class ShiftRecModel implements Model {
  public static final String NAME = "shiftrec";
  public static final String SINGLE_INTEREST = "shiftrec-single";
  public static final float DEFAULT_TEMPERATURE = 0.2f;

  private final String name;
  private final InterestConfig config;
  private final float temperature;
  private Catalog catalog;
  private Catalog.Space[] spaces;
  private InterestProfile[][] profiles; // [user][space]

  public ShiftRecModel(String name, InterestConfig config, float temperature) {
    this.name = name;
    this.config = config;
    this.temperature = temperature;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    catalog = train.catalog().centred();
    spaces = catalog.spaces().values().toArray(new Catalog.Space[0]);
    profiles = new InterestProfile[train.numUsers()][spaces.length];
    int[] items = train.historyItems();
    float[] weights = train.historyWeights();
    long[] clocks = train.historyClocks();
    for (int u = 0; u < train.numUsers(); u++) {
      for (int p = train.offsets()[u]; p < train.offsets()[u + 1]; p++) {
        Catalog.Space space = catalog.spaceOf(items[p]);
        if (space == null) continue;
        int s = indexOf(space);
        if (profiles[u][s] == null) profiles[u][s] = new InterestProfile(config, space.dimension);
        profiles[u][s].observe(catalog.vector(items[p]), weights[p], clocks[p], items[p], null);
      }
    }
  }

  private int indexOf(Catalog.Space space) {
    for (int s = 0; s < spaces.length; s++) if (spaces[s] == space) return s;
    throw new IllegalStateException("space " + space.model + " not in the catalogue");
  }

  /** The user's profile in the given space (null when the user has no item there). */
  public InterestProfile profile(int user, String model) {
    for (int s = 0; s < spaces.length; s++) if (spaces[s].model.equals(model)) return profiles[user][s];
    return null;
  }

  @Override
  public void score(int user, float[] scoresOut) {
    Arrays.fill(scoresOut, Float.NEGATIVE_INFINITY);
    for (int s = 0; s < spaces.length; s++) {
      InterestProfile profile = profiles[user][s];
      if (profile == null || profile.isEmpty()) continue;
      scoreSpace(profile, spaces[s], temperature, scoresOut);
    }
  }

  /** How strongly an interest pulls an item at cosine {@code cos}: exp((cos − 1) / T), 1 at the centroid. */
  static float kernel(float cos, float inverseTemperature) {
    return (float) Math.exp((cos - 1f) * inverseTemperature);
  }

  /** Writes the kernel-mixture score of every item of {@code space} into {@code scoresOut}. */
  static void scoreSpace(InterestProfile profile, Catalog.Space space, float temperature, float[] scoresOut) {
    List<Interest> interests = profile.interests();
    double[] mixture = new double[interests.size()];
    profile.mixture(mixture);
    int n = space.size(), d = space.dimension;
    float inv = 1f / temperature;
    float[] acc = new float[n];
    for (int k = 0; k < interests.size(); k++) {
      if (mixture[k] <= 0) continue;
      float[] c = interests.get(k).centroid();
      float w = (float) mixture[k];
      for (int r = 0; r < n; r++) {
        float dot = 0f;
        int off = r * d;
        for (int j = 0; j < d; j++) dot += space.vectors[off + j] * c[j];
        acc[r] += w * kernel(dot, inv);
      }
    }
    for (int r = 0; r < n; r++) scoresOut[space.itemIndex[r]] = acc[r];
  }
}
