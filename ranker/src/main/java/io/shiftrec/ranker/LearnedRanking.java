package io.shiftrec.ranker;

import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.ItemKnnModel;
import io.shiftrec.candidates.NextItemModel;
import io.shiftrec.candidates.NextItemSvdModel;
import io.shiftrec.candidates.ShiftRecModel;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.IdleCore;
import io.shiftrec.core.Store;
import io.shiftrec.core.Vectors;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.LambdaMart;
import io.shiftrec.learn.LowRank;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The learned ranker ({@link LearnedRankerModel}) as served: from a trained {@link RankerArtifact} and a user's
 * {@link UserInterests}, it scores every item of the current catalogue with the same features and weights the
 * ranker learned, so a user or event the model never saw is ranked at once:
 * <ul>
 *   <li>{@code shiftrec}: the kernel mixture of the user's interests (every item with a vector, new ones included);
 *       {@code shiftrec-adapter} the same in the space of the text adapter saved with the ranker;
 *   <li>{@code ials}: the user's factors solved against the trained item factors ({@link ImplicitAls.FoldIn});
 *   <li>{@code itemknn} and {@code itemknn-recent}: similarity sums over the trained neighbour lists, from the whole
 *       history and from the latest items;
 *   <li>{@code next-item}: the trained rules from the latest items to what others chose after them, and
 *       {@code next-item-svd} the same through their low-rank approximation;
 *   <li>{@code itemknn-recent@N}, {@code next-item@N} and {@code next-item-svd@N}: the same over the latest N items
 *       instead;
 *   <li>{@code log-popularity} at training time, and {@code last-domain}: whether the item is in the domain of the
 *       user's latest item;
 *   <li>{@code cold-item}: whether the item had no events at training time (new items have none), and
 *       {@code cold-item-text}: the interests' score of such an item, so its text can carry it;
 *   <li>{@code history-length}: how many items the user has met, the same for every item (the trees read it to
 *       weigh the other features differently for a newcomer);
 *   <li>{@code group-popularity}: log popularity among the users of the user's group
 *       ({@link UserInterests#attributes}) at training time; 0 everywhere for a user without attributes or a ranker
 *       without groups.
 * </ul>
 * Each feature is standardised over the catalogue for the user, as in training; a ranker trained on retrieved
 * candidates orders only the union of each part's top items, as in training. Items added after training have no
 * factors, neighbours or popularity: they score on their text (the interests) alone.
 *
 * <p>Thread-safe: built once per catalogue, every call keeps its state to itself (the features that read item
 * factors computed on an idle core when there is one: {@link IdleCore}).
 */
public final class LearnedRanking {
  private enum Feature {
    INTERESTS, IALS, ITEMKNN, ITEMKNN_RECENT, NEXT_ITEM, NEXT_ITEM_SVD, LOG_POPULARITY, LAST_DOMAIN, COLD_ITEM,
    COLD_ITEM_TEXT, HISTORY_LENGTH, GROUP_POPULARITY;

    /** Features of the request and the item's standing rather than a part's score: not standardised, no retrieval. */
    boolean describesRequest() {
      return this == LAST_DOMAIN || this == COLD_ITEM || this == COLD_ITEM_TEXT || this == HISTORY_LENGTH;
    }

    /** The parts and popularity, which retrieve the candidates; the group's popularity is standardised, no more. */
    boolean retrieves() {
      return !describesRequest() && this != GROUP_POPULARITY;
    }

    /** Parts that score from item factors: half a ranking's work, computed beside the others. */
    boolean readsFactors() {
      return this == IALS || this == NEXT_ITEM_SVD;
    }

    /** Parts that read the latest items, which a ranker may read over other history lengths ({@code name@N}). */
    boolean readsRecentItems() {
      return this == ITEMKNN_RECENT || this == NEXT_ITEM || this == NEXT_ITEM_SVD;
    }
  }

  private static final Map<String, Feature> FEATURES = Map.ofEntries(Map.entry(ShiftRecModel.NAME, Feature.INTERESTS),
      Map.entry(ShiftRecModel.ADAPTER, Feature.INTERESTS), Map.entry(FactorModel.IALS, Feature.IALS),
      Map.entry(ItemKnnModel.NAME, Feature.ITEMKNN), Map.entry(ItemKnnModel.RECENT, Feature.ITEMKNN_RECENT),
      Map.entry(NextItemModel.NAME, Feature.NEXT_ITEM), Map.entry(NextItemSvdModel.NAME, Feature.NEXT_ITEM_SVD),
      Map.entry(LearnedRankerModel.LOG_POPULARITY, Feature.LOG_POPULARITY),
      Map.entry(LearnedRankerModel.LAST_DOMAIN, Feature.LAST_DOMAIN),
      Map.entry(LearnedRankerModel.COLD_ITEM, Feature.COLD_ITEM),
      Map.entry(LearnedRankerModel.COLD_ITEM_TEXT, Feature.COLD_ITEM_TEXT),
      Map.entry(LearnedRankerModel.HISTORY_LENGTH, Feature.HISTORY_LENGTH),
      Map.entry(LearnedRankerModel.GROUP_POPULARITY, Feature.GROUP_POPULARITY));

  private final Catalog catalog;
  private final float temperature;
  private final Feature[] features;
  private final int[] windows; // per feature, the latest items it reads (the ranker's recent items unless named @N)
  private final int textFeature; // the interests, whose scores of cold items COLD_ITEM_TEXT carries; −1: none
  private final double[] weights;
  /** The weights for histories of at most {@link #shortHistory} items; null: {@link #weights} serve all. */
  private final double[] shortWeights;
  private final int shortHistory;
  private final int recentItems;
  private final int candidates;
  private final int[] itemDomains; // per catalogue item, a domain index; null unless retrieval is per domain
  private final int[] domainOf; // per catalogue item, a domain index
  private final int rank;
  private final float[] itemFactors; // catalogue order; zeros for items the model never saw
  private final ImplicitAls.FoldIn foldIn;
  private final ItemGraph neighbours; // catalogue order
  private final ItemGraph nextItems; // catalogue order
  private final NextItemSvdModel.Scorer smoothedRules; // artefact order, then a zero row; or null
  private final int[] smoothedRow; // per catalogue item, its row of smoothedRules (the zero row when never seen)
  private final float[] logPopularity;
  private final GroupPopularity groups; // artefact order; null: none
  private final String version;
  private final LambdaMart trees; // null: the weighted sum ranks
  private final boolean blend; // the trees' and the weighted sum's scores, each standardised, added

  /**
   * A trained ranker read from the store, ready to be laid over any catalogue ({@link #over}): the artefact and
   * what every layout shares (YᵀY of the item factors), computed once.
   */
  public static final class Trained {
    private final RankerArtifact artifact;
    private final double[] gram;
    private final LambdaMart trees;
    private final String version;
    /**
     * The low-rank rules laid out for scoring once, in the artefact's item order plus a zero row for items it never
     * saw: a catalogue maps its items onto these rows rather than copying the factors into its own order (149 MB for
     * 36,298 items, at every item write). Null without them.
     */
    private final NextItemSvdModel.Scorer smoothedRules;
    private long storedVersion;
    /** The last catalogue adapted for this ranker, whose rows the next one reuses; null before the first. */
    private volatile AdapterArtifact.Adaptation lastAdaptation;

    private Trained(RankerArtifact artifact, double[] gram, LambdaMart trees, String version) {
      this.artifact = artifact;
      this.gram = gram;
      this.trees = trees;
      this.version = version;
      LowRank.Factors f = artifact.smoothedRules();
      this.smoothedRules = f == null ? null : NextItemSvdModel.Scorer.of(f, null, artifact.itemIds().length + 1);
    }

    /**
     * IllegalArgumentException when the artefact's trees are not a model LightGBM reads.
     *
     * @param version what to call the model in answers, e.g. "shiftrec-learned v3"
     */
    public static Trained of(RankerArtifact artifact, String version) {
      return new Trained(artifact, ImplicitAls.FoldIn.gramOf(artifact.itemFactors(), artifact.itemIds().length,
          artifact.rank()), artifact.trees().isEmpty() ? null : LambdaMart.fromText(artifact.trees()), version);
    }

    /**
     * The active ranker of the store's model registry ({@link Store#activeVersion}; the newest version where none was
     * activated), or null when none was trained or none can be read. A version that cannot be read (cut short,
     * corrupt, of another format) is passed over for the one before it, and {@code refused} is told which and why.
     */
    public static Trained active(Store store, Consumer<String> refused) {
      Optional<Store.Artifact> saved = store.artifact(RankerArtifact.NAME, store.servingVersion(RankerArtifact.NAME));
      while (saved.isPresent()) {
        Store.Artifact a = saved.get();
        try {
          return read(a);
        } catch (RuntimeException unreadable) { // any failure to read the bytes, whatever the codec throws
          refused.accept("saved model " + a.name() + " v" + a.version() + " is unreadable (" + unreadable + ")");
        }
        saved = store.artifactBefore(RankerArtifact.NAME, a.version());
      }
      return null;
    }

    /**
     * One stored version; IllegalArgumentException naming the problem when there is no such version or its bytes
     * are not a ranker this version can serve.
     */
    public static Trained load(Store store, long version) {
      Store.Artifact a = store.artifact(RankerArtifact.NAME, version).orElseThrow(() ->
          new IllegalArgumentException("no version " + version + " of " + RankerArtifact.NAME + " is stored"));
      try {
        return read(a);
      } catch (RuntimeException unreadable) {
        throw new IllegalArgumentException("version " + version + " of " + RankerArtifact.NAME + " cannot be served: "
            + unreadable.getMessage(), unreadable);
      }
    }

    private static Trained read(Store.Artifact a) {
      Trained t = of(RankerArtifact.fromBytes(a.data()), a.name() + " v" + a.version());
      t.storedVersion = a.version();
      return t;
    }

    /** The registry version it was read from; 0 when it was not read from a store. */
    public long storedVersion() {
      return storedVersion;
    }

    /**
     * The ranker over {@code catalog} (as stored), aligned by item id: scoring in its {@link Catalog#centred()} form,
     * or, for a ranker trained with a text adapter, in the adapter's space, centred as in training. {@link #catalog()}
     * is then the adapted catalogue, where the user's interests must be built. Laid over a catalogue that differs
     * from the last one by a few items, only those items are projected. IllegalArgumentException when the adapter
     * does not fit the space.
     */
    public LearnedRanking over(Catalog catalog, float temperature) {
      AdapterArtifact adapter = artifact.adapter();
      if (adapter == null) return new LearnedRanking(this, catalog.centred(), temperature);
      AdapterArtifact.Adaptation adapted = adapter.adapt(catalog.centredBy(adapter.centres()), lastAdaptation);
      lastAdaptation = adapted;
      return new LearnedRanking(this, adapted.catalog(), temperature);
    }

    public RankerArtifact artifact() {
      return artifact;
    }

    double[] gram() {
      return gram;
    }

    LambdaMart trees() {
      return trees;
    }

    public String version() {
      return version;
    }
  }

  private LearnedRanking(Trained trained, Catalog catalog, float temperature) {
    RankerArtifact artifact = trained.artifact();
    this.version = trained.version();
    this.trees = trained.trees();
    this.blend = trained.artifact().blend();
    this.catalog = catalog;
    this.temperature = temperature;
    recentItems = artifact.recentItems();
    features = new Feature[artifact.features().length];
    windows = new int[features.length];
    for (int f = 0; f < features.length; f++) {
      String name = artifact.features()[f];
      int at = name.lastIndexOf('@');
      features[f] = FEATURES.get(at < 0 ? name : name.substring(0, at));
      windows[f] = at < 0 ? recentItems : window(name, name.substring(at + 1));
      if (features[f] == null || at >= 0 && !features[f].readsRecentItems()) {
        throw new IllegalArgumentException("the saved ranker uses feature '" + name + "', which this version cannot"
            + " compute (known: " + String.join(", ", new TreeSet<>(FEATURES.keySet())) + ", and "
            + ItemKnnModel.RECENT + "@N, " + NextItemModel.NAME + "@N, " + NextItemSvdModel.NAME + "@N)");
      }
      if (features[f] == Feature.NEXT_ITEM_SVD && artifact.smoothedRules() == null) {
        throw new IllegalArgumentException("the saved ranker uses feature '" + name + "' without its low-rank rules");
      }
    }
    textFeature = Arrays.asList(features).indexOf(Feature.INTERESTS);
    if (textFeature < 0 && Arrays.asList(features).contains(Feature.COLD_ITEM_TEXT)) {
      throw new IllegalArgumentException("the saved ranker uses feature '" + LearnedRankerModel.COLD_ITEM_TEXT
          + "' without the interests it reads");
    }
    weights = artifact.weights().clone();
    shortWeights = artifact.shortWeights() == null ? null : artifact.shortWeights().clone();
    shortHistory = artifact.shortHistory();
    groups = artifact.groups();
    candidates = artifact.candidates();
    domainOf = domainIndices(catalog);
    itemDomains = artifact.perDomain() ? domainOf : null;
    rank = artifact.rank();
    int n = catalog.size();
    int[] row = new int[artifact.itemIds().length]; // artefact row → catalogue index, −1 when gone
    for (int r = 0; r < row.length; r++) row[r] = catalog.indexOf(artifact.itemIds()[r]);
    itemFactors = new float[n * rank];
    logPopularity = new float[n];
    for (int r = 0; r < row.length; r++) {
      int i = row[r];
      if (i < 0) continue;
      System.arraycopy(artifact.itemFactors(), r * rank, itemFactors, i * rank, rank);
      logPopularity[i] = (float) Math.log1p(artifact.popularity()[r]);
    }
    neighbours = artifact.neighbours().renumbered(row, n);
    nextItems = artifact.nextItems().renumbered(row, n);
    smoothedRules = trained.smoothedRules;
    smoothedRow = new int[n];
    Arrays.fill(smoothedRow, row.length);
    for (int r = 0; r < row.length; r++) if (row[r] >= 0) smoothedRow[row[r]] = r;
    foldIn = new ImplicitAls.FoldIn(itemFactors, n, rank, trained.gram(), artifact.regularization(),
        artifact.alpha());
  }

  private static int window(String feature, String text) {
    try {
      int w = Integer.parseInt(text);
      if (w >= 1) return w;
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException("the saved ranker's feature '" + feature + "' names no history length");
  }

  /** The catalogue it scores: the centred one it was laid over, or that one in the space of its text adapter. */
  public Catalog catalog() {
    return catalog;
  }

  /** The model's name and version, e.g. "shiftrec-learned v3". */
  public String version() {
    return version;
  }

  /**
   * The history item (with liked evidence) whose trained neighbour list gives {@code item} the highest similarity:
   * what the user took that people often take together with it. −1 when none does, or the ranker gives ItemKNN no
   * positive weight.
   */
  public int strongestNeighbour(int item, UserInterests user) {
    if (!positivelyWeighted(Feature.ITEMKNN, Feature.ITEMKNN_RECENT)) return -1;
    int best = -1;
    float bestSimilarity = 0f;
    for (int h : user.itemsByClock()) {
      UserInterests.Evidence evidence = user.evidence(h);
      if (evidence == null || evidence.weight() <= 0) continue;
      float similarity = neighbours.weight(h, item);
      if (similarity > bestSimilarity) {
        best = h;
        bestSimilarity = similarity;
      }
    }
    return best;
  }

  /**
   * Among the user's latest liked items (the recent-items window), the one whose next-item rule to {@code item}
   * contributes most to its score (rule weight × 1/r for the r-th latest): what the user just took that others
   * took {@code item} after. −1 when none has a rule to it, or the ranker gives the rules (or their low-rank form)
   * no positive weight.
   */
  public int strongestPredecessor(int item, UserInterests user) {
    if (!positivelyWeighted(Feature.NEXT_ITEM, Feature.NEXT_ITEM_SVD)) return -1;
    int[] history = user.itemsByClock();
    int best = -1;
    float bestContribution = 0f;
    for (int p = history.length - 1, r = 1; p >= 0 && r <= recentItems; p--, r++) {
      UserInterests.Evidence evidence = user.evidence(history[p]);
      if (evidence == null || evidence.weight() <= 0) continue;
      float contribution = nextItems.weight(history[p], item) / r;
      if (contribution > bestContribution) {
        best = history[p];
        bestContribution = contribution;
      }
    }
    return best;
  }

  private boolean positivelyWeighted(Feature... any) {
    for (int f = 0; f < features.length; f++) {
      for (Feature a : any) if (features[f] == a && weights[f] > 0) return true;
    }
    return false;
  }

  /** {@link #score(UserInterests, IntPredicate, float[])} with every unseen item eligible. */
  public void score(UserInterests user, float[] scoresOut) {
    score(user, i -> !user.hasSeen(i), scoresOut);
  }

  /**
   * Writes the fused score of every catalogue item for the user into {@code scoresOut} (length = catalogue size).
   * A ranker trained on retrieved candidates leaves −∞ on every item outside the union of its parts' top items among
   * the {@code eligible} ones (so a request for one domain retrieves within that domain).
   */
  public void score(UserInterests user, IntPredicate eligible, float[] scoresOut) {
    if (user.catalog() != catalog) throw new IllegalArgumentException("interests of another catalogue");
    int n = catalog.size();
    int[] history = user.itemsByClock();
    float[][] values = new float[features.length][n];
    // the parts that read item factors (the low-rank rules, iALS), about half the work, on an idle core if any
    IdleCore.both(() -> features(user, history, false, values), () -> features(user, history, true, values));
    int retrievers = 0; // the parts and popularity, first: they retrieve the candidates
    while (retrievers < features.length && features[retrievers].retrieves()) retrievers++;
    boolean[] keep = null;
    if (candidates > 0) {
      boolean[] excluded = new boolean[n];
      for (int i = 0; i < n; i++) excluded[i] = !eligible.test(i);
      keep = itemDomains == null ? LearnedRankerModel.candidates(values, retrievers, excluded, candidates)
          : LearnedRankerModel.candidatesPerDomain(values, retrievers, excluded, candidates, itemDomains);
    }
    Arrays.fill(scoresOut, 0f);
    LearnedRankerModel.rank(values, keep, shortWeights != null && history.length <= shortHistory ? shortWeights
        : weights, trees, blend, scoresOut);
  }

  /**
   * Writes into {@code values} the features that read item factors ({@code factorParts}) or every other one, each
   * standardised over the catalogue unless it describes the request; the two sets share no feature.
   */
  private void features(UserInterests user, int[] history, boolean factorParts, float[][] values) {
    if (factorParts) smoothedRules(history, values);
    int n = catalog.size();
    for (int f = 0; f < features.length; f++) {
      if (features[f].readsFactors() != factorParts) continue;
      float[] feature = values[f];
      switch (features[f]) {
        case INTERESTS -> interests(user, feature);
        case IALS -> collaborative(history, feature);
        case ITEMKNN -> neighbours(history, 0, feature);
        case ITEMKNN_RECENT -> neighbours(history, Math.max(0, history.length - windows[f]), feature);
        case NEXT_ITEM -> NextItemModel.scoreFrom(nextItems, history, 0, history.length, windows[f], feature);
        case NEXT_ITEM_SVD -> { } // every window at once, above
        case LOG_POPULARITY -> System.arraycopy(logPopularity, 0, feature, 0, n);
        case LAST_DOMAIN -> lastDomain(history, feature);
        case COLD_ITEM -> cold(null, feature);
        case COLD_ITEM_TEXT -> cold(values[textFeature], feature); // the interests, standardised above
        case HISTORY_LENGTH -> Arrays.fill(feature, LearnedRankerModel.historyLength(history.length));
        case GROUP_POPULARITY -> groupPopularity(user, feature);
      }
      if (!features[f].describesRequest()) LearnedRankerModel.standardise(feature);
    }
  }

  /** The low-rank rules' features, every history length in one pass over the factors. */
  private void smoothedRules(int[] history, float[][] values) {
    int count = 0;
    for (Feature f : features) if (f == Feature.NEXT_ITEM_SVD) count++;
    if (count == 0) return;
    int[] lastItems = new int[count];
    float[][] out = new float[count][];
    for (int f = 0, w = 0; f < features.length; f++) {
      if (features[f] != Feature.NEXT_ITEM_SVD) continue;
      lastItems[w] = windows[f];
      out[w++] = values[f];
    }
    NextItemSvdModel.scoreMapped(smoothedRules, smoothedRow, history, lastItems, out);
  }

  private static int[] domainIndices(Catalog catalog) {
    Map<String, Integer> index = new HashMap<>();
    int[] out = new int[catalog.size()];
    for (int i = 0; i < out.length; i++) out[i] = index.computeIfAbsent(catalog.item(i).domain(), d -> index.size());
    return out;
  }

  private void interests(UserInterests user, float[] out) {
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    for (Map.Entry<String, InterestProfile> e : user.profiles().entrySet()) {
      if (!e.getValue().isEmpty()) {
        ShiftRecModel.scoreSpace(e.getValue(), catalog.spaces().get(e.getKey()), temperature, out);
      }
    }
  }

  /** Log popularity among the user's group (0 for items the ranker never saw); all 0 without groups. */
  private void groupPopularity(UserInterests user, float[] out) {
    Arrays.fill(out, 0f);
    if (groups == null) return;
    float[] byRow = new float[groups.numItems()];
    groups.score(user.attributes(), GroupPopularity.DEFAULT_SMOOTHING, byRow);
    for (int i = 0; i < out.length; i++) if (smoothedRow[i] < byRow.length) out[i] = byRow[smoothedRow[i]];
  }

  private void collaborative(int[] history, float[] out) {
    float[] x = new float[rank];
    foldIn.solve(history, history.length, x);
    for (int i = 0, io = 0; i < out.length; i++, io += rank) out[i] = Vectors.dot(itemFactors, io, x, rank);
  }

  private void neighbours(int[] history, int from, float[] out) {
    Arrays.fill(out, 0f);
    for (int h = from; h < history.length; h++) neighbours.addEdges(history[h], 1f, out);
  }

  /**
   * For every item without training events (popularity 0: added since, or never taken), 1 when {@code text} is
   * null, else its (standardised) text score; 0 for the others.
   */
  private void cold(float[] text, float[] out) {
    for (int i = 0; i < out.length; i++) out[i] = logPopularity[i] != 0f ? 0f : text == null ? 1f : text[i];
  }

  private void lastDomain(int[] history, float[] out) {
    Arrays.fill(out, 0f);
    if (history.length == 0) return;
    int domain = domainOf[history[history.length - 1]];
    for (int i = 0; i < out.length; i++) if (domainOf[i] == domain) out[i] = 1f;
  }
}
