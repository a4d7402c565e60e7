package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Vectors;
import io.shiftrec.interest.Feedback;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ShiftRec's recommender for one user at a time: builds the user's {@link InterestProfile}s from their history,
 * scores the catalogue with {@link ShiftRecModel}'s kernel mixture, re-ranks the best candidates for diversity
 * (maximal marginal relevance), and explains each pick by the interest it serves and the history items that
 * support it most.
 */
public final class InterestRecommender {
  /** Candidates re-ranked for diversity, per item asked. */
  private static final int CANDIDATES_PER_PICK = 10;

  private final Catalog catalog;
  private final InterestConfig config;
  private final float temperature;

  /** {@code catalog} as stored; scoring uses its {@link Catalog#centred() centred} form. */
  public InterestRecommender(Catalog catalog, InterestConfig config, float temperature) {
    this.catalog = catalog.centred();
    this.config = config;
    this.temperature = temperature;
  }

  public static InterestRecommender withDefaults(Catalog catalog) {
    return new InterestRecommender(catalog, InterestConfig.defaults(), ShiftRecModel.DEFAULT_TEMPERATURE);
  }

  /**
   * The user's interest profiles by embedding model, replayed over the history in order. As in
   * {@link TrainingData}, each item counts once, at its first event, with the largest weight of its events, so a
   * rating followed by five tags on the same film is one like, not six.
   */
  public Map<String, InterestProfile> profiles(List<Event> history) {
    Map<Integer, Event> firstEvent = new LinkedHashMap<>();
    Map<Integer, Double> weight = new LinkedHashMap<>();
    for (Event e : history) {
      int i = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (i < 0 || catalog.spaceOf(i) == null) continue;
      firstEvent.putIfAbsent(i, e);
      weight.merge(i, Feedback.weight(e), Math::max);
    }
    Map<String, InterestProfile> profiles = new LinkedHashMap<>();
    for (Map.Entry<Integer, Event> entry : firstEvent.entrySet()) {
      int i = entry.getKey();
      Catalog.Space space = catalog.spaceOf(i);
      profiles.computeIfAbsent(space.model, m -> new InterestProfile(config, space.dimension))
          .observe(catalog.vector(i), weight.get(i), entry.getValue().clock(), i, catalog.item(i).categories());
    }
    return profiles;
  }

  /**
   * The {@code k} best items for a user with this history, optionally only from {@code domain} (null for any).
   *
   * @param diversity 0 ranks by relevance alone; towards 1, items similar to those already picked are pushed down
   */
  public List<Recommendation> recommend(List<Event> history, int k, String domain, boolean explain,
                                        double diversity) {
    if (diversity < 0 || diversity > 1) throw new IllegalArgumentException("diversity must be in [0, 1]");
    Map<String, InterestProfile> profiles = profiles(history);
    BitSet seen = new BitSet(catalog.size());
    for (Event e : history) {
      int i = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (i >= 0) seen.set(i);
    }
    float[] scores = new float[catalog.size()];
    java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (Map.Entry<String, InterestProfile> e : profiles.entrySet()) {
      if (!e.getValue().isEmpty()) {
        ShiftRecModel.scoreSpace(e.getValue(), catalog.spaces().get(e.getKey()), temperature, scores);
      }
    }
    TopK top = new TopK(k * CANDIDATES_PER_PICK);
    for (int i = 0; i < scores.length; i++) {
      if (seen.get(i) || scores[i] == Float.NEGATIVE_INFINITY) continue;
      if (domain != null && !domain.equals(catalog.item(i).domain())) continue;
      top.offer(i, scores[i]);
    }
    float[] candidateScores = new float[k * CANDIDATES_PER_PICK];
    int[] candidates = top.drain(candidateScores);
    int[] picks = diversify(candidates, candidateScores, k, diversity);
    List<Recommendation> out = new ArrayList<>(picks.length);
    for (int n : picks) {
      int item = candidates[n];
      String reason = explain ? reason(item, profiles.get(catalog.spaceOf(item).model), history) : null;
      out.add(new Recommendation(catalog.item(item), candidateScores[n], reason));
    }
    return out;
  }

