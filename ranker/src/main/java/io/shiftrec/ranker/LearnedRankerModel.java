package io.shiftrec.ranker;

import io.shiftrec.interest.InterestConfig;
import io.shiftrec.core.Parameters;
import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.ItemKnnModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.candidates.NextItemModel;
import io.shiftrec.candidates.NextItemSvdModel;
import io.shiftrec.candidates.RecentItemsModel;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.core.TopK;
import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.TextVectors;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.LambdaMart;
import io.shiftrec.learn.PairwiseLogistic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ShiftRec's parts fused into one ranking. Per (user, item) the features are the score of every part model (by
 * default the interest model, iALS, ItemKNN, ItemKNN over the latest items, the next-item rules and their low-rank
 * approximation, {@link NextItemSvdModel}), the parts that read the latest items read again over the
 * {@link Config#windows} (the last item alone, the last twenty), and log
 * popularity, each standardised over the catalogue for that user (z-score, so a kernel mixture, a dot product and a
 * similarity sum share one scale), and whether the item lies in the domain of the user's last item (0 or 1). Each
 * of these scorers retrieves its top {@link Config#candidates} unseen items, and LambdaMART trees
 * ({@link LambdaMart}) and a weighted sum Σ_j w_j·f_j order the union: by default the two scores blended, each
 * standardised over the candidates ({@link Ordering}).
 *
 * <p>Everything is learned from the training data alone: up to {@link #MAX_RANKER_USERS} users with at least three
 * training items (by default those active in two domains, where a store has enough) lose their last one; the parts
 * are fit on what remains; the trees learn to put each held-out item first in its retrieved list, and the weights to
 * prefer it to items drawn from that list (listwise softmax, {@link PairwiseLogistic}) or, without retrieval, from
 * the catalogue (pairwise). The parts are then fit again on all the training data for scoring. A pure function of
 * data and seed.
 */
public final class LearnedRankerModel implements Model {
  private static final Logger LOG = LoggerFactory.getLogger(LearnedRankerModel.class);
  public static final String NAME = "shiftrec-learned";
  static final int MAX_RANKER_USERS = 3000;
  static final String LOG_POPULARITY = "log-popularity";
  static final String LAST_DOMAIN = "last-domain";
  /** 1 for an item without training events (one added after training, or never taken), else 0. */
  static final String COLD_ITEM = "cold-item";
  /** The text part's score where {@link #COLD_ITEM} is 1, else 0: how far the text alone carries such an item. */
  static final String COLD_ITEM_TEXT = "cold-item-text";
  /** How long the user's history is, log(1 + items): what lets the ranker tell a newcomer from a regular. */
  static final String HISTORY_LENGTH = "history-length";
  /**
   * Log popularity among the users of the user's group (their attributes, coarse to fine, smoothed toward the coarser
   * groups), standardised: 0 for every item where users have no attributes.
   */
  static final String GROUP_POPULARITY = "group-popularity";
  /** Share of the held-out lists drawn from users' first events (docs/DESIGN.md, "Learned ranker"). */
  private static final double EARLY_LISTS = 0.2;
  /** The fewest and most events a list drawn from a user's first events knows. */
  static final int EARLY_FIRST = 1, EARLY_LAST = 5;
  /** Fewest held-out lists, of short and of longer histories each, to fit a set of weights for each. */
  private static final int MIN_LISTS_PER_WEIGHTS = 100;
  /** Share of the items whose events the ranker's fit hides, so that it learns how to rank items without any. */
  private static final double COLD_ITEMS = 0.1;
  private static final int MIN_HISTORY = 3;
  /** With fewer users active in two domains than this, {@code held-out=cross-domain} draws from every user. */
  private static final int MIN_CROSS_DOMAIN_USERS = 100;

  /**
   * @param negatives items paired with each held-out item, drawn uniformly from the catalogue less the user's items
   * @param l2 λ of the pairwise fit
   * @param recentItems how many of the user's latest items the recent-items ItemKNN part reads
   * @param sameDomain draw negatives from the held-out item's domain only, and with {@code candidates} retrieve
   *     within each domain, as protocols and requests that rank within one domain do, instead of across the whole
   *     catalogue
   * @param candidates items each part retrieves (0: the linear ranker orders the whole catalogue)
   * @param ordering how the retrieved candidates are ordered: by the weighted sum, by gradient-boosted trees
   *     (LambdaMART) fit on the whole retrieved list of each held-out item, or by whichever of the two ranks held-out
   *     items better ({@link Ordering}); trees need {@code candidates > 0}
   * @param windows further history lengths at which every part that reads the latest items (ItemKNN over the
   *     latest items, the next-item rules) is read too, each a feature of its own ({@link RecentItemsModel})
   * @param adapter whether the interest part scores in the space of a text adapter fit on the training data
   *     ({@code shiftrec-adapter}, {@link AdapterArtifact}), which is then served with the ranker: items nobody has
   *     touched yet are placed by what similar texts were taken with
   * @param crossDomainHeldOut learn from held-out items of users active in two or more domains, the users a
   *     cross-domain request comes from, when there are at least {@value #MIN_CROSS_DOMAIN_USERS} of them (else, and
   *     when false, from every user)
   * @param coldItems share of the items with events that lose all of them while the ranker learns its weights,
   *     as items added after training have none: with a text part, the ranker then learns the {@link #COLD_ITEM}
   *     and {@link #COLD_ITEM_TEXT} features from held-out items that are cold (0: neither feature)
   * @param smoothedRules whether the next-item rules' low-rank approximation ({@link NextItemSvdModel}) is a part
   *     too ({@code next-item-svd}), which scores transitions nobody has made yet from those between similar items
   * @param migrationBoost the extra short-term share of a user's interests right after the detector records a
   *     migration ({@link InterestConfig#migrationBoost()}), in training and, saved with the ranker, in serving;
   *     0: migrations change no weight
   * @param earlyLists share of the held-out users whose held-out item is one of their first events, from
   *     {@value #EARLY_FIRST} to {@value #EARLY_LAST} events in, the rest of their history hidden from the parts, as
   *     a newcomer's is; with a share above 0 the ranker also reads how long the user's history is
   *     ({@link #HISTORY_LENGTH}), so that it can learn what to trust after one event and what after a hundred
   * @param groups whether the ranker reads what the user's group took ({@link #GROUP_POPULARITY}: popularity among
   *     users with the same attributes, {@link GroupPopularity}), where users have attributes
   */
  public record Config(int negatives, double l2, int recentItems, boolean sameDomain, int candidates,
                       Ordering ordering, List<Integer> windows, boolean adapter, boolean crossDomainHeldOut,
                       double coldItems, boolean smoothedRules, double migrationBoost, double earlyLists,
                       boolean groups) {
    public Config {
      windows = List.copyOf(windows);
      for (int w : windows) if (w < 1) throw new IllegalArgumentException("windows must be positive, got " + w);
      if (ordering != Ordering.WEIGHTED_SUM && candidates == 0) {
        throw new IllegalArgumentException("lambdamart orders retrieved candidates: set candidates > 0");
      }
      if (negatives < 1 || recentItems < 1) {
        throw new IllegalArgumentException("negatives and recent items must be positive, got " + negatives + ", "
            + recentItems);
      }
      if (candidates < 0) throw new IllegalArgumentException("candidates must be ≥ 0, got " + candidates);
      if (!(l2 > 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("l2 must be > 0, got " + l2);
      if (!(coldItems >= 0 && coldItems < 1)) {
        throw new IllegalArgumentException("cold-items must be in [0, 1), got " + coldItems);
      }
      if (!(earlyLists >= 0 && earlyLists <= 1)) {
        throw new IllegalArgumentException("early-lists must be in [0, 1], got " + earlyLists);
      }
      double shortShare = InterestConfig.defaults().shortShare();
      if (!(migrationBoost >= 0 && shortShare + migrationBoost <= 1)) {
        throw new IllegalArgumentException("migration-boost must be in [0, " + (1 - shortShare) + "], got "
            + migrationBoost);
      }
    }

    /**
     * Chosen on the validation targets of the MovieLens 1M subset and of Amazon Food–Kitchen (docs/DESIGN.md,
     * "Learned ranker"): each part retrieves 100 candidates, the recent-items parts are read over 1 and 20 items as
     * well, and the trees and the weighted sum (fit on 50 candidates per list) order them together, blended:
     * LambdaMART alone was better on MovieLens and worse on Food–Kitchen, the blend as good as the better of the two
     * on both and on MovieLens Latest Small. On a store of several domains the held-out items are those of users
     * active in two or more (Food–Kitchen's validation NDCG@10 0.1148 → 0.1242). The low-rank rules raise HR@10 on
     * validation (Food–Kitchen 0.1906 → 0.2135) with NDCG@10 as good or better on all three sets. The interest
     * part scores in a text adapter's space: on the MovieLens 1M subset's cold items HR@10 rose from 0.0908 to
     * 0.2154 at the same validation NDCG@10, for 1.4 to 2.9 times the training time. The interests the ranker reads
     * raise their short-term weight after a migration as the interests alone do: without it Food–Kitchen's warm
     * targets rank a little better and the MovieLens 1M subset's cold items clearly worse (docs/BENCHMARKS.md,
     * "Migration handling").
     */
    public static Config defaults() {
      return new Config(50, 1e-3, ItemKnnModel.DEFAULT_RECENT_ITEMS, false, 100, Ordering.BLEND,
          List.of(1, 20), true, true, COLD_ITEMS, true, InterestConfig.defaults().migrationBoost(), EARLY_LISTS,
          true);
    }

    /** This config with one hyperparameter set from text, e.g. {@code with("negatives", "50")}. */
    public Config with(String key, String value) {
      String name = key + " of " + NAME;
      return switch (key) {
        case "negatives" -> new Config(Parameters.integer(name, value), l2, recentItems, sameDomain, candidates,
            ordering, windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "l2" -> new Config(negatives, Parameters.number(name, value), recentItems, sameDomain, candidates,
            ordering, windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "recent" -> new Config(negatives, l2, Parameters.integer(name, value), sameDomain, candidates,
            ordering, windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "same-domain" -> new Config(negatives, l2, recentItems, Parameters.bool(name, value), candidates,
            ordering, windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "candidates" -> {
          int c = Parameters.integer(name, value);
          // 0: the linear fit over the whole catalogue
          yield new Config(negatives, l2, recentItems, sameDomain, c, c > 0 ? ordering : Ordering.WEIGHTED_SUM,
              windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost, earlyLists, groups);
        }
        case "lambdamart" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering(value),
            windows, adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost, earlyLists, groups);
        case "windows" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering,
            windowList(name, value), adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "adapter" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            Parameters.bool(name, value), crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            earlyLists, groups);
        case "held-out" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, heldOut(value), coldItems, smoothedRules, migrationBoost, earlyLists, groups);
        case "cold-items" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, crossDomainHeldOut, Parameters.number(name, value), smoothedRules,
            migrationBoost, earlyLists, groups);
        case "next-item-svd" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, crossDomainHeldOut, coldItems, Parameters.bool(name, value), migrationBoost, earlyLists, groups);
        case "migration-boost" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, crossDomainHeldOut, coldItems, smoothedRules, Parameters.number(name, value), earlyLists, groups);
        case "early-lists" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost,
            Parameters.number(name, value), groups);
        case "groups" -> new Config(negatives, l2, recentItems, sameDomain, candidates, ordering, windows,
            adapter, crossDomainHeldOut, coldItems, smoothedRules, migrationBoost, earlyLists,
            Parameters.bool(name, value));
        default -> throw Parameters.unknown(NAME, key, List.of("negatives", "l2", "recent", "same-domain",
            "candidates", "lambdamart", "windows", "adapter", "held-out", "cold-items", "next-item-svd",
            "migration-boost", "early-lists", "groups"));
      };
    }

    /** {@code 1+20}: history lengths joined by '+'; {@code none} for no further window. */
    private static List<Integer> windowList(String name, String value) {
      if (value.trim().equals("none")) return List.of();
      List<Integer> out = new ArrayList<>();
      for (String w : value.split("\\+", -1)) out.add(Parameters.integer(name, w));
      return out;
    }

    private static boolean heldOut(String value) {
      return switch (value.trim()) {
        case "all" -> false;
        case "cross-domain" -> true;
        default -> throw new IllegalArgumentException("held-out of " + NAME + " must be all or cross-domain, got '"
            + value + "'");
      };
    }

    private static Ordering ordering(String value) {
      return switch (value.trim()) {
        case "true" -> Ordering.LAMBDAMART;
        case "false" -> Ordering.WEIGHTED_SUM;
        case "auto" -> Ordering.BETTER_ON_HELD_OUT;
        case "blend" -> Ordering.BLEND;
        default -> throw new IllegalArgumentException("lambdamart of " + NAME + " must be true, false, auto or blend,"
            + " got '" + value + "'");
      };
    }
  }

  /** How the ranker orders its retrieved candidates. */
  public enum Ordering {
    WEIGHTED_SUM, LAMBDAMART,
    /**
     * Fit both on a seeded half of the held-out items and keep the one whose NDCG@10 within the retrieved lists of
     * the other half is higher (the trees on a tie lose: they cost more to serve), then fit it on all of them.
     */
    BETTER_ON_HELD_OUT,
    /** Both: the sum of the two scores, each standardised over the candidates. */
    BLEND
  }

  /** The cut-off of the held-out NDCG that chooses the ordering. */
  private static final int CHOICE_K = 10;

  private final String name;
  private final Config config;
  private final List<Supplier<Model>> partFactories;
  private final String[] featureNames;
  /** Features that retrieve candidates (the scorers and popularity, first); the rest describe the request. */
  private final int retrievers;
  /** Index of the part that reads item text, whose score the cold-item features carry; −1: no such features. */
  private final int coldTextPart;
  /** Indices of the history's length and of the group's popularity among the features; −1: not read. */
  private final int historyFeature, groupFeature;
  private TrainingData train;
  /** What each group of users took, for scoring (null: no groups in the data, or not read). */
  private GroupPopularity groupPopularity;
  private Model[] parts;
  /** What scores after {@link #fit}: the saved ranker read back, as {@code recommend} and the server read it. */
  private InterestRecommender served;
  private double[] weights;
  /** The weights for users with at most {@value #EARLY_LAST} items; null: {@link #weights} serve every history. */
  private double[] shortWeights;
  private LambdaMart trees;
  private boolean blend;
  private final Map<String, Object> fitted = new LinkedHashMap<>();

  /** @param partFactories new, unfitted part models; their names become the feature names */
  public LearnedRankerModel(String name, Config config, List<Supplier<Model>> partFactories) {
    if (partFactories.isEmpty()) throw new IllegalArgumentException("a learned ranker needs at least one part");
    this.name = name;
    this.config = config;
    this.partFactories = List.copyOf(partFactories);
    List<String> names = new ArrayList<>();
    for (Supplier<Model> f : partFactories) names.add(f.get().name());
    for (Supplier<Model> f : partFactories) {
      if (!(f.get() instanceof RecentItemsModel r) || r.lastItems() == Integer.MAX_VALUE) continue;
      for (int w : config.windows()) if (w != r.lastItems()) names.add(RecentItemsModel.windowName(r.name(), w));
    }
    names.add(LOG_POPULARITY);
    retrievers = names.size();
    names.add(LAST_DOMAIN);
    int text = names.indexOf(ShiftRecModel.NAME) >= 0 ? names.indexOf(ShiftRecModel.NAME)
        : names.indexOf(ShiftRecModel.ADAPTER);
    coldTextPart = config.coldItems() > 0 ? text : -1;
    if (coldTextPart >= 0) {
      names.add(COLD_ITEM);
      names.add(COLD_ITEM_TEXT);
    }
    if (config.earlyLists() > 0) names.add(HISTORY_LENGTH);
    if (config.groups()) names.add(GROUP_POPULARITY);
    historyFeature = names.indexOf(HISTORY_LENGTH);
    groupFeature = names.indexOf(GROUP_POPULARITY);
    featureNames = names.toArray(new String[0]);
  }

  /**
   * The product's fusion: the interest model, iALS and ItemKNN with their defaults, and ItemKNN, the next-item rules
   * and (with {@link Config#smoothedRules}) their low-rank form over the user's latest {@link Config#recentItems}
   * items (what they are doing now).
   */
  public static LearnedRankerModel withDefaultParts(String name, Config config) {
    // the parts as Models.create builds them by name, without going back through the registry
    Supplier<Model> interests = () -> (config.adapter() ? ShiftRecModel.withAdapter() : ShiftRecModel.standard())
        .withMigrationBoost(config.migrationBoost());
    List<Supplier<Model>> parts = new ArrayList<>(List.of(
        interests, () -> FactorModel.ials(FactorModel.IALS, ImplicitAls.Config.defaults()),
        () -> new ItemKnnModel(ItemKnnModel.DEFAULT_NEIGHBOURS),
        () -> ItemKnnModel.recent(ItemKnnModel.DEFAULT_NEIGHBOURS, config.recentItems()),
        () -> new NextItemModel(NextItemModel.NAME, NextItemModel.Config.defaults().withLastItems(
            config.recentItems()))));
    if (config.smoothedRules()) parts.add(() -> new NextItemSvdModel(NextItemSvdModel.NAME,
        NextItemSvdModel.Config.defaults().withLastItems(config.recentItems())));
    return new LearnedRankerModel(name, config, parts);
  }

  /**
   * This ranker, unfitted, with the iALS half-steps of its factor parts solved by {@code sweep} (e.g. on a Spark
   * cluster): the same ranker, its batch training computed elsewhere.
   */
  public LearnedRankerModel withSweep(ImplicitAls.Sweep sweep) {
    List<Supplier<Model>> parts = new ArrayList<>();
    for (Supplier<Model> f : partFactories) {
      parts.add(() -> {
        Model part = f.get();
        return part instanceof FactorModel factors ? factors.withSweep(sweep) : part;
      });
    }
    return new LearnedRankerModel(name, config, parts);
  }

  @Override
  public String name() {
    return name;
  }

  /** Feature names, in the order of {@link #weights()}. */
  public String[] featureNames() {
    return featureNames.clone();
  }

  /** The learned weights, one per feature (after {@link #fit}). */
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public void fit(TrainingData full, long seed) {
    int[] heldOutUsers = pickUsers(full, seed, config.crossDomainHeldOut());
    int[] known = knownEvents(full, heldOutUsers, config.earlyLists(), seed);
    TrainingData reduced = withHeldOut(full, heldOutUsers, known, null);
    // the parts learn without the events of some items, which the ranker then sees as it sees new ones
    boolean[] madeCold = coldTextPart >= 0 ? coldItems(reduced, config.coldItems(), seed) : null;
    TrainingData partData = madeCold == null ? reduced : withHeldOut(full, heldOutUsers, known, madeCold);
    // items nobody took are left out of the lists, so the cold items' weights learn how often an item whose
    // history is unknown is chosen, not how rarely an item nobody wants is
    boolean[] neverTaken = new boolean[full.numItems()];
    int[] takenBy = reduced.popularity();
    if (madeCold != null) for (int i = 0; i < neverTaken.length; i++) neverTaken[i] = takenBy[i] == 0;
    Model[] reducedFitted = fitParts(partData, seed, null);
    Model[] reducedParts = scorers(reducedFitted);
    float[] reducedPopularity = logPopularity(partData);
    GroupPopularity reducedGroups = groupFeature >= 0 ? groups(partData) : null;
    boolean[] coldListed = new boolean[heldOutUsers.length];
    int dims = featureNames.length;
    int perUser = config.negatives();
    float[] differences = new float[heldOutUsers.length * perUser * dims];
    // each held-out item's retrieved list, the item first: what the trees learn from and the choice is made on
    float[][] lists = config.ordering() != Ordering.WEIGHTED_SUM ? new float[heldOutUsers.length][] : null;
    IntStream.range(0, heldOutUsers.length).parallel().forEach(slot -> {
      int u = heldOutUsers[slot];
      int positive = full.historyItems()[full.offsets()[u] + known[slot]];
      float[][] features = features(reduced, reducedParts, reducedPopularity, reducedGroups, u);
      SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (u + 1)));
      if (config.candidates() == 0) {
        writePairs(reduced, u, positive, neverTaken, features, random, differences, slot * perUser * dims);
        return;
      }
      // a positive that retrieval misses adds nothing: the ranker never sees such an item when it serves either
      boolean[] keep = candidateMask(reduced, u, positive, neverTaken, features);
      if (!keep[positive]) return;
      keep[positive] = false;
      coldListed[slot] = madeCold != null && madeCold[positive];
      if (lists != null) lists[slot] = retrievedList(features, positive, keep);
      writeCandidateList(positive, features, keep, random, differences, slot * perUser * dims);
    });
    fitted.clear();
    int across = 0;
    for (int u : heldOutUsers) if (domainsOf(full, u) > 1) across++;
    int early = 0;
    for (int slot = 0; slot < heldOutUsers.length; slot++) {
      if (known[slot] < full.historyLength(heldOutUsers[slot]) - 1) early++;
    }
    fitted.put("held-out users", Map.of("users", heldOutUsers.length, "in two domains", across,
        "held out after their first events", early));
    if (madeCold != null) {
      fitted.put("cold items", Map.of("made cold", count(madeCold), "held-out among candidates", count(coldListed)));
    }
    boolean useTrees = switch (config.ordering()) {
      case WEIGHTED_SUM -> false;
      case LAMBDAMART -> true;
      case BETTER_ON_HELD_OUT -> treesRankBetter(differences, lists, coldListed, seed);
      case BLEND -> true;
    };
    blend = config.ordering() == Ordering.BLEND;
    fitted.put("ordered by", blend ? "LambdaMART trees and weighted sum, blended" : useTrees ? "LambdaMART trees"
        : "weighted sum");
    trees = useTrees ? fitTrees(lists, seed) : null;
    weights = fitWeights(differences, heldOutUsers.length);
    shortWeights = null;
    if (config.earlyLists() > 0) { // a weight per feature for short histories and one for the others
      boolean[] isShort = new boolean[heldOutUsers.length];
      int shorter = 0;
      for (int slot = 0; slot < isShort.length; slot++) {
        isShort[slot] = reduced.historyLength(heldOutUsers[slot]) <= EARLY_LAST;
        if (isShort[slot]) shorter++;
      }
      if (shorter >= MIN_LISTS_PER_WEIGHTS && isShort.length - shorter >= MIN_LISTS_PER_WEIGHTS) {
        shortWeights = fitWeights(groupsOf(differences, isShort, true), shorter);
        weights = fitWeights(groupsOf(differences, isShort, false), isShort.length - shorter);
      }
      fitted.put("weights for histories of at most " + EARLY_LAST + " items", shortWeights != null
          ? "fit on " + shorter + " held-out lists" : "the same as for longer ones (too few lists of either)");
    }
    if (LOG.isInfoEnabled()) {
      StringBuilder line = new StringBuilder(name).append(" weights:");
      for (int j = 0; j < dims; j++) line.append(String.format(Locale.ROOT, " %s %.4f", featureNames[j], weights[j]));
      LOG.info("{}", line);
    }
    train = full;
    groupPopularity = groupFeature >= 0 ? groups(full) : null;
    if (groupFeature >= 0) {
      fitted.put("groups", groupPopularity == null ? "none: too few users have attributes"
          : "by " + String.join(", ", groupPopularity.keys()));
    }
    parts = fitParts(full, seed, reducedFitted);
    for (Model part : parts) if (!part.fitted().isEmpty()) fitted.put(part.name(), part.fitted()); // e.g. the adapter
    served = null;
  }

  @Override
  public Map<String, Object> fitted() {
    return Map.copyOf(fitted);
  }

  /** The groups of {@code differences} (one per held-out user) whose flag in {@code chosen} is {@code which}. */
  private float[] groupsOf(float[] differences, boolean[] chosen, boolean which) {
    int block = config.negatives() * featureNames.length, count = 0;
    for (boolean c : chosen) if (c == which) count++;
    float[] out = new float[count * block];
    for (int slot = 0, g = 0; slot < chosen.length; slot++) {
      if (chosen[slot] == which) System.arraycopy(differences, slot * block, out, g++ * block, block);
    }
    return out;
  }

  /** Pairs against uniform negatives (one comparison per group), or the positive against a list of retrieved ones. */
  private double[] fitWeights(float[] differences, int groups) {
    int perUser = config.negatives(), dims = featureNames.length;
    return config.candidates() > 0
        ? PairwiseLogistic.fitListwise(differences, groups, perUser, dims, config.l2()).weights()
        : PairwiseLogistic.fit(differences, groups * perUser, dims, config.l2()).weights();
  }

  /**
   * Whether LambdaMART trees rank held-out items better than the weighted sum: both fit on a seeded half of the
   * retrieved lists and compared by NDCG@{@value #CHOICE_K} of the held-out item within each list of the other half.
   * Lists whose held-out item was made cold ({@code coldListed}) teach the cold-item features but are not judged:
   * they are an augmentation, not what users take next.
   */
  private boolean treesRankBetter(float[] differences, float[][] lists, boolean[] coldListed, long seed) {
    int dims = featureNames.length, block = config.negatives() * dims;
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    boolean[] fitHalf = new boolean[lists.length];
    int fitGroups = 0, fitLists = 0, otherLists = 0;
    for (int slot = 0; slot < lists.length; slot++) {
      fitHalf[slot] = random.nextBoolean();
      if (fitHalf[slot]) fitGroups++;
      if (lists[slot] == null) continue;
      if (fitHalf[slot]) fitLists++;
      else if (!coldListed[slot]) otherLists++;
    }
    float[] fitDifferences = new float[fitGroups * block];
    float[][] halfLists = new float[lists.length][];
    for (int slot = 0, g = 0; slot < lists.length; slot++) {
      if (!fitHalf[slot]) continue;
      System.arraycopy(differences, slot * block, fitDifferences, g++ * block, block);
      halfLists[slot] = lists[slot];
    }
    if (fitLists == 0 || otherLists == 0) { // the weighted sum, which needs no list to fit
      fitted.put("held-out NDCG@" + CHOICE_K, "too few held-out items were retrieved to compare");
      return false;
    }
    double[] halfWeights = fitWeights(fitDifferences, fitGroups);
    double sumGain = 0, treeGain = 0, blendGain = 0;
    int judged = 0;
    try (LambdaMart halfTrees = fitTrees(halfLists, seed)) {
      for (int slot = 0; slot < lists.length; slot++) {
        if (fitHalf[slot] || lists[slot] == null || coldListed[slot]) continue;
        int rows = lists[slot].length / dims;
        double[] sums = new double[rows];
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < dims; j++) sums[r] += halfWeights[j] * lists[slot][r * dims + j];
        }
        sumGain += gainOfFirst(sums);
        double[] treeScores = halfTrees.score(lists[slot], rows, dims);
        treeGain += gainOfFirst(treeScores);
        blendWithSum(lists[slot], dims, halfWeights, treeScores);
        blendGain += gainOfFirst(treeScores);
        judged++;
      }
    }
    double sumNdcg = sumGain / Math.max(1, judged), treeNdcg = treeGain / Math.max(1, judged);
    double blendNdcg = blendGain / Math.max(1, judged);
    fitted.put("held-out NDCG@" + CHOICE_K, Map.of("weighted sum", round(sumNdcg), "LambdaMART trees",
        round(treeNdcg), "blend", round(blendNdcg), "lists", judged));
    LOG.info("{}", String.format(Locale.ROOT, "%s held-out NDCG@%d: weighted sum %.4f, LambdaMART %.4f, blend %.4f"
        + " (%d lists)", name, CHOICE_K, sumNdcg, treeNdcg, blendNdcg, judged));
    return treeNdcg > sumNdcg;
  }

  /** Replaces the trees' scores of {@code rows} by z(trees) + z(weighted sum), each z over the rows. */
  static void blendWithSum(float[] rows, int dims, double[] weights, double[] treeScores) {
    int n = treeScores.length;
    double[] sums = new double[n];
    for (int r = 0; r < n; r++) for (int j = 0; j < dims; j++) sums[r] += weights[j] * rows[r * dims + j];
    zScores(sums);
    zScores(treeScores);
    for (int r = 0; r < n; r++) treeScores[r] += sums[r];
  }

  private static void zScores(double[] v) {
    double mean = 0, squares = 0;
    for (double x : v) mean += x;
    mean /= Math.max(1, v.length);
    for (double x : v) squares += (x - mean) * (x - mean);
    double sd = Math.sqrt(squares / Math.max(1, v.length));
    for (int i = 0; i < v.length; i++) v[i] = sd > 1e-12 ? (v[i] - mean) / sd : 0;
  }

  /** The NDCG@{@value #CHOICE_K} of row 0 (the held-out item) among {@code scores}; ties rank it below. */
  private static double gainOfFirst(double[] scores) {
    int rank = 1;
    for (int r = 1; r < scores.length; r++) if (scores[r] >= scores[0]) rank++;
    return rank <= CHOICE_K ? 1.0 / (Math.log(rank + 1) / Math.log(2)) : 0.0;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /**
   * The fitted ranker as a store artefact that {@link LearnedRanking} serves. Only parts it can compute for any
   * user from a history are accepted: the interest model, iALS (folded in), ItemKNN over all or the latest
   * items and the next-item rules, also low-rank; IllegalStateException for others, or before {@link #fit}.
   */
  public RankerArtifact artifact() {
    if (weights == null) throw new IllegalStateException(name + " is not fitted");
    FactorModel als = null;
    ItemKnnModel knn = null;
    NextItemModel next = null;
    NextItemSvdModel smoothed = null;
    AdapterArtifact adapter = null;
    int recent = config.recentItems();
    for (Model part : parts) {
      if (part instanceof FactorModel f && f.algorithm().equals(FactorModel.IALS)) {
        als = f;
      } else if (part instanceof ItemKnnModel k && (k.lastItems() == Integer.MAX_VALUE || k.lastItems() == recent)) {
        knn = k;
      } else if (part instanceof NextItemModel m && m.config().lastItems() == recent) {
        next = m;
      } else if (part instanceof NextItemSvdModel m && m.lastItems() == recent) {
        smoothed = m;
      } else if (part instanceof ShiftRecModel s && s.name().equals(ShiftRecModel.ADAPTER)) {
        adapter = s.adapter();
      } else if (!(part instanceof ShiftRecModel s && s.name().equals(ShiftRecModel.NAME))) {
        throw new IllegalStateException("part " + part.name() + " of " + name + " cannot be served");
      }
    }
    int n = train.numItems();
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) ids[i] = train.catalog().item(i).id();
    int rank = als == null ? 1 : als.factors().rank();
    float[] factors = als == null ? new float[n] : als.factors().items();
    float reg = als == null ? 1f : ((Number) als.hyperparameters().get("reg")).floatValue();
    float alpha = als == null ? 0f : ((Number) als.hyperparameters().get("alpha")).floatValue();
    return new RankerArtifact(featureNames.clone(), weights.clone(), recent, config.candidates(),
        config.candidates() > 0 && config.sameDomain(), ids, rank, reg, alpha, factors,
        knn == null ? ItemGraph.empty(n) : knn.neighbours(), next == null ? ItemGraph.empty(n) : next.rules(),
        train.popularity().clone(), trees == null ? "" : trees.text(), adapter, blend,
        smoothed == null ? null : smoothed.factors(), config.migrationBoost(), shortWeights == null ? 0 : EARLY_LAST,
        shortWeights == null ? null : shortWeights.clone(), groupPopularity);
  }

  /** The features of a held-out item (first) and of the other retrieved candidates ({@code others}), one row each. */
  private static float[] retrievedList(float[][] features, int positive, boolean[] others) {
    int[] rows = new int[1 + count(others)];
    rows[0] = positive;
    for (int i = 0, r = 1; i < others.length; i++) if (others[i]) rows[r++] = i;
    return rowsOf(features, rows, rows.length);
  }

  /**
   * LambdaMART on each held-out item's whole retrieved list (the item, label 1, first; every other candidate, label
   * 0): the task the served ranker does. A held-out item that retrieval missed has no list (null).
   */
  private LambdaMart fitTrees(float[][] lists, long seed) {
    int dims = featureNames.length;
    int groups = 0, total = 0;
    for (float[] list : lists) {
      if (list == null) continue;
      groups++;
      total += list.length / dims;
    }
    if (groups == 0) throw new IllegalArgumentException("no held-out item was among the retrieved candidates");
    float[] rows = new float[total * dims];
    float[] labels = new float[total];
    int[] sizes = new int[groups];
    for (int g = 0, at = 0, slot = 0; slot < lists.length; slot++) {
      if (lists[slot] == null) continue;
      System.arraycopy(lists[slot], 0, rows, at * dims, lists[slot].length);
      labels[at] = 1f;
      sizes[g++] = lists[slot].length / dims;
      at += lists[slot].length / dims;
    }
    long start = System.nanoTime();
    LambdaMart fitted = LambdaMart.fit(rows, dims, sizes, labels, LambdaMart.Config.defaults(), seed);
    LOG.info("{}", String.format(Locale.ROOT, "%s LambdaMART: %d lists, %d rows, %.1f s", name, groups, total,
        (System.nanoTime() - start) / 1e9));
    return fitted;
  }

  /**
   * Scores the way {@code recommend} and the server do, through one code path: the ranker saved as bytes and read
   * back ({@link RankerArtifact}), laid over the catalogue ({@link LearnedRanking}), and the user's training history
   * replayed as events into their interests ({@link InterestRecommender#interests}); iALS factors are folded in
   * against the saved item factors rather than taken from training.
   */
  @Override
  public void score(int user, float[] scoresOut) {
    InterestRecommender recommender = served();
    recommender.score(recommender.interests(historyEvents(user), TextVectors.NONE)
        .withAttributes(train.userAttributes(user)), scoresOut);
  }

  /** The fitted ranker through its saved bytes, read back once; IllegalStateException for parts it cannot serve. */
  private synchronized InterestRecommender served() {
    if (served == null) {
      RankerArtifact saved = RankerArtifact.fromBytes(artifact().toBytes());
      served = InterestRecommender.withDefaults(train.catalog(), LearnedRanking.Trained.of(saved, NAME));
    }
    return served;
  }

  /**
   * The user's training history as ratings whose feedback weight is the training weight (a rating of w + 3 stars
   * weighs w), in clock order: the events a store would hold for it.
   */
  private List<Event> historyEvents(int user) {
    Catalog catalog = train.catalog();
    String id = train.userId(user);
    List<Event> events = new ArrayList<>(train.historyLength(user));
    for (int p = train.offsets()[user]; p < train.offsets()[user + 1]; p++) {
      events.add(new Event(id, catalog.item(train.historyItems()[p]).id(), EventType.RATING,
          train.historyWeights()[p] + 3.0, train.historyClocks()[p], null, null, null, Map.of()));
    }
    return events;
  }

  /**
   * The ranker's scores from every item's features: the trees' score of each kept candidate when there are trees
   * ({@code blend}: plus the weighted sum, each standardised over the candidates), else the weighted sum; −∞ for
   * items outside {@code keep} (null: every item is a candidate).
   */
  static void rank(float[][] features, boolean[] keep, double[] weights, LambdaMart trees, boolean blend,
                   float[] scoresOut) {
    if (trees == null) {
      fuse(features, weights, scoresOut);
    } else {
      int[] rows = new int[count(keep)];
      for (int i = 0, r = 0; i < keep.length; i++) if (keep[i]) rows[r++] = i;
      float[] kept = rowsOf(features, rows, rows.length);
      double[] scores = trees.score(kept, rows.length, features.length);
      if (blend) blendWithSum(kept, features.length, weights, scores);
      for (int r = 0; r < rows.length; r++) scoresOut[rows[r]] = (float) scores[r];
    }
    if (keep != null) for (int i = 0; i < scoresOut.length; i++) if (!keep[i]) scoresOut[i] = Float.NEGATIVE_INFINITY;
  }

  private static int count(boolean[] flags) {
    int c = 0;
    for (boolean f : flags) if (f) c++;
    return c;
  }

  /** The features of the given items, one row each (row-major). */
  private static float[] rowsOf(float[][] features, int[] items, int count) {
    int dims = features.length;
    float[] rows = new float[count * dims];
    for (int r = 0; r < count; r++) {
      for (int j = 0; j < dims; j++) rows[r * dims + j] = features[j][items[r]];
    }
    return rows;
  }

  /** The union of every retriever's top {@code perRetriever} items, {@code excluded} ones left out. */
  static boolean[] candidates(float[][] features, int retrievers, boolean[] excluded, int perRetriever) {
    int n = excluded.length;
    boolean[] keep = new boolean[n];
    TopK top = new TopK(perRetriever);
    for (int f = 0; f < retrievers; f++) retrieve(features[f], excluded, top, keep);
    return keep;
  }

  /**
   * {@link #candidates} within each domain: every retriever's top {@code perRetriever} unseen items of each domain,
   * so a request (or a protocol) that ranks one domain finds as many candidates there as any other.
   */
  static boolean[] candidatesPerDomain(float[][] features, int retrievers, boolean[] seen, int perRetriever,
                                       int[] itemDomains) {
    int n = seen.length, domains = 0;
    for (int d : itemDomains) domains = Math.max(domains, d + 1);
    boolean[] keep = new boolean[n];
    boolean[] excluded = new boolean[n];
    TopK top = new TopK(perRetriever);
    for (int d = 0; d < domains; d++) {
      for (int i = 0; i < n; i++) excluded[i] = seen[i] || itemDomains[i] != d;
      for (int f = 0; f < retrievers; f++) retrieve(features[f], excluded, top, keep);
    }
    return keep;
  }

  /** Marks in {@code keep} the top items of one retriever's scores, seen ones left out; empties {@code top}. */
  static void retrieve(float[] scores, boolean[] seen, TopK top, boolean[] keep) {
    for (int i = 0; i < scores.length; i++) if (!seen[i]) top.offer(i, scores[i]);
    for (int i : top.drain(null)) keep[i] = true;
  }

  /** Writes Σ_j w_j·f_j(i) for every item i. */
  static void fuse(float[][] features, double[] weights, float[] scoresOut) {
    Arrays.fill(scoresOut, 0f);
    for (int j = 0; j < features.length; j++) {
      float w = (float) weights[j];
      float[] f = features[j];
      for (int i = 0; i < scoresOut.length; i++) scoresOut[i] += w * f[i];
    }
  }

  /**
   * Every part fit on {@code data}. With {@code earlier} (the same parts fit on the held-out data), a text adapter
   * is fit with the choices its selection made there, not selected again: the selection runs five trainings, and
   * the data differ only by what the ranker held out.
   */
  private Model[] fitParts(TrainingData data, long seed, Model[] earlier) {
    Model[] fitted = new Model[partFactories.size()];
    for (int p = 0; p < fitted.length; p++) {
      fitted[p] = earlier != null && earlier[p] instanceof ShiftRecModel s && s.adapter() != null
          ? s.reusingAdapterChoices() : partFactories.get(p).get();
      fitted[p].fit(data, seed);
    }
    return fitted;
  }

  /** The fitted parts, then each part that reads the latest items read over every other window of the config. */
  private Model[] scorers(Model[] fitted) {
    List<Model> out = new ArrayList<>(List.of(fitted));
    for (Model part : fitted) {
      if (!(part instanceof RecentItemsModel r) || r.lastItems() == Integer.MAX_VALUE) continue;
      for (int w : config.windows()) if (w != r.lastItems()) out.add(r.readingLast(w));
    }
    return out.toArray(new Model[0]);
  }

  private static float[] logPopularity(TrainingData data) {
    int[] pop = data.popularity();
    float[] out = new float[pop.length];
    for (int i = 0; i < pop.length; i++) out[i] = (float) Math.log1p(pop[i]);
    return out;
  }

  /**
   * Every feature of every item for one user: the scorers' and popularity standardised, then the domain match and,
   * when so configured, whether an item is cold (no popularity) and the text part's score of cold items.
   */
  private float[][] features(TrainingData data, Model[] parts, float[] logPopularity, GroupPopularity groups,
                             int user) {
    int n = data.numItems();
    float[][] f = new float[featureNames.length][];
    for (int p = 0; p < parts.length; p++) {
      f[p] = new float[n];
      parts[p].score(user, f[p]);
      standardise(f[p]);
    }
    f[parts.length] = logPopularity.clone();
    standardise(f[parts.length]);
    float[] sameDomain = new float[n];
    int domain = data.lastDomain(user);
    int[] itemDomain = data.itemDomains();
    for (int i = 0; i < n; i++) sameDomain[i] = itemDomain[i] == domain ? 1f : 0f;
    f[parts.length + 1] = sameDomain;
    if (coldTextPart >= 0) {
      float[] cold = new float[n], coldText = new float[n];
      for (int i = 0; i < n; i++) {
        if (logPopularity[i] != 0f) continue;
        cold[i] = 1f;
        coldText[i] = f[coldTextPart][i];
      }
      f[parts.length + 2] = cold;
      f[parts.length + 3] = coldText;
    }
    if (historyFeature >= 0) {
      f[historyFeature] = new float[n];
      Arrays.fill(f[historyFeature], historyLength(data.historyLength(user)));
    }
    if (groupFeature >= 0) {
      f[groupFeature] = new float[n];
      if (groups != null) {
        groups.score(data.userAttributes(user), GroupPopularity.DEFAULT_SMOOTHING, f[groupFeature]);
        standardise(f[groupFeature]);
      }
    }
    return f;
  }

  /**
   * Z-scores over the catalogue, in place. An item a part cannot score (−∞ or NaN) gets the lowest score the part
   * gave; a feature without spread becomes 0 everywhere, so it cannot move the order.
   */
  static void standardise(float[] v) {
    double sum = 0, min = Double.POSITIVE_INFINITY;
    int finite = 0;
    for (float x : v) {
      if (Float.isFinite(x)) {
        sum += x;
        min = Math.min(min, x);
        finite++;
      }
    }
    if (finite == 0) {
      Arrays.fill(v, 0f);
      return;
    }
    for (int i = 0; i < v.length; i++) if (!Float.isFinite(v[i])) v[i] = (float) min;
    double mean = (sum + (v.length - finite) * min) / v.length;
    double squares = 0;
    for (float x : v) squares += (x - mean) * (x - mean);
    double sd = Math.sqrt(squares / v.length);
    if (!(sd > 1e-12)) {
      Arrays.fill(v, 0f);
      return;
    }
    for (int i = 0; i < v.length; i++) v[i] = (float) ((v[i] - mean) / sd);
  }

  /**
   * Writes (positive − negative) feature differences for uniform negatives (from the positive's domain when so
   * configured): never the user's items, the positive or the {@code leftOut} items.
   */
  private void writePairs(TrainingData data, int user, int positive, boolean[] leftOut, float[][] features,
                          SplittableRandom random, float[] out, int offset) {
    int n = data.numItems();
    boolean[] excluded = leftOut.clone();
    for (int p = data.offsets()[user]; p < data.offsets()[user + 1]; p++) excluded[data.historyItems()[p]] = true;
    excluded[positive] = true;
    int[] itemDomain = data.itemDomains();
    int available = 0;
    for (int i = 0; i < n; i++) {
      if (config.sameDomain() && itemDomain[i] != itemDomain[positive]) excluded[i] = true;
      else if (!excluded[i]) available++;
    }
    if (available == 0) return; // the pairs stay zero: no gradient, the same loss for every w
    int dims = features.length, written = 0;
    while (written < config.negatives()) {
      int negative = random.nextInt(n);
      if (excluded[negative]) continue;
      writeDifference(features, positive, negative, out, offset + written++ * dims);
    }
  }

  /**
   * Writes the positive against {@code negatives} items drawn uniformly (with replacement) from the other retrieved
   * candidates ({@code others}): the list a served ranking orders. No candidate left: the group stays at zero (no
   * gradient).
   */
  private void writeCandidateList(int positive, float[][] features, boolean[] others, SplittableRandom random,
                                  float[] out, int offset) {
    int count = count(others);
    if (count == 0) return;
    int[] pool = new int[count];
    for (int i = 0, c = 0; i < others.length; i++) if (others[i]) pool[c++] = i;
    for (int written = 0; written < config.negatives(); written++) {
      writeDifference(features, positive, pool[random.nextInt(count)], out, offset + written * features.length);
    }
  }

  /**
   * The candidates retrieved for a user whose held-out item is {@code positive}: every part's top items among the
   * unseen ones (of the positive's domain when so configured: the list a request for that domain retrieves).
   */
  private boolean[] candidateMask(TrainingData data, int user, int positive, boolean[] leftOut, float[][] features) {
    int n = data.numItems();
    boolean[] seen = leftOut.clone();
    for (int p = data.offsets()[user]; p < data.offsets()[user + 1]; p++) seen[data.historyItems()[p]] = true;
    if (config.sameDomain()) {
      int[] itemDomains = data.itemDomains();
      for (int i = 0; i < n; i++) seen[i] |= itemDomains[i] != itemDomains[positive];
    }
    return candidates(features, retrievers, seen, config.candidates());
  }

  private static void writeDifference(float[][] features, int positive, int negative, float[] out, int offset) {
    for (int j = 0; j < features.length; j++) out[offset + j] = features[j][positive] - features[j][negative];
  }

  /**
   * Users with at least {@link #MIN_HISTORY} training items and some item left to be a negative, at most
   * {@link #MAX_RANKER_USERS} drawn by the seed.
   */
  private static int[] pickUsers(TrainingData data, long seed, boolean crossDomain) {
    int[] eligible = IntStream.range(0, data.numUsers())
        .filter(u -> data.historyLength(u) >= MIN_HISTORY && data.historyLength(u) < data.numItems()).toArray();
    if (crossDomain) {
      int[] across = Arrays.stream(eligible).filter(u -> domainsOf(data, u) > 1).toArray();
      if (across.length >= MIN_CROSS_DOMAIN_USERS) eligible = across;
    }
    if (eligible.length == 0) {
      throw new IllegalArgumentException("a learned ranker needs users with at least " + MIN_HISTORY
          + " training items");
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int k = eligible.length - 1; k > 0; k--) {
      int pick = random.nextInt(k + 1);
      int swap = eligible[k];
      eligible[k] = eligible[pick];
      eligible[pick] = swap;
    }
    int[] chosen = Arrays.copyOf(eligible, Math.min(MAX_RANKER_USERS, eligible.length));
    Arrays.sort(chosen);
    return chosen;
  }

  /** How many domains the user's training history touches, counted up to two. */
  private static int domainsOf(TrainingData data, int user) {
    int[] domains = data.itemDomains(), items = data.historyItems();
    int from = data.offsets()[user], to = data.offsets()[user + 1];
    for (int p = from + 1; p < to; p++) if (domains[items[p]] != domains[items[from]]) return 2;
    return to > from ? 1 : 0;
  }

  /**
   * A seeded {@code share} of the items with events (at least one): those whose events the parts do not see while
   * the ranker learns.
   */
  private static boolean[] coldItems(TrainingData data, double share, long seed) {
    int[] pop = data.popularity();
    int[] withEvents = IntStream.range(0, pop.length).filter(i -> pop[i] > 0).toArray();
    SplittableRandom random = new SplittableRandom(seed ^ 0xC01D17E35L);
    int chosen = Math.max(1, (int) Math.round(share * withEvents.length));
    boolean[] cold = new boolean[pop.length];
    for (int k = 0; k < chosen && k < withEvents.length; k++) { // a partial Fisher–Yates shuffle
      int pick = k + random.nextInt(withEvents.length - k);
      int swap = withEvents[k];
      withEvents[k] = withEvents[pick];
      withEvents[pick] = swap;
      cold[withEvents[k]] = true;
    }
    return cold;
  }

  /**
   * What each group of {@code data}'s users took, grouped by the attributes most of them have; null when no attribute
   * qualifies ({@link GroupPopularity#keysFor}).
   */
  private static GroupPopularity groups(TrainingData data) {
    if (!data.hasUserAttributes()) return null;
    List<Map<String, Object>> attributes = new ArrayList<>();
    for (int u = 0; u < data.numUsers(); u++) attributes.add(data.userAttributes(u));
    List<String> keys = GroupPopularity.keysFor(attributes, data.numUsers());
    if (keys.isEmpty()) return null;
    GroupPopularity.Builder b = GroupPopularity.builder(data.numItems(), keys);
    int[] offsets = data.offsets(), items = data.historyItems();
    for (int u = 0; u < data.numUsers(); u++) {
      Map<String, Object> a = attributes.get(u);
      for (int p = offsets[u]; p < offsets[u + 1]; p++) b.add(a, items[p]);
    }
    return b.build();
  }

  /** The {@link #HISTORY_LENGTH} feature of a history of {@code items} items. */
  static float historyLength(int items) {
    return (float) Math.log1p(items);
  }

  /**
   * Per held-out user (sorted), how many of their first events the ranker's fit knows: all but the last, or for a
   * seeded {@code earlyShare} of them, {@value #EARLY_FIRST} to {@value #EARLY_LAST} (fewer when the history is
   * shorter), drawn uniformly; the next event is the one held out.
   */
  private static int[] knownEvents(TrainingData data, int[] users, double earlyShare, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0xEA21E15L);
    int[] known = new int[users.length];
    for (int slot = 0; slot < users.length; slot++) {
      int length = data.historyLength(users[slot]);
      known[slot] = length - 1;
      if (earlyShare > 0 && random.nextDouble() < earlyShare) {
        int most = Math.min(EARLY_LAST, length - 1);
        known[slot] = EARLY_FIRST + random.nextInt(Math.max(1, most - EARLY_FIRST + 1));
      }
    }
    return known;
  }

  /**
   * The training data with only the first {@code known[slot]} events of each of {@code users} (sorted; its event at
   * that place is held out and so are those after it) and less every event of the {@code removed} items (null:
   * none).
   */
  private static TrainingData withHeldOut(TrainingData data, int[] users, int[] known, boolean[] removed) {
    String[] ids = new String[data.numUsers()];
    for (int u = 0; u < ids.length; u++) ids[u] = data.userId(u);
    TrainingData.Builder b = TrainingData.builder(data.catalog(), ids);
    int[] offsets = data.offsets(), items = data.historyItems();
    float[] w = data.historyWeights();
    long[] clocks = data.historyClocks();
    for (int u = 0; u < ids.length; u++) {
      int slot = Arrays.binarySearch(users, u);
      int end = slot >= 0 ? offsets[u] + known[slot] : offsets[u + 1];
      for (int p = offsets[u]; p < end; p++) {
        if (removed == null || !removed[items[p]]) b.add(u, items[p], w[p], clocks[p]);
      }
    }
    return b.build().withUserAttributesOf(data);
  }
}
