package io.shiftrec.candidates;

import io.shiftrec.transfer.CatalogViews;
import io.shiftrec.transfer.CrossDomainTransfer;
import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.learn.TextAdapter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  /** Interests scored in the per-domain centred space, no learned mapping: taste carried across domains as is. */
  public static final String ZERO_SHOT = "shiftrec-zero-shot";
  /** Interests in the per-domain centred space plus the learned cross-domain mapping ({@link CrossDomainTransfer}). */
  public static final String TRANSFER = "shiftrec-transfer";
  /** The interest model in the space of a learned text adapter ({@link AdapterArtifact}) on the centred view. */
  public static final String ADAPTER = "shiftrec-adapter";
  public static final float DEFAULT_TEMPERATURE = 0.2f;

  private final String name;
  private final InterestConfig config;
  private final float temperature;
  private final CatalogViews view;
  private final boolean transfer;
  private final TextAdapter.Config adapterConfig;
  /**
   * When not null (and with an adapter), the adapter is fit with these choices instead of choosing
   * ({@link #reusingAdapterChoices}).
   */
  private final List<AdapterArtifact.Choice> adapterReuse;
  private List<AdapterArtifact.Choice> adapterChoices = List.of();
  private Map<String, Object> adapterChosen = Map.of();
  private AdapterArtifact adapter;
  private CrossDomainTransfer crossDomain;
  private int[] itemDomains;
  private Catalog catalog;
  private Catalog.Space[] spaces;
  private InterestProfile[][] profiles; // [user][space]

  /**
   * @param view the view of the embedding spaces profiles are built and scored in
   * @param transfer whether a learned cross-domain mapping adds to the scores of domains where the user has
   *     little or no history
   */
  public ShiftRecModel(String name, InterestConfig config, float temperature, CatalogViews view, boolean transfer) {
    this(name, config, temperature, view, transfer, null);
  }

  /** @param adapterConfig when not null, a text adapter is fit on the training data and applied to the view */
  public ShiftRecModel(String name, InterestConfig config, float temperature, CatalogViews view, boolean transfer,
                       TextAdapter.Config adapterConfig) {
    this(name, config, temperature, view, transfer, adapterConfig, null);
  }

  /** The interest model {@value #NAME} serves: up to six interests in the centred view, no transfer. */
  public static ShiftRecModel standard() {
    return new ShiftRecModel(NAME, InterestConfig.defaults().withMaxInterests(6), DEFAULT_TEMPERATURE,
        CatalogViews.CENTRED, false);
  }

  /** {@value #ADAPTER}: {@link #standard()} in the space of a text adapter with the default settings. */
  public static ShiftRecModel withAdapter() {
    return new ShiftRecModel(ADAPTER, InterestConfig.defaults().withMaxInterests(6), DEFAULT_TEMPERATURE,
        CatalogViews.CENTRED, false, TextAdapter.Config.defaults());
  }

  /** This model, unfitted, with another short-term boost after a detected migration (0: none). */
  public ShiftRecModel withMigrationBoost(double boost) {
    return new ShiftRecModel(name, config.withMigrationBoost(boost), temperature, view, transfer, adapterConfig,
        adapterReuse);
  }

  private ShiftRecModel(String name, InterestConfig config, float temperature, CatalogViews view, boolean transfer,
                        TextAdapter.Config adapterConfig, List<AdapterArtifact.Choice> adapterReuse) {
    this.name = name;
    this.config = config;
    this.temperature = temperature;
    this.view = view;
    this.transfer = transfer;
    this.adapterConfig = adapterConfig;
    this.adapterReuse = adapterReuse;
  }

  /**
   * This fitted model's settings as a new model whose text adapter is fit with the choices this one's selection
   * made (config and steps per space), without selecting again: for fitting the same model on more of the same
   * data, as the learned ranker does after learning its weights. Without an adapter, simply the same settings.
   */
  public ShiftRecModel reusingAdapterChoices() {
    if (spaces == null) throw new IllegalStateException(name + " is not fitted");
    return new ShiftRecModel(name, config, temperature, view, transfer, adapterConfig, adapterChoices);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    catalog = view.of(train.catalog());
    if (adapterConfig != null) {
      AdapterArtifact.Fitted f = adapterReuse != null ? AdapterArtifact.refit(train, catalog, adapterReuse, seed)
          : AdapterArtifact.fit(train, catalog, adapterConfig, seed, ContentModel.ADAPTER_VALIDATION_USERS);
      adapter = f.artifact();
      catalog = adapter.adapted(catalog);
      adapterChosen = f.chosen();
      adapterChoices = f.choices();
    }
    itemDomains = train.itemDomains();
    spaces = catalog.spaces().values().toArray(new Catalog.Space[0]);
    profiles = new InterestProfile[train.numUsers()][];
    int[] items = train.historyItems();
    float[] weights = train.historyWeights();
    long[] clocks = train.historyClocks();
    for (int u = 0; u < train.numUsers(); u++) {
      profiles[u] = profilesOf(items, weights, clocks, train.offsets()[u], train.offsets()[u + 1]);
    }
    crossDomain = transfer ? CrossDomainTransfer.fit(train, catalog, this::scoreHistory, seed) : null;
  }

  /** The text adapter fit on the training data: null without one, or before {@link #fit}. */
  public AdapterArtifact adapter() {
    return adapter;
  }

  /** What the text adapter and the cross-domain mapping chose on validation data; empty without either. */
  @Override
  public Map<String, Object> fitted() {
    if (crossDomain == null) return adapterChosen;
    Map<String, Object> all = new LinkedHashMap<>(adapterChosen);
    all.putAll(crossDomain.chosen());
    return all;
  }

  /** One profile per space (null where the history has no item) from positions [from, to) of the arrays. */
  private InterestProfile[] profilesOf(int[] items, float[] weights, long[] clocks, int from, int to) {
    InterestProfile[] out = new InterestProfile[spaces.length];
    for (int p = from; p < to; p++) {
      Catalog.Space space = catalog.spaceOf(items[p]);
      if (space == null) continue;
      int s = indexOf(space);
      if (out[s] == null) out[s] = new InterestProfile(config, space.dimension);
      out[s].observe(catalog.vector(items[p]), weights[p], clocks[p], items[p], null);
    }
    return out;
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
    if (crossDomain == null) {
      scoreProfiles(profiles[user], null, scoresOut);
      return;
    }
    // where transfer alone decides (no native history in the domain), the native scores would be discarded
    scoreProfiles(profiles[user], crossDomain.transferOnlyDomains(user), scoresOut);
    crossDomain.apply(user, scoresOut);
  }

  private void scoreHistory(int[] items, float[] weights, long[] clocks, int length, float[] scoresOut) {
    scoreProfiles(profilesOf(items, weights, clocks, 0, length), null, scoresOut);
  }

  /** @param skip per domain index, the space whose items of that domain may be left at 0; null = score all */
  private void scoreProfiles(InterestProfile[] userProfiles, Catalog.Space[] skip, float[] scoresOut) {
    Arrays.fill(scoresOut, Float.NEGATIVE_INFINITY);
    for (int s = 0; s < spaces.length; s++) {
      InterestProfile profile = userProfiles[s];
      if (profile == null || profile.isEmpty()) continue;
      scoreRows(profile, spaces[s], temperature, skip, itemDomains, scoresOut);
    }
  }

  /** How strongly an interest pulls an item at cosine {@code cos}: exp((cos − 1) / T), 1 at the centroid. */
  public static float kernel(float cos, float inverseTemperature) {
    return (float) Math.exp((cos - 1f) * inverseTemperature);
  }

  /** Items scored together: their columns (about 384 × 4 KB) stay in cache across the interests. */
  private static final int SCORE_BLOCK = 1024;

  /** {@code sum[r] += column[r] · c} for r in [from, to): one index for both arrays, a loop the JIT vectorises. */
  private static void addScaled(float[] sum, float[] column, float c, int from, int to) {
    for (int r = from; r < to; r++) sum[r] += column[r] * c;
  }

  /** Writes the kernel-mixture score of every item of {@code space} into {@code scoresOut}. */
  public static void scoreSpace(InterestProfile profile, Catalog.Space space, float temperature, float[] scoresOut) {
    scoreRows(profile, space, temperature, null, null, scoresOut);
  }

  /** {@link #scoreSpace} leaving at 0 the items whose domain is skipped in this space. */
  private static void scoreRows(InterestProfile profile, Catalog.Space space, float temperature,
                                Catalog.Space[] skip, int[] itemDomains, float[] scoresOut) {
    List<Interest> interests = profile.interests();
    double[] mixture = new double[interests.size()];
    profile.mixture(mixture);
    int m = 0;
    float[][] centroids = new float[interests.size()][];
    float[] w = new float[interests.size()];
    for (int k = 0; k < interests.size(); k++) {
      if (mixture[k] <= 0) continue;
      centroids[m] = interests.get(k).centroid();
      w[m++] = (float) mixture[k];
    }
    int n = space.size(), d = space.dimension;
    float inv = 1f / temperature;
    float[][] columns = space.columns();
    float[] acc = new float[n];
    // the four partial sums of {@link #dot} for every item, each over the same coordinates in the same order, so
    // every score is the one a dot product per item gives, bit for bit; items in blocks so that a block's columns
    // stay in cache while every interest reads them
    float[] s0 = new float[n], s1 = new float[n], s2 = new float[n], s3 = new float[n];
    for (int from = 0; from < n; from += SCORE_BLOCK) {
      int to = Math.min(n, from + SCORE_BLOCK);
      for (int k = 0; k < m; k++) {
        float[] c = centroids[k];
        Arrays.fill(s0, from, to, 0f);
        Arrays.fill(s1, from, to, 0f);
        Arrays.fill(s2, from, to, 0f);
        Arrays.fill(s3, from, to, 0f);
        int j = 0;
        for (; j + 3 < d; j += 4) {
          addScaled(s0, columns[j], c[j], from, to);
          addScaled(s1, columns[j + 1], c[j + 1], from, to);
          addScaled(s2, columns[j + 2], c[j + 2], from, to);
          addScaled(s3, columns[j + 3], c[j + 3], from, to);
        }
        for (; j < d; j++) addScaled(s0, columns[j], c[j], from, to);
        for (int r = from; r < to; r++) {
          if (skip != null && skip[itemDomains[space.itemIndex[r]]] == space) continue;
          acc[r] += w[k] * kernel((s0[r] + s1[r]) + (s2[r] + s3[r]), inv);
        }
      }
    }
    for (int r = 0; r < n; r++) scoresOut[space.itemIndex[r]] = acc[r];
  }
}