  /**
   * Maximal marginal relevance: repeatedly picks the candidate maximising
   * {@code (1 − diversity)·relevance − diversity·max similarity to the picks so far}, relevance scaled to [0, 1].
   * Returns positions in {@code candidates}.
   */
  private int[] diversify(int[] candidates, float[] scores, int k, double diversity) {
    int n = candidates.length, picks = Math.min(k, n);
    int[] out = new int[picks];
    if (n == 0) return out;
    float best = scores[0], worst = scores[n - 1];
    float range = best > worst ? best - worst : 1f;
    float[] maxSim = new float[n];
    java.util.Arrays.fill(maxSim, -1f);
    boolean[] taken = new boolean[n];
    for (int p = 0; p < picks; p++) {
      int choice = -1;
      double choiceValue = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        if (taken[c]) continue;
        double relevance = (scores[c] - worst) / range;
        double value = (1 - diversity) * relevance - (p == 0 ? 0 : diversity * maxSim[c]);
        if (value > choiceValue) {
          choiceValue = value;
          choice = c;
        }
      }
      taken[choice] = true;
      out[p] = choice;
      if (diversity > 0) {
        for (int c = 0; c < n; c++) {
          if (!taken[c]) maxSim[c] = Math.max(maxSim[c], catalog.similarity(candidates[c], candidates[choice]));
        }
      }
    }
    return out;
  }

  /** The interest that contributes most to the item's score, and its one or two liked members closest to it. */
  private String reason(int item, InterestProfile profile, List<Event> history) {
    if (profile == null || profile.isEmpty()) return null;
    List<Interest> interests = profile.interests();
    double[] mixture = new double[interests.size()];
    profile.mixture(mixture);
    float[] v = catalog.vector(item);
    Interest served = null;
    double bestContribution = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < interests.size(); k++) {
      double contribution = mixture[k]
          * ShiftRecModel.kernel(Vectors.dot(v, interests.get(k).centroid()), 1f / temperature);
      if (contribution > bestContribution) {
        bestContribution = contribution;
        served = interests.get(k);
      }
    }
    List<Event> support = supportingEvents(item, served, history);
    if (support.isEmpty()) return null;
    List<Item> supportItems = new ArrayList<>(support.size());
    for (Event e : support) supportItems.add(catalog.item(catalog.indexOf(e.item())));
    return Reasons.because(support, supportItems, catalog.item(item), label(served));
  }

  /** Up to two liked events among the interest's recent members, most similar to the item first. */
  private List<Event> supportingEvents(int item, Interest interest, List<Event> history) {
    BitSet members = new BitSet(catalog.size());
    for (int m : interest.recentMembers()) members.set(m);
    Event first = null, second = null;
    float firstSim = Float.NEGATIVE_INFINITY, secondSim = Float.NEGATIVE_INFINITY;
    for (Event e : history) {
      int h = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (h < 0 || !members.get(h) || Feedback.weight(e) <= 0) continue;
      if (first != null && first.item().equals(e.item()) || second != null && second.item().equals(e.item())) continue;
      float sim = catalog.similarity(item, h);
      if (sim > firstSim) {
        second = first;
        secondSim = firstSim;
        first = e;
        firstSim = sim;
      } else if (sim > secondSim) {
        second = e;
        secondSim = sim;
      }
    }
    List<Event> out = new ArrayList<>(2);
    if (first != null) out.add(first);
    if (second != null) out.add(second);
    return out;
  }

  /** A readable name for an interest: its top categories, else the title of its most recent member. */
  public String label(Interest interest) {
    List<String> top = interest.topCategories(2);
    if (!top.isEmpty()) return String.join(", ", top);
    int[] recent = interest.recentMembers();
    return recent.length == 0 ? "#" + interest.id() : "“" + catalog.item(recent[0]).title() + "”";
  }

  public Catalog catalog() {
    return catalog;
  }
}
