package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import java.util.Arrays;

/**
 * The single-vector content baseline as a {@link Model}, scored in the {@link Catalog#centred() centred} space.
 * Per embedding space, the user's profile is the feedback-weighted mean of the vectors of the items they liked
 * (weight &gt; 0), or of every item they touched when they liked none; an item scores the cosine with the profile
 * of its own space. Items without a vector, or in a space where the user has no profile, score
 * {@link Float#NEGATIVE_INFINITY}.
 */
public final class ContentModel implements Model {
  public static final String NAME = "content";
  private TrainingData train;
  private Catalog catalog;
  private Catalog.Space[] spaces;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    this.catalog = train.catalog().centred();
    this.spaces = catalog.spaces().values().toArray(new Catalog.Space[0]);
  }

  @Override
  public void score(int user, float[] scoresOut) {
    Arrays.fill(scoresOut, Float.NEGATIVE_INFINITY);
    int from = train.offsets()[user], to = train.offsets()[user + 1];
    int[] items = train.historyItems();
    float[] weights = train.historyWeights();
    for (Catalog.Space space : spaces) {
      float[] q = new float[space.dimension];
      boolean any = accumulate(space, items, weights, from, to, true, q);
      if (!any) any = accumulate(space, items, weights, from, to, false, q);
      if (!any) continue;
      Vectors.normalizeInPlace(q);
      for (int r = 0; r < space.size(); r++) scoresOut[space.itemIndex[r]] = Vectors.dotRow(space.vectors, r, q);
    }
  }

  /** Adds the history's vectors of this space into {@code q}; with {@code likesOnly} weighted, else each once. */
  private boolean accumulate(Catalog.Space space, int[] items, float[] weights, int from, int to, boolean likesOnly,
                             float[] q) {
    boolean any = false;
    for (int p = from; p < to; p++) {
      if (catalog.spaceOf(items[p]) != space) continue;
      float w = likesOnly ? weights[p] : 1f;
      if (w <= 0f) continue;
      Vectors.addScaled(q, catalog.vector(items[p]), w);
      any = true;
    }
    return any;
  }
}
