package io.shiftrec.ranker;

import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.core.Recommendation;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.core.TopK;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.UserInterests;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * ShiftRec's recommender for one user at a time: takes the user's {@link UserInterests} (built from their history,
 * or kept up to date event by event), retrieves candidates near their interests, scores them with
 * {@link ShiftRecModel}'s kernel mixture, re-ranks the best for diversity (maximal marginal relevance), and explains
 * each pick by the interest it serves and the history items that support it most.
 *
 * <p>Retrieval scans the whole catalogue exactly, or, for a recommender made {@link #indexed}, asks an approximate
 * nearest-neighbour index once per interest for a share of the candidates proportional to the interest's weight and
 * scores their union exactly. The index pays for itself where it is built once and queried many times (the
 * server); a single command-line call scans.
 *
 * <p>Thread-safe once built: every call keeps its state on its own stack.
 */
public final class InterestRecommender {
  /** Candidates re-ranked for diversity, per item asked. */
  private static final int CANDIDATES_PER_PICK = 10;

  private final Catalog catalog;
  private final InterestConfig config;
  private final float temperature;
  private final Map<String, AnnIndex> indexes;
  private final LearnedRanking ranking;
  /** Catalogue items never recommended (hidden by the service); they still shape interests and similar items. */
  private final BitSet hidden;

  /** {@code catalog} as stored; scoring uses its {@link Catalog#centred() centred} form. */
  public InterestRecommender(Catalog catalog, InterestConfig config, float temperature) {
    this(catalog.centred(), config, temperature, Map.of(), null, new BitSet());
  }

  /** @param centred the catalogue scoring uses: the stored one centred, or a learned ranker's view of it */
  private InterestRecommender(Catalog centred, InterestConfig config, float temperature,
                              Map<String, AnnIndex> indexes, LearnedRanking ranking, BitSet hidden) {
    this.catalog = centred;
    this.config = config;
    this.temperature = temperature;
    this.indexes = indexes;
    this.ranking = ranking;
    this.hidden = hidden;
  }

  public static InterestRecommender withDefaults(Catalog catalog) {
    return new InterestRecommender(catalog, InterestConfig.defaults(), ShiftRecModel.DEFAULT_TEMPERATURE);
  }

  /**
   * {@link #withDefaults(Catalog)} ranking by a trained learned ranker ({@link LearnedRanking}) instead of the
   * interests alone; null for none. The ranker scores the whole catalogue (its features are standardised over it),
   * so an ANN index ({@link #indexed}) would serve it nothing. A ranker saved with a text adapter changes the space: {@link #catalog()} is
   * then the adapted catalogue, where interests, similar items and queries meet the items.
   */
  public static InterestRecommender withDefaults(Catalog catalog, LearnedRanking.Trained ranker) {
    if (ranker == null) return withDefaults(catalog);
    LearnedRanking learned = ranker.over(catalog, ShiftRecModel.DEFAULT_TEMPERATURE);
    InterestConfig interests = InterestConfig.defaults().withMigrationBoost(ranker.artifact().migrationBoost());
    return new InterestRecommender(learned.catalog(), interests, ShiftRecModel.DEFAULT_TEMPERATURE, Map.of(), learned,
        new BitSet());
  }

  /** The same recommender never recommending the items with these ids (ids not in the catalogue are ignored). */
  public InterestRecommender hiding(Set<String> ids) {
    BitSet hiding = new BitSet(catalog.size());
    for (String id : ids) {
      int i = catalog.indexOf(id);
      if (i >= 0) hiding.set(i);
    }
    return new InterestRecommender(catalog, config, temperature, indexes, ranking, hiding);
  }

  /** Whether the item at {@code index} is hidden from recommendations. */
  public boolean isHidden(int index) {
    return hidden.get(index);
  }

  /** The same recommender retrieving through an ANN index per embedding space, built here (seconds per 10k items). */
  public InterestRecommender indexed(AnnIndex.Params params, long seed) {
    Map<String, AnnIndex> built = new LinkedHashMap<>();
    for (Catalog.Space space : catalog.spaces().values()) built.put(space.model, AnnIndex.build(space, params, seed));
    return new InterestRecommender(catalog, config, temperature, built, ranking, hidden);
  }

  /** Whether candidates come from ANN indexes rather than a full scan. */
  public boolean isIndexed() {
    return !indexes.isEmpty();
  }

  /** Whether a learned ranker ranks (rather than the interests alone). */
  public boolean ranks() {
    return ranking != null;
  }

  /** What ranks: the learned ranker's name and version, or "shiftrec" (the interests alone). */
  public String model() {
    return ranking == null ? ShiftRecModel.NAME : ranking.version();
  }

  /** The user's interests, replayed over the history in order, behaviour text embedded by {@code texts}. */
  public UserInterests interests(List<Event> history, TextVectors texts) {
    UserInterests user = new UserInterests(catalog, config);
    user.addAll(history, texts);
    return user;
  }

  /** {@link #recommend(UserInterests, RecommendRequest)} for a history, items alone. */
  public List<Recommendation> recommend(List<Event> history, int k, String domain, boolean explain,
                                        double diversity) {
    return recommend(interests(history, TextVectors.NONE), RecommendRequest.of(k, domain, explain, diversity));
  }

  /** {@link #recommend(UserInterests, RecommendRequest)}: the first {@code k}, only {@code domain} (null for any). */
  public List<Recommendation> recommend(UserInterests user, int k, String domain, boolean explain,
                                        double diversity) {
    return recommend(user, RecommendRequest.of(k, domain, explain, diversity));
  }

  /**
   * The best items for a user, never one they have met nor a hidden one, as the request asks: the items at places
   * {@code offset} to {@code offset + k} of the user's list, those the request admits, boosted as it says.
   */
  public List<Recommendation> recommend(UserInterests user, RecommendRequest request) {
    return recommend(user, request, null);
  }

  /**
   * A learned ranker's candidates for one user and every item they may be recommended (unseen, not hidden), with the
   * ranker's scores, in catalogue order: what a fresh ranking offers a request that narrows nothing. Kept per user
   * between their events (the server does), it answers any page, boost or diversity of such a request without
   * ranking again, with exactly the fresh ranking's items and scores.
   */
  public static final class RankedCandidates {
    private final InterestRecommender rankedBy;
    private final int[] items;
    private final float[] scores;

    private RankedCandidates(InterestRecommender rankedBy, int[] items, float[] scores) {
      this.rankedBy = rankedBy;
      this.items = items;
      this.scores = scores;
    }

    /** How many items the ranker kept for the user. */
    public int size() {
      return items.length;
    }

    /** Bytes held, for the server's memory bound. */
    public long bytes() {
      return 16L + 8L * items.length;
    }
  }

  /** The user's {@link RankedCandidates}; null without a learned ranker (retrieval by the index is cheap already). */
  public RankedCandidates rankedCandidates(UserInterests user) {
    if (user.catalog() != catalog) throw new IllegalArgumentException("interests of another catalogue");
    if (ranking == null) return null;
    IntPredicate eligible = i -> !user.hasSeen(i) && !hidden.get(i);
    float[] scores = new float[catalog.size()];
    ranking.score(user, eligible, scores);
    int n = 0;
    for (int i = 0; i < scores.length; i++) if (scores[i] != Float.NEGATIVE_INFINITY && eligible.test(i)) n++;
    int[] items = new int[n];
    float[] kept = new float[n];
    for (int i = 0, c = 0; i < scores.length; i++) {
      if (scores[i] == Float.NEGATIVE_INFINITY || !eligible.test(i)) continue;
      items[c] = i;
      kept[c++] = scores[i];
    }
    return new RankedCandidates(this, items, kept);
  }

  /**
   * {@link #recommend(UserInterests, RecommendRequest)}, from {@code ranked} (the user's candidates as this
   * recommender ranked them) when the request narrows nothing; ranked afresh otherwise, or when {@code ranked} is
   * null or another recommender's.
   */
  public List<Recommendation> recommend(UserInterests user, RecommendRequest request, RankedCandidates ranked) {
    if (user.catalog() != catalog) throw new IllegalArgumentException("interests of another catalogue");
    int picks = request.offset() + request.k();
    int want = picks * CANDIDATES_PER_PICK;
    BitSet excluded = new BitSet();
    for (String id : request.exclude()) {
      int i = catalog.indexOf(id);
      if (i >= 0) excluded.set(i);
    }
    boolean admitsAll = request.domain() == null && request.filter() == null;
    IntPredicate eligible = i -> !user.hasSeen(i) && !hidden.get(i) && !excluded.get(i)
        && (admitsAll || request.admits(catalog.item(i)));
    TopK top = new TopK(want);
    if (ranked != null && ranked.rankedBy == this && request.narrowsNothing()) {
      offer(ranked.items, ranked.scores, ranked.items.length, eligible, request, top);
    } else if (ranking != null) rank(user, eligible, request, top);
    else if (indexes.isEmpty()) scan(user, eligible, request, top);
    else retrieve(user, eligible, want, request, top);
    float[] candidateScores = new float[want];
    int[] candidates = top.drain(candidateScores);
    int[] order = diversify(catalog, candidates, candidateScores, picks, request.diversity());
    List<Recommendation> out = new ArrayList<>(request.k());
    for (int p = request.offset(); p < order.length; p++) {
      int item = candidates[order[p]];
      String[] reason = request.explain() ? reason(item, user, request.language()) : null;
      out.add(new Recommendation(catalog.item(item), candidateScores[order[p]], reason == null ? null : reason[0],
          reason == null ? null : reason[1]));
    }
    return out;
  }

  /**
   * The score of every catalogue item for the user, items they have met at −∞: the learned ranker's when there is
   * one, else the interests' kernel mixture. What {@link #recommend} ranks by, and what {@code evaluate} measures.
   */
  public void score(UserInterests user, float[] scoresOut) {
    if (user.catalog() != catalog) throw new IllegalArgumentException("interests of another catalogue");
    IntPredicate unseen = i -> !user.hasSeen(i);
    if (ranking != null) ranking.score(user, unseen, scoresOut);
    else mixture(user, scoresOut);
    for (int i = 0; i < scoresOut.length; i++) {
      if (user.hasSeen(i) || hidden.get(i)) scoresOut[i] = Float.NEGATIVE_INFINITY;
    }
  }

  /** Scores every catalogue item with the learned ranker. */
  private void rank(UserInterests user, IntPredicate eligible, RecommendRequest request, TopK top) {
    float[] scores = new float[catalog.size()];
    ranking.score(user, eligible, scores);
    offer(null, scores, scores.length, eligible, request, top);
  }

  /** Scores every catalogue item exactly. */
  private void scan(UserInterests user, IntPredicate eligible, RecommendRequest request, TopK top) {
    float[] scores = new float[catalog.size()];
    mixture(user, scores);
    offer(null, scores, scores.length, eligible, request, top);
  }

  /**
   * Offers the eligible scored items (−∞: not retrieved) to {@code top}, each lifted by the request's boosts in
   * standard deviations of the eligible scores. {@code items} null: {@code scores} is indexed by item.
   */
  private void offer(int[] items, float[] scores, int n, IntPredicate eligible, RecommendRequest request, TopK top) {
    float spread = 0f;
    if (!request.boosts().isEmpty()) {
      double sum = 0, sumSquares = 0;
      int count = 0;
      for (int j = 0; j < n; j++) {
        int i = items == null ? j : items[j];
        if (scores[j] == Float.NEGATIVE_INFINITY || !eligible.test(i)) continue;
        sum += scores[j];
        sumSquares += (double) scores[j] * scores[j];
        count++;
      }
      spread = count < 2 ? 1f : (float) Math.sqrt(Math.max(0, sumSquares / count - (sum / count) * (sum / count)));
    }
    for (int j = 0; j < n; j++) {
      int i = items == null ? j : items[j];
      if (scores[j] == Float.NEGATIVE_INFINITY || !eligible.test(i)) continue;
      float score = scores[j];
      if (spread != 0f) score += (float) (spread * request.lift(catalog.item(i)));
      top.offer(i, score);
    }
  }

  /** The interests' kernel mixture for every item; −∞ for items in no space the user has interests in. */
  private void mixture(UserInterests user, float[] scores) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (Map.Entry<String, InterestProfile> e : user.profiles().entrySet()) {
      if (!e.getValue().isEmpty()) {
        ShiftRecModel.scoreSpace(e.getValue(), catalog.spaces().get(e.getKey()), temperature, scores);
      }
    }
  }

  /**
   * Asks each space's index once per interest, for a share of the candidates that follows the interest's weight
   * (at least {@code want / interests}, so a small interest still brings its nearest items), then scores the union
   * exactly with the kernel mixture.
   */
  private void retrieve(UserInterests user, IntPredicate eligible, int want, RecommendRequest request, TopK top) {
    BitSet offered = new BitSet(catalog.size());
    int[] found = new int[want];
    int[] retrieved = new int[want];
    float[] retrievedScores = new float[want];
    int n = 0;
    float inverseTemperature = 1f / temperature;
    for (Map.Entry<String, InterestProfile> e : user.profiles().entrySet()) {
      InterestProfile profile = e.getValue();
      AnnIndex index = indexes.get(e.getKey());
      if (profile.isEmpty() || index == null) continue;
      List<Interest> interests = profile.interests();
      double[] mixture = new double[interests.size()];
      profile.mixture(mixture);
      int floor = Math.max(1, want / interests.size());
      for (int k = 0; k < interests.size(); k++) {
        if (mixture[k] <= 0) continue;
        int ask = Math.min(want, Math.max(floor, (int) Math.ceil(want * mixture[k])));
        int hits = index.search(interests.get(k).centroid(), ask, eligible, found, null);
        for (int j = 0; j < hits; j++) {
          int item = found[j];
          if (offered.get(item)) continue;
          offered.set(item);
          if (n == retrieved.length) {
            retrieved = Arrays.copyOf(retrieved, 2 * n);
            retrievedScores = Arrays.copyOf(retrievedScores, 2 * n);
          }
          retrieved[n] = item;
          retrievedScores[n++] = mixtureScore(item, interests, mixture, inverseTemperature);
        }
      }
    }
    offer(retrieved, retrievedScores, n, eligible, request, top);
  }

  private float mixtureScore(int item, List<Interest> interests, double[] mixture, float inverseTemperature) {
    float score = 0f;
    for (int k = 0; k < interests.size(); k++) {
      if (mixture[k] <= 0) continue;
      score += (float) mixture[k]
          * ShiftRecModel.kernel(catalog.dot(item, interests.get(k).centroid()), inverseTemperature);
    }
    return score;
  }

  /**
   * Maximal marginal relevance: repeatedly picks the candidate maximising
   * {@code (1 − diversity)·relevance − diversity·max similarity to the picks so far}, relevance scaled to [0, 1].
   * Returns positions in {@code candidates}.
   *
   * <p>Lazily: a candidate's similarity to the picks only grows, so its value with the similarities computed so far
   * bounds its value from above; only the candidate with the highest bound has its similarities brought up to date,
   * and it is picked once they are. The picks (ties to the earlier candidate) are those of computing every
   * similarity, for a few similarities per pick instead of one per candidate.
   */
  static int[] diversify(Catalog catalog, int[] candidates, float[] scores, int k, double diversity) {
    int n = candidates.length, picks = Math.min(k, n);
    int[] out = new int[picks];
    if (n == 0) return out;
    float best = scores[0], worst = scores[n - 1];
    float range = best > worst ? best - worst : 1f;
    float[] maxSim = new float[n];
    Arrays.fill(maxSim, -1f);
    int[] comparedWith = new int[n]; // picks folded into maxSim[c]
    boolean[] taken = new boolean[n];
    for (int p = 0; p < picks; p++) {
      while (true) {
        int choice = -1;
        double choiceBound = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
          if (taken[c]) continue;
          double relevance = (scores[c] - worst) / range;
          double bound = (1 - diversity) * relevance - (p == 0 ? 0 : diversity * maxSim[c]);
          if (choice < 0 || bound > choiceBound) { // a NaN score still yields a pick, never an index of −1
            choiceBound = bound;
            choice = c;
          }
        }
        if (p == 0 || diversity == 0 || comparedWith[choice] == p) {
          taken[choice] = true;
          out[p] = choice;
          break;
        }
        for (int q = comparedWith[choice]; q < p; q++) {
          maxSim[choice] = Math.max(maxSim[choice], catalog.similarity(candidates[choice], candidates[out[q]]));
        }
        comparedWith[choice] = p;
      }
    }
    return out;
  }

  /**
   * Why the item is recommended, with the user's own words and without them ({@link Recommendation#impersonalReason}):
   * the interest that contributes most to the item's score and its one or two liked members closest to it, or, from
   * the learned ranker, the item chosen before or with it. Null when nothing supports it.
   */
  private String[] reason(int item, UserInterests user, String language) {
    boolean zh = Reasons.chinese(language, catalog.language(item));
    String domain = catalog.item(item).domain();
    if (ranking != null) {
      int chosenBefore = ranking.strongestPredecessor(item, user);
      if (chosenBefore >= 0) {
        Event e = user.evidence(chosenBefore).event();
        Item before = catalog.item(chosenBefore);
        return new String[] {Reasons.fromDomain(Reasons.chosenNext(e, before, zh, true), before.domain(), domain, zh),
            Reasons.fromDomain(Reasons.chosenNext(e, before, zh, false), before.domain(), domain, zh)};
      }
      int chosenWith = ranking.strongestNeighbour(item, user);
      if (chosenWith >= 0) {
        Event e = user.evidence(chosenWith).event();
        Item with = catalog.item(chosenWith);
        return new String[] {Reasons.fromDomain(Reasons.chosenTogether(e, with, zh, true), with.domain(), domain, zh),
            Reasons.fromDomain(Reasons.chosenTogether(e, with, zh, false), with.domain(), domain, zh)};
      }
    }
    if (catalog.spaceOf(item) == null) return null;
    InterestProfile profile = user.profiles().get(catalog.spaceOf(item).model);
    if (profile == null || profile.isEmpty()) return null;
    List<Interest> interests = profile.interests();
    double[] mixture = new double[interests.size()];
    profile.mixture(mixture);
    Interest served = null;
    double bestContribution = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < interests.size(); k++) {
      double contribution = mixture[k]
          * ShiftRecModel.kernel(catalog.dot(item, interests.get(k).centroid()), 1f / temperature);
      if (contribution > bestContribution) {
        bestContribution = contribution;
        served = interests.get(k);
      }
    }
    int[] support = supportingItems(item, served, user);
    if (support.length == 0) return null;
    List<Event> events = new ArrayList<>(support.length);
    List<Item> items = new ArrayList<>(support.length);
    for (int h : support) {
      events.add(user.evidence(h).event());
      items.add(catalog.item(h));
    }
    String label = label(served);
    String from = items.get(0).domain(); // said when every supporting item lies in one other domain
    for (Item i : items) if (!i.domain().equals(from)) from = null;
    return new String[] {Reasons.fromDomain(Reasons.because(events, items, label, zh, true), from, domain, zh),
        Reasons.fromDomain(Reasons.because(events, items, label, zh, false), from, domain, zh)};
  }

  /** Up to two liked items among the interest's recent members, most similar to the item first. */
  private int[] supportingItems(int item, Interest interest, UserInterests user) {
    int first = -1, second = -1;
    float firstSim = Float.NEGATIVE_INFINITY, secondSim = Float.NEGATIVE_INFINITY;
    for (int h : interest.recentMembers()) {
      UserInterests.Evidence evidence = user.evidence(h);
      if (evidence == null || evidence.weight() <= 0) continue;
      float sim = catalog.similarity(item, h);
      if (sim > firstSim) {
        second = first;
        secondSim = firstSim;
        first = h;
        firstSim = sim;
      } else if (sim > secondSim) {
        second = h;
        secondSim = sim;
      }
    }
    return first < 0 ? new int[0] : second < 0 ? new int[] {first} : new int[] {first, second};
  }

  /** A readable name for an interest: its top categories, else the title of its most recent member. */
  public String label(Interest interest) {
    List<String> top = interest.topCategories(2);
    if (!top.isEmpty()) return String.join(", ", top);
    int[] recent = interest.recentMembers();
    return recent.length == 0 ? "#" + interest.id() : "“" + catalog.item(recent[0]).title() + "”";
  }

  /** How it builds a user's interests (the learned ranker's saved migration boost, when one ranks). */
  public InterestConfig config() {
    return config;
  }

  public Catalog catalog() {
    return catalog;
  }
}
