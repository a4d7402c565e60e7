package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

/**
 * MostPopular within a domain. The user's domain is the domain of their most recent training interaction (a model
 * is not told the target's domain): items of that domain come first, by popularity, then every other item by
 * popularity. Where a protocol ranks within the target's domain only, this equals {@link PopularityModel}. On a single-domain dataset this is
 * exactly {@link PopularityModel}. Users without training history get global popularity.
 */
public final class DomainPopularityModel implements Model {
  public static final String NAME = "pop-domain";
  private TrainingData train;
  private float[] pop;
  private float boost;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    int[] counts = train.popularity();
    pop = new float[counts.length];
    int max = 0;
    for (int i = 0; i < counts.length; i++) {
      pop[i] = counts[i];
      max = Math.max(max, counts[i]);
    }
    boost = max + 1f; // exact in float up to 2^24 interactions per item
  }

  @Override
  public void score(int user, float[] scoresOut) {
    int domain = train.lastDomain(user);
    int[] itemDomain = train.itemDomains();
    for (int i = 0; i < pop.length; i++) scoresOut[i] = itemDomain[i] == domain ? pop[i] + boost : pop[i];
  }
}
