package io.shiftrec.transfer;

import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import io.shiftrec.learn.EpochListener;
import io.shiftrec.learn.Factors;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Interactions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Transfer of a user's taste from the domains where they have history into a domain where they have little or none
 * (EMCDR, Man et al., IJCAI 2017, with closed-form ridge mappings). A user's source representation in a domain is
 * their text taste there (the normalised, feedback-weighted mean of the vectors of the items they liked, in the
 * domain's home space), their collaborative taste there (the normalised iALS fold-in of their items there against
 * item factors learned from every training user), or both; their target representation in a domain is the set of
 * items they took there. For every ordered pair of domains (s, t), two maps are fit on the bridge users (training
 * users with items in both): {@link ItemRidge} from the source representation to the t items (its intercept is each
 * t item's share of bridge buyers, its weights what s-taste says about which t items a user takes), and a factor map
 * from the user's fold-in in s to their fold-in in t, which scores every t item by its factors. The two are mixed
 * after scaling each to a maximum of 1. A user's transferred scores in t are the mean of the predictions from their
 * other domains, weighted by their item counts there, scaled to a maximum of 1, and blended with the native scores
 * by {@link TransferBlend#transferShare}.
 *
 * <p>Hyper-parameters are chosen on validation users, a seeded sample of the bridge users left out of the maps and
 * of the item factors used while validating: per pair, by the share of them with one of their t items in the top
 * {@value #VALIDATION_K} of every t item from their s history alone (the cold-target task), the source
 * representation, λ of the item map, λ of the factor map and the factor map's share, one after the other; the blend
 * constant c by the hit rate of the second half of their t items when the first half is native history. The factors
 * and maps are then refit on every training and bridge user with the choices.
 */
public final class CrossDomainTransfer {
  static final double[] LAMBDAS = {1, 10, 100};
  /** The λ the source representations are compared at, before λ is chosen for the winner. */
  static final double MIDDLE_LAMBDA = 10;
  static final float[] BLEND_C = {0, 1, 2, 4, 8, 16, 64};
  /** λ of the factor map (source fold-in → target fold-in, k × k). */
  static final double[] FACTOR_MAP_LAMBDAS = {0.1, 1, 10};
  /** The factor map's share in the transferred scores, each part scaled to a maximum of 1. */
  static final float[] FACTOR_SHARES = {0, 0.25f, 0.5f, 0.75f, 1};
  /** Share of the bridge users left out to validate (at most {@link #MAX_VALIDATION_USERS}). */
  static final double VALIDATION_SHARE = 0.2;
  /** Enough to separate the choices (±0.015 on a hit rate near 0.2), few enough to keep the fit in seconds. */
  static final int MAX_VALIDATION_USERS = 800;
  /** Of those, the users the native scorer runs for (zero-shot and blend): it scores the whole catalogue. */
  static final int NATIVE_VALIDATION_USERS = 100;
  static final int VALIDATION_K = 10;
  /** Pairs with fewer bridge users than this get no map. */
  static final int MIN_BRIDGE_USERS = 50;
  /**
   * Collaborative item factors behind the {@code factors} source representation: iALS over every training user,
   * binary interactions. Rank, regularisation and confidence were compared on Food–Kitchen validation bridge users
   * (docs/BENCHMARKS.md, cross-domain transfer): rank 32 / 64 / 128 and α 1 / 5 were within noise; 64 and 5 led.
   */
  static final ImplicitAls.Config FACTORS = new ImplicitAls.Config(64, 5f, 5f, 10, 3);
  private static final long SALT_VALIDATION = 0x7472616e73666572L;

  /** What a user's taste in the source domain is represented by, the input of the map. */
  enum Source {
    /** The normalised mean of their items' text vectors (per-domain centred). */
    TEXT("text"),
    /** Their iALS fold-in vector over their items there, normalised: who else bought those items. */
    FACTORS("factors"),
    /** Both, concatenated (each of unit norm). */
    TEXT_AND_FACTORS("text+factors");

    final String label;

    Source(String label) {
      this.label = label;
    }

    int dimension(int textDim, int k) {
      return (this == FACTORS ? 0 : textDim) + (this == TEXT ? 0 : k);
    }

    /** The rows of this representation from the text and factor rows of the same {@code n} users. */
    float[] rows(float[] text, float[] cf, int n, int textDim, int k) {
      if (this == TEXT) return text;
      if (this == FACTORS) return cf;
      int in = textDim + k;
      float[] x = new float[n * in];
      for (int r = 0; r < n; r++) {
        System.arraycopy(text, r * textDim, x, r * in, textDim);
        System.arraycopy(cf, r * k, x, r * in + textDim, k);
      }
      return x;
    }
  }

  /** iALS item factors over the training data without some users, and their Gram matrix for fold-ins. */
  private record ItemFactors(float[] items, ImplicitAls.FoldIn foldIn) {
    static ItemFactors fit(TrainingData train, boolean[] leftOut, long seed) {
      int nu = train.numUsers();
      int[] off = train.offsets(), history = train.historyItems();
      int[] offsets = new int[nu + 1];
      int n = 0;
      for (int u = 0; u < nu; u++) {
        if (!leftOut[u]) n += off[u + 1] - off[u];
        offsets[u + 1] = n;
      }
      int[] items = new int[n];
      n = 0;
      for (int u = 0; u < nu; u++) {
        if (leftOut[u]) continue;
        for (int p = off[u]; p < off[u + 1]; p++) items[n++] = history[p];
      }
      Factors f = ImplicitAls.fit(Interactions.binary(nu, train.numItems(), offsets, items), FACTORS, seed, 1,
          EpochListener.NONE);
      return new ItemFactors(f.items(), new ImplicitAls.FoldIn(f.items(), train.numItems(), FACTORS.factors(),
          FACTORS.regularization(), FACTORS.alpha()));
    }

    /** The fold-in vector of the user's items of domain d in [from, to), normalised or not; zero if none. */
    void taste(CrossDomainTransfer transfer, int[] history, int from, int to, int d, boolean normalise, float[] out) {
      int[] own = new int[to - from];
      int n = 0;
      for (int p = from; p < to; p++) if (transfer.dom(history[p]) == d) own[n++] = history[p];
      foldIn.solve(own, n, out);
      if (normalise) Vectors.normalizeInPlace(out);
    }

    /** The factors of the given items, one row each (m × k), for a contiguous scoring pass. */
    float[] rowsOf(int[] itemIndices) {
      int k = FACTORS.factors();
      float[] rows = new float[itemIndices.length * k];
      for (int j = 0; j < itemIndices.length; j++) System.arraycopy(items, itemIndices[j] * k, rows, j * k, k);
      return rows;
    }
  }

  /**
   * One direction s → t: the item ridge from the source representation to the t items, and the factor map (EMCDR
   * on iALS factors: a ridge from the user's raw fold-in in s to their fold-in in t, whose prediction scores every t
   * item by its factors, so it reaches items no bridge user took), mixed with share {@code factorShare} after
   * scaling each to a maximum of 1.
   */
  private record PairMap(Source source, ItemRidge items, ItemRidge factorMap, float[] targetFactors,
                         float factorShare) {
    PairMap withShare(float share) {
      return new PairMap(source, items, factorMap, targetFactors, share);
    }

    /** The transferred scores of the t items from the source representation x and the raw s fold-in. */
    void predict(float[] x, float[] rawTaste, float[] out) {
      int m = out.length;
      if (factorShare < 1) {
        items.predict(x, out);
        scaleToUnitMax(out);
      } else {
        Arrays.fill(out, 0f);
      }
      if (factorShare <= 0) return;
      int k = rawTaste.length;
      float[] z = new float[k], viaFactors = new float[m];
      factorMap.predict(rawTaste, z);
      for (int j = 0; j < m; j++) viaFactors[j] = Vectors.dot(targetFactors, j * k, z, k);
      scaleToUnitMax(viaFactors);
      for (int j = 0; j < m; j++) out[j] = (1 - factorShare) * out[j] + factorShare * viaFactors[j];
    }
  }

  /** Scores the catalogue for a history given as arrays (clock order), as the model would for a user. */
  public interface HistoryScorer {
    void score(int[] items, float[] weights, long[] clocks, int length, float[] scoresOut);
  }

  private final TrainingData train;
  private final Catalog catalog;
  private final int[] itemDomain;
  private final Catalog.Space[] home;
  private final int[][] columnItems; // per domain: its items in its home space, one target column each
  private final int[] columnOf; // per item: its column in its domain, or -1
  private final PairMap[][] maps; // [s][t]
  private ItemFactors factors; // over every training user
  private float blendC = 1f;
  private final Map<String, Object> chosen = new LinkedHashMap<>();

  private CrossDomainTransfer(TrainingData train, Catalog catalog) {
    this.train = train;
    this.catalog = catalog;
    this.itemDomain = train.itemDomains();
    int nd = train.domainNames().length;
    this.home = homeSpaces(catalog, itemDomain, nd);
    this.columnItems = new int[nd][];
    this.columnOf = new int[catalog.size()];
    Arrays.fill(columnOf, -1);
    for (int d = 0; d < nd; d++) {
      if (home[d] == null) continue;
      int[] cols = new int[home[d].size()];
      int n = 0;
      for (int item : home[d].itemIndex) {
        if (itemDomain[item] != d) continue;
        columnOf[item] = n;
        cols[n++] = item;
      }
      columnItems[d] = Arrays.copyOf(cols, n);
    }
    this.maps = new PairMap[nd][nd];
  }

  /** The choices per pair (source representation, λ, factor map, its share) and c, with their hit rates. */
  public Map<String, Object> chosen() {
    return chosen;
  }

  /**
   * Fits the item factors and the maps, choosing every hyper-parameter on validation users.
   *
   * @param catalog the view of the spaces the model scores in (its vectors are the source representations)
   * @param nativeScorer the model's own scoring of a history, blended with the transferred scores
   */
  public static CrossDomainTransfer fit(TrainingData train, Catalog catalog, HistoryScorer nativeScorer, long seed) {
    CrossDomainTransfer transfer = new CrossDomainTransfer(train, catalog);
    transfer.fitMaps(nativeScorer, seed);
    return transfer;
  }

  private static Catalog.Space[] homeSpaces(Catalog catalog, int[] dom, int nd) {
    Catalog.Space[] spaces = catalog.spaces().values().toArray(new Catalog.Space[0]);
    int[][] count = new int[nd][spaces.length];
    for (int s = 0; s < spaces.length; s++) for (int item : spaces[s].itemIndex) count[dom[item]][s]++;
    Catalog.Space[] home = new Catalog.Space[nd];
    for (int d = 0; d < nd; d++) {
      int best = -1;
      for (int s = 0; s < spaces.length; s++) if (count[d][s] > 0 && (best < 0 || count[d][s] > count[d][best])) best = s;
      home[d] = best < 0 ? null : spaces[best];
    }
    return home;
  }

  private void fitMaps(HistoryScorer nativeScorer, long seed) {
    int nd = home.length, nu = train.numUsers();
    int[] off = train.offsets(), items = train.historyItems();
    int[] bridge = new int[nu];
    int nb = 0;
    for (int u = 0; u < nu; u++) {
      int distinct = 0;
      for (int c : domainCounts(u)) if (c > 0) distinct++;
      if (distinct >= 2) bridge[nb++] = u;
    }
    chosen.put("bridge_users", nb);
    int nv = (int) Math.min(MAX_VALIDATION_USERS, Math.round(VALIDATION_SHARE * nb));
    if (nb - nv < MIN_BRIDGE_USERS) return; // no pair can have enough fit users
    // validation users: a seeded sample of the bridge users, left out of the maps and of the validation factors
    long[] keys = new long[nb];
    for (int b = 0; b < nb; b++) {
      keys[b] = new SplittableRandom(seed ^ SALT_VALIDATION ^ train.userId(bridge[b]).hashCode()).nextLong();
    }
    Integer[] byKey = new Integer[nb]; // once per fit, not a hot path
    for (int b = 0; b < nb; b++) byKey[b] = b;
    Arrays.sort(byKey, (a, c) -> Long.compare(keys[a], keys[c]));
    boolean[] validation = new boolean[nb];
    boolean[] heldOut = new boolean[nu];
    for (int q = 0; q < nv; q++) {
      validation[byKey[q]] = true;
      heldOut[bridge[byKey[q]]] = true;
    }
    ItemFactors validationFactors = ItemFactors.fit(train, heldOut, seed);
    factors = ItemFactors.fit(train, new boolean[nu], seed);
    chosen.put("item_factors", FACTORS.toMap());
    float[][] text = new float[nd][];
    float[][] validationCf = new float[nd][], finalCf = new float[nd][]; // normalised fold-ins
    float[][] validationRaw = new float[nd][], finalRaw = new float[nd][];
    int[][] targetOffsets = new int[nd][];
    int[][] targetColumns = new int[nd][];
    int k = FACTORS.factors();
    for (int d = 0; d < nd; d++) {
      if (home[d] == null) continue;
      int dim = home[d].dimension;
      text[d] = new float[nb * dim];
      validationCf[d] = new float[nb * k];
      finalCf[d] = new float[nb * k];
      validationRaw[d] = new float[nb * k];
      finalRaw[d] = new float[nb * k];
      float[] v = new float[dim], f = new float[k];
      targetOffsets[d] = new int[nb + 1];
      int[] cols = new int[16];
      int e = 0;
      for (int b = 0; b < nb; b++) {
        int u = bridge[b];
        if (representation(items, train.historyWeights(), off[u], off[u + 1], d, v)) {
          System.arraycopy(v, 0, text[d], b * dim, dim);
        }
        validationFactors.taste(this, items, off[u], off[u + 1], d, false, f);
        System.arraycopy(f, 0, validationRaw[d], b * k, k);
        normaliseInto(f, validationCf[d], b * k);
        factors.taste(this, items, off[u], off[u + 1], d, false, f);
        System.arraycopy(f, 0, finalRaw[d], b * k, k);
        normaliseInto(f, finalCf[d], b * k);
        for (int p = off[u]; p < off[u + 1]; p++) {
          if (dom(items[p]) != d) continue;
          if (e == cols.length) cols = Arrays.copyOf(cols, e * 2);
          cols[e++] = columnOf[items[p]];
        }
        targetOffsets[d][b + 1] = e;
      }
      targetColumns[d] = Arrays.copyOf(cols, e);
    }
    long[] cHits = new long[BLEND_C.length];
    long cTargets = 0;
    for (int s = 0; s < nd; s++) {
      for (int t = 0; t < nd; t++) {
        if (s == t || text[s] == null || text[t] == null) continue;
        int[] fitRows = new int[nb], validRows = new int[nv];
        int nf = 0, npv = 0;
        for (int q = 0; q < nb; q++) {
          int b = byKey[q];
          boolean both = targetOffsets[s][b + 1] > targetOffsets[s][b] && targetOffsets[t][b + 1] > targetOffsets[t][b];
          if (!both) continue;
          if (validation[b]) validRows[npv++] = b;
          else fitRows[nf++] = b;
        }
        if (nf < MIN_BRIDGE_USERS || npv == 0) continue;
        fitRows = Arrays.copyOf(fitRows, nf);
        validRows = Arrays.copyOf(validRows, npv);
        int m = columnItems[t].length;
        float[] ones = new float[targetColumns[t].length];
        Arrays.fill(ones, 1f);
        Map<String, Object> rates = new LinkedHashMap<>();
        // the source representation at the middle λ, then λ for the chosen one, then the factor map and its share
        float[] validationTargets = validationFactors.rowsOf(columnItems[t]);
        PairMap best = null;
        double bestRate = -1;
        ItemRidge.Problem bestProblem = null;
        float[] bestX = null;
        for (Source source : Source.values()) {
          float[] x = source.rows(text[s], validationCf[s], nb, home[s].dimension, k);
          int in = source.dimension(home[s].dimension, k);
          ItemRidge.Problem problem = ItemRidge.problem(x, in, fitRows, targetOffsets[t], targetColumns[t], ones, m);
          PairMap candidate = new PairMap(source, problem.solve(MIDDLE_LAMBDA), null, validationTargets, 0f);
          double rate = validationHitRate(candidate, x, validationRaw[s], validRows, targetOffsets[t],
              targetColumns[t]);
          rates.put("source=" + source.label, rate);
          if (rate > bestRate) {
            bestRate = rate;
            best = candidate;
            bestProblem = problem;
            bestX = x;
          }
        }
        double bestLambda = MIDDLE_LAMBDA;
        for (double lambda : LAMBDAS) {
          if (lambda == MIDDLE_LAMBDA) {
            rates.put("lambda=" + lambda, bestRate);
            continue;
          }
          PairMap candidate = new PairMap(best.source(), bestProblem.solve(lambda), null, validationTargets, 0f);
          double rate = validationHitRate(candidate, bestX, validationRaw[s], validRows, targetOffsets[t],
              targetColumns[t]);
          rates.put("lambda=" + lambda, rate);
          if (rate > bestRate) {
            bestRate = rate;
            bestLambda = lambda;
            best = candidate;
          }
        }
        ItemRidge.Problem factorProblem = factorProblem(validationRaw[s], validationRaw[t], fitRows);
        double bestFactorLambda = FACTOR_MAP_LAMBDAS[0], bestFactorRate = -1;
        for (double lambda : FACTOR_MAP_LAMBDAS) {
          PairMap candidate = new PairMap(best.source(), best.items(), factorProblem.solve(lambda),
              validationTargets, 1f);
          double rate = validationHitRate(candidate, bestX, validationRaw[s], validRows, targetOffsets[t],
              targetColumns[t]);
          rates.put("factor_map_lambda=" + lambda, rate);
          if (rate > bestFactorRate) {
            bestFactorRate = rate;
            bestFactorLambda = lambda;
          }
        }
        best = new PairMap(best.source(), best.items(), factorProblem.solve(bestFactorLambda), validationTargets, 0f);
        float bestShare = 0f;
        for (float share : FACTOR_SHARES) {
          double rate = share == 0f ? bestRate : share == 1f ? bestFactorRate : validationHitRate(
              best.withShare(share), bestX, validationRaw[s], validRows, targetOffsets[t], targetColumns[t]);
          rates.put("factor_share=" + share, rate);
          if (rate > bestRate) {
            bestRate = rate;
            bestShare = share;
          }
        }
        best = best.withShare(bestShare);
        Source bestSource = best.source();
        int in = bestSource.dimension(home[s].dimension, k);
        long[] zero = validateNativeAndBlend(nativeScorer, best, bestX, in, validationRaw[s], t, bridge, validRows,
            Math.min(npv, NATIVE_VALIDATION_USERS), cHits);
        cTargets += zero[2];
        int[] allRows = Arrays.copyOf(fitRows, nf + npv);
        System.arraycopy(validRows, 0, allRows, nf, npv);
        float[] finalX = bestSource.rows(text[s], finalCf[s], nb, home[s].dimension, k);
        ItemRidge itemMap = ItemRidge.problem(finalX, in, allRows, targetOffsets[t], targetColumns[t], ones, m)
            .solve(bestLambda);
        ItemRidge factorMap = factorProblem(finalRaw[s], finalRaw[t], allRows).solve(bestFactorLambda);
        maps[s][t] = new PairMap(bestSource, itemMap, factorMap, factors.rowsOf(columnItems[t]), bestShare);
        rates.put("chosen_source", bestSource.label);
        rates.put("chosen_lambda", bestLambda);
        rates.put("chosen_factor_map_lambda", bestFactorLambda);
        rates.put("chosen_factor_share", (double) bestShare);
        rates.put("zero_shot", (double) zero[0] / Math.max(1, zero[1]));
        rates.put("validation_users", npv);
        rates.put("fit_users", nf + npv);
        chosen.put(train.domainNames()[s] + "->" + train.domainNames()[t], rates);
      }
    }
    int bestC = 0;
    for (int ci = 1; ci < BLEND_C.length; ci++) if (cHits[ci] > cHits[bestC]) bestC = ci;
    Map<String, Object> blend = new LinkedHashMap<>();
    for (int ci = 0; ci < BLEND_C.length; ci++) blend.put("c=" + BLEND_C[ci], (double) cHits[ci] / Math.max(1, cTargets));
    blend.put("chosen_c", BLEND_C[bestC]);
    chosen.put("blend", blend);
    blendC = BLEND_C[bestC];
  }

  /**
   * The share of validation users with at least one of their t items in the top {@value #VALIDATION_K} of every t
   * item, ranked from their s representation alone: the task of a held-out user of {@code cold-target}.
   */
  private static double validationHitRate(PairMap map, float[] x, float[] raw, int[] validRows, int[] targetOffsets,
                                          int[] targetColumns) {
    int in = map.items().inputDimension(), k = FACTORS.factors(), m = map.items().columns();
    float[] row = new float[in], taste = new float[k], predicted = new float[m];
    boolean[] isTarget = new boolean[m];
    int hits = 0;
    for (int b : validRows) {
      System.arraycopy(x, b * in, row, 0, in);
      System.arraycopy(raw, b * k, taste, 0, k);
      map.predict(row, taste, predicted);
      float best = Float.NEGATIVE_INFINITY;
      for (int p = targetOffsets[b]; p < targetOffsets[b + 1]; p++) {
        isTarget[targetColumns[p]] = true;
        best = Math.max(best, predicted[targetColumns[p]]);
      }
      int above = 0;
      for (int j = 0; j < m && above < VALIDATION_K; j++) if (!isTarget[j] && predicted[j] >= best) above++;
      if (above < VALIDATION_K) hits++;
      for (int p = targetOffsets[b]; p < targetOffsets[b + 1]; p++) isTarget[targetColumns[p]] = false;
    }
    return (double) hits / validRows.length;
  }

  /** The normal equations of the factor map: raw s fold-in → raw t fold-in over the given bridge rows. */
  private static ItemRidge.Problem factorProblem(float[] source, float[] target, int[] rows) {
    int k = FACTORS.factors(), n = source.length / k;
    int[] offsets = new int[n + 1], columns = new int[n * k];
    for (int r = 0; r < n; r++) {
      for (int f = 0; f < k; f++) columns[r * k + f] = f;
      offsets[r + 1] = (r + 1) * k;
    }
    return ItemRidge.problem(source, k, rows, offsets, columns, target, k);
  }

  private static void normaliseInto(float[] v, float[] rows, int offset) {
    double norm = 0;
    for (float x : v) norm += x * x;
    float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
    for (int i = 0; i < v.length; i++) rows[offset + i] = v[i] * inv;
  }

  /**
   * On the validation users of pair (s, t): the zero-shot hit rate (the native scorer on their s history alone) and,
   * for users with two or more t items, the hits of every blend constant when the first half of them is native
   * history. Returns {zero-shot hits, zero-shot targets, blend targets}; adds blend hits into {@code cHits}.
   */
  private long[] validateNativeAndBlend(HistoryScorer nativeScorer, PairMap map, float[] sourceRep, int in,
                                        float[] rawTaste, int t, int[] bridge, int[] validRows, int nv, long[] cHits) {
    int[] off = train.offsets(), items = train.historyItems();
    int m = columnItems[t].length;
    float[] nativeScores = new float[catalog.size()];
    float[] transferred = new float[m], nat = new float[m], blended = new float[m];
    boolean[] excluded = new boolean[m];
    float[] x = new float[in], taste = new float[FACTORS.factors()];
    long zeroHits = 0, zeroTargets = 0, blendTargets = 0;
    for (int q = 0; q < nv; q++) {
      int u = bridge[validRows[q]], len = off[u + 1] - off[u];
      int[] hItems = new int[len];
      float[] hWeights = new float[len];
      long[] hClocks = new long[len];
      System.arraycopy(sourceRep, validRows[q] * in, x, 0, in);
      System.arraycopy(rawTaste, validRows[q] * taste.length, taste, 0, taste.length);
      map.predict(x, taste, transferred);
      int targetCount = 0;
      for (int p = off[u]; p < off[u + 1]; p++) if (dom(items[p]) == t) targetCount++;
      for (int stage = 0; stage < 2; stage++) {
        int keepTarget = stage == 0 ? 0 : targetCount / 2; // stage 1: the first half of t is native history
        if (stage == 1 && keepTarget == 0) break;
        int n = 0, kept = 0;
        for (int p = off[u]; p < off[u + 1]; p++) {
          boolean target = dom(items[p]) == t;
          if (target && kept++ >= keepTarget) continue;
          hItems[n] = items[p];
          hWeights[n] = train.historyWeights()[p];
          hClocks[n] = train.historyClocks()[p];
          if (target) excluded[columnOf[items[p]]] = true;
          n++;
        }
        nativeScorer.score(hItems, hWeights, hClocks, n, nativeScores);
        for (int j = 0; j < m; j++) nat[j] = finite(nativeScores[columnItems[t][j]]);
        int seen = 0;
        for (int p = off[u]; p < off[u + 1]; p++) {
          if (dom(items[p]) != t || seen++ < keepTarget) continue;
          int col = columnOf[items[p]];
          if (stage == 0) {
            zeroTargets++;
            if (isHit(nat, col, null)) zeroHits++;
            continue;
          }
          blendTargets++;
          for (int ci = 0; ci < BLEND_C.length; ci++) {
            float alpha = TransferBlend.transferShare(BLEND_C[ci], keepTarget);
            for (int j = 0; j < m; j++) blended[j] = alpha * transferred[j] + (1 - alpha) * nat[j];
            if (isHit(blended, col, excluded)) cHits[ci]++;
          }
        }
        Arrays.fill(excluded, false);
      }
    }
    return new long[] {zeroHits, zeroTargets, blendTargets};
  }

  private static float finite(float score) {
    return score == Float.NEGATIVE_INFINITY ? 0f : score;
  }

  /** Divides by the largest value so transferred scores share the native scores' range (at most 1). */
  private static void scaleToUnitMax(float[] scores) {
    float max = 0f;
    for (float v : scores) max = Math.max(max, v);
    if (max <= 0f) return;
    float inv = 1f / max;
    for (int j = 0; j < scores.length; j++) scores[j] *= inv;
  }

  /** Whether the target column ranks in the top {@value #VALIDATION_K} of the rest (ties count against it). */
  private static boolean isHit(float[] scores, int target, boolean[] excluded) {
    float s = scores[target];
    int above = 0;
    for (int j = 0; j < scores.length; j++) {
      if (j == target || excluded != null && excluded[j]) continue;
      if (scores[j] >= s && ++above >= VALIDATION_K) return false;
    }
    return true;
  }

  /** The item's domain when its vector lies in that domain's home space, else -1. */
  private int dom(int item) {
    int d = itemDomain[item];
    return home[d] != null && catalog.spaceOf(item) == home[d] ? d : -1;
  }

  /** Normalised feedback-weighted mean of the liked (else all) items of domain d in [from, to); false if none. */
  private boolean representation(int[] items, float[] weights, int from, int to, int d, float[] out) {
    Arrays.fill(out, 0f);
    boolean any = false;
    for (int pass = 0; pass < 2 && !any; pass++) {
      for (int p = from; p < to; p++) {
        if (dom(items[p]) != d) continue;
        float w = pass == 0 ? weights[p] : 1f;
        if (w <= 0f) continue;
        Vectors.addScaled(out, catalog.vector(items[p]), w);
        any = true;
      }
    }
    Vectors.normalizeInPlace(out);
    return any;
  }

  /** The representation {@code source} of the user's history [from, to) in domain s, as the maps read it. */
  private float[] sourceRepresentation(Source source, int from, int to, int s) {
    int textDim = home[s].dimension, k = FACTORS.factors();
    float[] text = new float[textDim], cf = new float[k];
    if (source != Source.FACTORS) representation(train.historyItems(), train.historyWeights(), from, to, s, text);
    if (source != Source.TEXT) factors.taste(this, train.historyItems(), from, to, s, true, cf);
    return source.rows(text, cf, 1, textDim, k);
  }

  /** The user's item count per domain (home spaces only). */
  private int[] domainCounts(int user) {
    int[] count = new int[home.length];
    int[] items = train.historyItems();
    for (int p = train.offsets()[user]; p < train.offsets()[user + 1]; p++) {
      int d = dom(items[p]);
      if (d >= 0) count[d]++;
    }
    return count;
  }

  /**
   * Per domain, its home space when {@link #apply} sets the user's scores of its items there from transfer alone
   * (α = 1: no native history), else null.
   */
  public Catalog.Space[] transferOnlyDomains(int user) {
    int nd = home.length;
    int[] count = domainCounts(user);
    Catalog.Space[] only = new Catalog.Space[nd];
    for (int t = 0; t < nd; t++) {
      if (home[t] == null || count[t] > 0) continue;
      for (int s = 0; s < nd; s++) if (s != t && maps[s][t] != null && count[s] > 0) only[t] = home[t];
    }
    return only;
  }

  /**
   * Blends the transferred scores into {@code scoresOut} (the native scores) for every domain where the user has
   * history in another domain with a map to it.
   */
  public void apply(int user, float[] scoresOut) {
    int nd = home.length;
    int from = train.offsets()[user], to = train.offsets()[user + 1];
    int[] count = domainCounts(user);
    for (int t = 0; t < nd; t++) {
      if (home[t] == null) continue;
      int m = columnItems[t].length;
      float[] transferred = null, predicted = null;
      for (int s = 0; s < nd; s++) {
        if (s == t || maps[s][t] == null || count[s] == 0) continue;
        float[] x = sourceRepresentation(maps[s][t].source(), from, to, s);
        float[] taste = new float[FACTORS.factors()];
        factors.taste(this, train.historyItems(), from, to, s, false, taste);
        if (transferred == null) {
          transferred = new float[m];
          predicted = new float[m];
        }
        maps[s][t].predict(x, taste, predicted);
        for (int j = 0; j < m; j++) transferred[j] += count[s] * predicted[j];
      }
      if (transferred == null) continue;
      scaleToUnitMax(transferred);
      float alpha = TransferBlend.transferShare(blendC, count[t]);
      float keep = 1f - alpha;
      for (int j = 0; j < m; j++) {
        int item = columnItems[t][j];
        scoresOut[item] = alpha * transferred[j] + keep * finite(scoresOut[item]);
      }
    }
  }
}
