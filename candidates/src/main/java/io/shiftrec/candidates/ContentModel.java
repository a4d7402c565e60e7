package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import io.shiftrec.learn.TextAdapter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The single-vector content baseline as a {@link Model}, scored in the {@link Catalog#centred() centred} space.
 * Per embedding space, the user's profile is the feedback-weighted mean of the vectors of the items they liked
 * (weight &gt; 0), or of every item they touched when they liked none; an item scores the cosine with the profile
 * of its own space. Items without a vector, or in a space where the user has no profile, score
 * {@link Float#NEGATIVE_INFINITY}.
 *
 * <p>{@link #ADAPTER} scores the same way in the space of a learned {@link TextAdapter} fit on the training data
 * ({@link AdapterArtifact}): items without interactions get the learned map of their text alone.
 */
public final class ContentModel implements Model {
  public static final String NAME = "content";
  public static final String ADAPTER = "content-adapter";
  /** The {@link #ADAPTER} hyperparameter naming the one domain whose interactions train the adapter. */
  public static final String FIT_DOMAIN = "fit-domain";
  /** Validation users the adapter's selection scores per check. */
  static final int ADAPTER_VALIDATION_USERS = 500;
  private final String name;
  private final TextAdapter.Config adapterConfig;
  private final String adapterDomain;
  private Map<String, Object> fitted = Map.of();
  private AdapterArtifact adapter;
  private TrainingData train;
  private Catalog catalog;
  private Catalog.Space[] spaces;

  /** The raw-space baseline, {@link #NAME}. */
  public ContentModel() {
    this(NAME, null);
  }

  /** @param adapterConfig the adapter's starting config ({@link TextAdapter#select}); null = the raw space */
  public ContentModel(String name, TextAdapter.Config adapterConfig) {
    this(name, adapterConfig, null);
  }

  /**
   * @param adapterDomain the domain whose interactions alone train the adapter, which then maps every domain's
   *     items (null: all of them)
   */
  public ContentModel(String name, TextAdapter.Config adapterConfig, String adapterDomain) {
    this.name = name;
    this.adapterConfig = adapterConfig;
    this.adapterDomain = adapterDomain;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    this.catalog = train.catalog().centred();
    if (adapterConfig != null) {
      long start = System.nanoTime();
      AdapterArtifact.Fitted f = AdapterArtifact.fit(train, catalog, adapterConfig, seed, ADAPTER_VALIDATION_USERS,
          adapterDomain);
      adapter = f.artifact();
      catalog = adapter.adapted(catalog);
      fitted = new LinkedHashMap<>(f.chosen());
      fitted.put("adapter_seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    }
    this.spaces = catalog.spaces().values().toArray(new Catalog.Space[0]);
  }

  /** The learned adapter (null for the raw-space model or before {@link #fit}). */
  public AdapterArtifact adapter() {
    return adapter;
  }

  @Override
  public Map<String, Object> fitted() {
    return fitted;
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
