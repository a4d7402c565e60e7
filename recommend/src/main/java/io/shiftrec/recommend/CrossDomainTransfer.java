package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import io.shiftrec.transfer.RidgeMap;
import io.shiftrec.transfer.TransferBlend;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Transfer of a user's taste from the domains where they have history into a domain where they have little or none
 * (EMCDR-style, Man et al., IJCAI 2017). A user's representation in a domain is the normalised, feedback-weighted
 * mean of the vectors of the items they liked there, in the domain's home space (the embedding space holding most
 * of its items). For every ordered pair of domains (s, t), a ridge map φ<sub>s→t</sub> ({@link RidgeMap}) is fit on
 * the bridge users (training users with items in both) from their s-representation to their t-representation. A
 * user's transferred vector in t is the mean of φ<sub>s→t</sub> over their other domains, weighted by their item
 * counts there; a t item scores by the interest kernel of its cosine with that vector times a popularity prior
 * ({@code ((1 + pop) / (1 + max pop))^β} within t), blended with the native score by
 * {@link TransferBlend#transferShare}.
 *
 * <p>Hyper-parameters are chosen on validation users, a seeded sample of the bridge users left out of the fit: λ and
 * β per pair by the hit rate at {@value #VALIDATION_K} of their t items ranked over every t item from their s
 * history alone; the blend constant c by the same hit rate when the first half of their t items is native history and the
 * second half the targets. The maps are then refit on every bridge user with the chosen λ.
 */
final class CrossDomainTransfer {
  static final double[] LAMBDAS = {1, 10, 100, 1000, 10000};
  static final float[] BLEND_C = {0, 1, 2, 4, 8, 16, 64};
  /** Exponents of the popularity prior; 0 = taste alone. */
  static final float[] PRIOR_BETAS = {0f, 0.25f, 0.5f, 1f, 2f};
  /** Validation users per domain pair: enough to separate the grid, few enough to keep the fit in seconds. */
  static final int VALIDATION_USERS = 100;
  static final int VALIDATION_K = 10;
  /** Pairs with fewer bridge users than this get no map: a 384 × 384 map needs many more pairs than that. */
  static final int MIN_BRIDGE_USERS = 50;
  private static final long SALT_VALIDATION = 0x7472616e73666572L;

  /** Scores the catalogue for a history given as arrays (clock order), as the model would for a user. */
  interface HistoryScorer {
    void score(int[] items, float[] weights, long[] clocks, int length, float[] scoresOut);
  }

  private final TrainingData train;
  private final Catalog catalog;
  private final int[] itemDomain;
  private final Catalog.Space[] home;
  private final int[][] homeRows;
  private final int[] rowOf;
  private final RidgeMap[][] maps;
  private final float[][] logPopularity; // per domain, per row of its home space: log((1 + pop) / (1 + max pop))
  private final float[] priorBeta; // per target domain
  private final float inverseTemperature;
  private final float blendC;
  private final Map<String, Object> chosen;

  private CrossDomainTransfer(TrainingData train, Catalog catalog, Catalog.Space[] home, int[][] homeRows,
                              int[] rowOf, RidgeMap[][] maps, float[][] logPopularity, float[] priorBeta,
                              float temperature, float blendC, Map<String, Object> chosen) {
    this.train = train;
    this.catalog = catalog;
    this.itemDomain = train.itemDomains();
    this.home = home;
    this.homeRows = homeRows;
    this.rowOf = rowOf;
    this.maps = maps;
    this.logPopularity = logPopularity;
    this.priorBeta = priorBeta;
    this.inverseTemperature = 1f / temperature;
    this.blendC = blendC;
    this.chosen = chosen;
  }

  /** The chosen λ per pair and c, with the validation hit rates behind them. */
  Map<String, Object> chosen() {
    return chosen;
  }

  /**
   * Fits the maps and chooses λ and c on validation users.
   *
   * @param catalog the view of the spaces the model scores in (its vectors are the representations)
   * @param nativeScorer the model's own scoring of a history, blended with the transferred score
   */
  static CrossDomainTransfer fit(TrainingData train, Catalog catalog, HistoryScorer nativeScorer, float temperature,
                                 long seed) {
    int nd = train.domainNames().length;
    int[] dom = train.itemDomains();
    Catalog.Space[] home = homeSpaces(catalog, dom, nd);
    int[] rowOf = new int[catalog.size()];
    int[][] homeRows = new int[nd][];
    for (int d = 0; d < nd; d++) {
      if (home[d] == null) continue;
      int[] rows = new int[home[d].size()];
      int n = 0;
      for (int r = 0; r < home[d].size(); r++) {
        int item = home[d].itemIndex[r];
        rowOf[item] = r;
        if (dom[item] == d) rows[n++] = r;
      }
      homeRows[d] = Arrays.copyOf(rows, n);
    }
    int[] pop = train.popularity();
    float[][] logPopularity = new float[nd][];
    for (int d = 0; d < nd; d++) {
      if (home[d] == null) continue;
      int max = 0;
      for (int r : homeRows[d]) max = Math.max(max, pop[home[d].itemIndex[r]]);
      logPopularity[d] = new float[home[d].size()];
      for (int r : homeRows[d]) logPopularity[d][r] = (float) Math.log((1.0 + pop[home[d].itemIndex[r]]) / (1.0 + max));
    }
    CrossDomainTransfer shell = new CrossDomainTransfer(train, catalog, home, homeRows, rowOf,
        new RidgeMap[nd][nd], logPopularity, new float[nd], temperature, 1f, Map.of());
    return shell.fitMaps(nativeScorer, seed);
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

  private CrossDomainTransfer fitMaps(HistoryScorer nativeScorer, long seed) {
    int nd = home.length, nu = train.numUsers();
    int[] off = train.offsets(), items = train.historyItems();
    float[] w = train.historyWeights();
    // bridge users: items in at least two domains' home spaces
    int[] bridge = new int[nu];
    int nb = 0;
    boolean[] seen = new boolean[nd];
    for (int u = 0; u < nu; u++) {
      int distinct = 0;
      for (int p = off[u]; p < off[u + 1]; p++) {
        int d = dom(items[p]);
        if (d >= 0 && !seen[d]) {
          seen[d] = true;
          distinct++;
        }
      }
      Arrays.fill(seen, false);
      if (distinct >= 2) bridge[nb++] = u;
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("bridge_users", nb);
    float[][] rep = new float[nd][];
    boolean[][] has = new boolean[nd][nb];
    for (int d = 0; d < nd; d++) {
      if (home[d] == null) continue;
      int dim = home[d].dimension;
      rep[d] = new float[nb * dim];
      float[] v = new float[dim];
      for (int b = 0; b < nb; b++) {
        int u = bridge[b];
        if (!representation(items, w, off[u], off[u + 1], d, v)) continue;
        has[d][b] = true;
        System.arraycopy(v, 0, rep[d], b * dim, dim);
      }
    }
    long[] keys = new long[nb];
    for (int b = 0; b < nb; b++) {
      keys[b] = new SplittableRandom(seed ^ SALT_VALIDATION ^ train.userId(bridge[b]).hashCode()).nextLong();
    }
    Integer[] byKey = new Integer[nb]; // once per fit, not a hot path
    for (int b = 0; b < nb; b++) byKey[b] = b;
    Arrays.sort(byKey, (a, c) -> Long.compare(keys[a], keys[c]));
    float[] nativeScores = new float[catalog.size()];
    long[] cHits = new long[BLEND_C.length];
    int[] priorFitUsers = new int[nd];
    long cTargets = 0;
    for (int s = 0; s < nd; s++) {
      for (int t = 0; t < nd; t++) {
        if (s == t || rep[s] == null || rep[t] == null) continue;
        int[] trainRows = new int[nb], validRows = new int[VALIDATION_USERS];
        int ntr = 0, nv = 0;
        for (int q = 0; q < nb; q++) {
          int b = byKey[q];
          if (!has[s][b] || !has[t][b]) continue;
          if (nv < VALIDATION_USERS) validRows[nv++] = b;
          else trainRows[ntr++] = b;
        }
        if (ntr < MIN_BRIDGE_USERS) continue;
        String pair = train.domainNames()[s] + "->" + train.domainNames()[t];
        int in = home[s].dimension, out = home[t].dimension;
        RidgeMap.Problem problem = RidgeMap.problem(rep[s], rep[t], Arrays.copyOf(trainRows, ntr), in, out);
        double bestLambda = LAMBDAS[0];
        float bestBeta = 0f;
        double bestRate = -1;
        Map<String, Object> rates = new LinkedHashMap<>();
        float[] withPrior = new float[home[t].size()];
        for (double lambda : LAMBDAS) {
          RidgeMap map = problem.solve(lambda);
          long[] hits = new long[PRIOR_BETAS.length];
          long targets = 0;
          for (int q = 0; q < nv; q++) {
            int u = bridge[validRows[q]];
            float[] taste = transferredScores(map, rep[s], validRows[q], t);
            for (int bi = 0; bi < PRIOR_BETAS.length; bi++) {
              applyPrior(taste, t, PRIOR_BETAS[bi], u, withPrior);
              for (int p = off[u]; p < off[u + 1]; p++) {
                if (dom(items[p]) != t) continue;
                if (bi == 0) targets++;
                if (isHit(withPrior, homeRows[t], rowOf[items[p]], null)) hits[bi]++;
              }
            }
          }
          for (int bi = 0; bi < PRIOR_BETAS.length; bi++) {
            double rate = (double) hits[bi] / Math.max(1, targets);
            rates.put("lambda=" + lambda + ",beta=" + PRIOR_BETAS[bi], rate);
            if (rate > bestRate) {
              bestRate = rate;
              bestLambda = lambda;
              bestBeta = PRIOR_BETAS[bi];
            }
          }
        }
        if (priorFitUsers[t] < ntr) { // several sources into t: the best-supported pair sets t's prior
          priorFitUsers[t] = ntr;
          priorBeta[t] = bestBeta;
        }
        RidgeMap chosenMap = problem.solve(bestLambda);
        // zero-shot (native scorer on the s history alone) and the blend constant c on the same users
        long zeroHits = 0, zeroTargets = 0;
        int[] hItems = new int[0];
        float[] hWeights = new float[0];
        long[] hClocks = new long[0];
        boolean[] excluded = new boolean[home[t].size()];
        for (int q = 0; q < nv; q++) {
          int u = bridge[validRows[q]], len = off[u + 1] - off[u];
          if (hItems.length < len) {
            hItems = new int[len];
            hWeights = new float[len];
            hClocks = new long[len];
          }
          float[] transferred = new float[home[t].size()];
          applyPrior(transferredScores(chosenMap, rep[s], validRows[q], t), t, bestBeta, u, transferred);
          int targetCount = 0;
          for (int p = off[u]; p < off[u + 1]; p++) if (dom(items[p]) == t) targetCount++;
          for (int stage = 0; stage < 2; stage++) {
            int keepTarget = stage == 0 ? 0 : targetCount / 2; // stage 1: first half of t is native history
            if (stage == 1 && keepTarget == 0) break;
            int n = 0, kept = 0;
            for (int p = off[u]; p < off[u + 1]; p++) {
              boolean target = dom(items[p]) == t;
              if (target && kept++ >= keepTarget) continue;
              hItems[n] = items[p];
              hWeights[n] = train.historyWeights()[p];
              hClocks[n] = train.historyClocks()[p];
              if (target) excluded[rowOf[items[p]]] = true;
              n++;
            }
            nativeScorer.score(hItems, hWeights, hClocks, n, nativeScores);
            float[] nat = new float[home[t].size()];
            for (int r : homeRows[t]) nat[r] = finite(nativeScores[home[t].itemIndex[r]]);
            int seenTargets = 0;
            for (int p = off[u]; p < off[u + 1]; p++) {
              if (dom(items[p]) != t || seenTargets++ < keepTarget) continue;
              int row = rowOf[items[p]];
              if (stage == 0) {
                zeroTargets++;
                if (isHit(nat, homeRows[t], row, null)) zeroHits++;
              } else {
                cTargets++;
                float[] blended = new float[home[t].size()];
                for (int ci = 0; ci < BLEND_C.length; ci++) {
                  float alpha = TransferBlend.transferShare(BLEND_C[ci], keepTarget);
                  for (int r : homeRows[t]) blended[r] = alpha * transferred[r] + (1 - alpha) * nat[r];
                  if (isHit(blended, homeRows[t], row, excluded)) cHits[ci]++;
                }
              }
            }
            for (int r : homeRows[t]) excluded[r] = false;
          }
        }
        int[] allRows = Arrays.copyOf(trainRows, ntr + nv);
        System.arraycopy(validRows, 0, allRows, ntr, nv);
        maps[s][t] = RidgeMap.problem(rep[s], rep[t], allRows, in, out).solve(bestLambda);
        rates.put("chosen_lambda", bestLambda);
        rates.put("chosen_beta", bestBeta);
        rates.put("zero_shot", (double) zeroHits / Math.max(1, zeroTargets));
        rates.put("validation_users", nv);
        rates.put("fit_users", ntr + nv);
        report.put(pair, rates);
      }
    }
    int bestC = 0;
    for (int ci = 1; ci < BLEND_C.length; ci++) if (cHits[ci] > cHits[bestC]) bestC = ci;
    Map<String, Object> blend = new LinkedHashMap<>();
    for (int ci = 0; ci < BLEND_C.length; ci++) blend.put("c=" + BLEND_C[ci], (double) cHits[ci] / Math.max(1, cTargets));
    blend.put("chosen_c", BLEND_C[bestC]);
    report.put("blend", blend);
    return new CrossDomainTransfer(train, catalog, home, homeRows, rowOf, maps, logPopularity, priorBeta,
        1f / inverseTemperature, BLEND_C[bestC], report);
  }

  private static float finite(float score) {
    return score == Float.NEGATIVE_INFINITY ? 0f : score;
  }

  /** Kernel scores of every row of t's home space (non-t rows left 0) for the map applied to a representation. */
  private float[] transferredScores(RidgeMap map, float[] sourceRep, int row, int t) {
    float[] x = Arrays.copyOfRange(sourceRep, row * map.inputDimension(), (row + 1) * map.inputDimension());
    float[] y = new float[map.outputDimension()];
    map.apply(x, y);
    Vectors.normalizeInPlace(y);
    float[] scores = new float[home[t].size()];
    for (int r : homeRows[t]) {
      scores[r] = ShiftRecModel.kernel(ShiftRecModel.dot(home[t].vectors, r * y.length, y, y.length),
          inverseTemperature);
    }
    return scores;
  }

  /**
   * {@code out = taste · ((1 + pop) / (1 + max pop))^β} over t's rows: a log-linear popularity prior, since what
   * people buy in a new domain leans to its best sellers whatever their taste. The validation user's own items are
   * counted without them, as if they had not bought them yet.
   */
  private void applyPrior(float[] taste, int t, float beta, int validationUser, float[] out) {
    float[] logPop = logPopularity[t];
    for (int r : homeRows[t]) out[r] = beta == 0f ? taste[r] : taste[r] * (float) Math.exp(beta * logPop[r]);
    if (beta == 0f || validationUser < 0) return;
    int[] pop = train.popularity();
    for (int p = train.offsets()[validationUser]; p < train.offsets()[validationUser + 1]; p++) {
      int item = train.historyItems()[p];
      if (dom(item) != t) continue;
      int r = rowOf[item];
      double own = Math.log(pop[item] / (1.0 + pop[item])); // (1 + pop − 1) / (1 + pop), max left as is
      out[r] = taste[r] * (float) Math.exp(beta * (logPop[r] + own));
    }
  }

  /** Whether the target row ranks in the top {@value #VALIDATION_K} of the candidate rows (ties count against it). */
  private static boolean isHit(float[] scores, int[] candidates, int target, boolean[] excluded) {
    float s = scores[target];
    int above = 0;
    for (int r : candidates) {
      if (r == target || excluded != null && excluded[r]) continue;
      if (scores[r] >= s && ++above >= VALIDATION_K) return false;
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

  /**
   * Per domain, its home space when {@link #apply} sets the user's scores of its items there from transfer alone
   * (α = 1: no native history), else null.
   */
  Catalog.Space[] transferOnlyDomains(int user) {
    int nd = home.length;
    int[] count = domainCounts(user);
    Catalog.Space[] only = new Catalog.Space[nd];
    for (int t = 0; t < nd; t++) {
      if (home[t] == null || count[t] > 0) continue;
      for (int s = 0; s < nd; s++) if (s != t && maps[s][t] != null && count[s] > 0) only[t] = home[t];
    }
    return only;
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
   * Blends the transferred score into {@code scoresOut} (the native scores) for every domain where the user has
   * history in another domain with a map to it.
   */
  void apply(int user, float[] scoresOut) {
    int nd = home.length;
    int from = train.offsets()[user], to = train.offsets()[user + 1];
    int[] items = train.historyItems();
    float[] weights = train.historyWeights();
    int[] count = domainCounts(user);
    float[][] reps = new float[nd][];
    for (int t = 0; t < nd; t++) {
      if (home[t] == null) continue;
      float[] y = null;
      float[] mapped = null;
      for (int s = 0; s < nd; s++) {
        if (s == t || maps[s][t] == null || count[s] == 0) continue;
        if (reps[s] == null) {
          reps[s] = new float[home[s].dimension];
          representation(items, weights, from, to, s, reps[s]);
        }
        if (y == null) {
          y = new float[home[t].dimension];
          mapped = new float[home[t].dimension];
        }
        maps[s][t].apply(reps[s], mapped);
        Vectors.normalizeInPlace(mapped);
        Vectors.addScaled(y, mapped, count[s]);
      }
      if (y == null) continue;
      Vectors.normalizeInPlace(y);
      float alpha = TransferBlend.transferShare(blendC, count[t]);
      float keep = 1f - alpha;
      Catalog.Space space = home[t];
      float[] logPop = logPopularity[t];
      float beta = priorBeta[t];
      for (int r : homeRows[t]) {
        int item = space.itemIndex[r];
        float taste = ShiftRecModel.kernel(ShiftRecModel.dot(space.vectors, r * y.length, y, y.length),
            inverseTemperature);
        float transferred = beta == 0f ? taste : taste * (float) Math.exp(beta * logPop[r]);
        scoresOut[item] = alpha * transferred + keep * finite(scoresOut[item]);
      }
    }
  }
}
