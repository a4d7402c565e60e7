package io.shiftrec.ranker;

import io.shiftrec.core.Item;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a recommendation request asks for beyond the user: how many items, from which place in the ranked list, which
 * items may be recommended, which are lifted, whether to say why, and how diverse.
 *
 * @param k items wanted
 * @param offset items of the ranked list skipped first (paging: the second page of ten is offset 10)
 * @param domain only items of this domain; null for any
 * @param filter only items it accepts (an {@code ItemFilter}); null for any
 * @param exclude ids never recommended (items already on the page, say)
 * @param boosts lifts for the items each accepts
 * @param explain whether each item carries a sentence saying why
 * @param diversity 0 ranks by relevance alone; towards 1, items similar to those already picked are pushed down
 * @param language the language reasons are written in ({@code en} or {@code zh}); null for each item's own
 */
public record RecommendRequest(int k, int offset, String domain, Predicate<Item> filter, Set<String> exclude,
                               List<Boost> boosts, boolean explain, double diversity, String language) {
  public RecommendRequest {
    if (k < 1) throw new IllegalArgumentException("k must be positive, got " + k);
    if (offset < 0) throw new IllegalArgumentException("offset must not be negative, got " + offset);
    if (!(diversity >= 0 && diversity <= 1)) throw new IllegalArgumentException("diversity must be in [0, 1]");
    exclude = exclude == null ? Set.of() : Set.copyOf(exclude);
    boosts = boosts == null ? List.of() : List.copyOf(boosts);
    if (language != null && !LANGUAGES.contains(language)) {
      throw new IllegalArgumentException("reasons are written in en or zh, not '" + language + "'");
    }
  }

  /** The languages reasons are written in. */
  public static final Set<String> LANGUAGES = Set.of("en", "zh");

  /** The first {@code k} items, nothing filtered, excluded or lifted. */
  public static RecommendRequest of(int k, String domain, boolean explain, double diversity) {
    return new RecommendRequest(k, 0, domain, null, Set.of(), List.of(), explain, diversity, null);
  }

  /**
   * Lifts the items {@code items} accepts by {@code lift} standard deviations of the user's scores among the items
   * that may be recommended: 1 moves a typical item about as far as the spread of the user's tastes; negative lifts
   * push down. Scores differ in scale between rankers; their spread per user does not depend on it.
   */
  public record Boost(Predicate<Item> items, double lift) {
    public Boost {
      if (!Double.isFinite(lift)) throw new IllegalArgumentException("a boost's lift must be a finite number");
    }
  }

  /**
   * Whether the request leaves every unseen item eligible (no domain, filter or exclusion), so the user's candidates
   * ranked once ({@link InterestRecommender.RankedCandidates}) answer it as a fresh ranking would.
   */
  public boolean narrowsNothing() {
    return domain == null && filter == null && exclude.isEmpty();
  }

  /** Whether the item may be recommended under the request's domain, filter and exclusions (seen items aside). */
  public boolean admits(Item item) {
    return (domain == null || domain.equals(item.domain())) && !exclude.contains(item.id())
        && (filter == null || filter.test(item));
  }

  /** The total lift of the boosts accepting the item. */
  public double lift(Item item) {
    double lift = 0;
    for (int b = 0; b < boosts.size(); b++) {
      Boost boost = boosts.get(b);
      if (boost.items().test(item)) lift += boost.lift();
    }
    return lift;
  }
}
