package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

/**
 * MostPopular: every item scores the number of distinct training users who interacted with it, whatever the feedback
 * (a 1★ rating counts as much as a purchase: popularity measures attention, not liking). Same list for everyone.
 */
public final class PopularityModel implements Model {
  public static final String NAME = "pop";
  private float[] scores;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    int[] pop = train.popularity();
    scores = new float[pop.length];
    for (int i = 0; i < pop.length; i++) scores[i] = pop[i];
  }

  @Override
  public void score(int user, float[] scoresOut) {
    System.arraycopy(scores, 0, scoresOut, 0, scores.length);
  }
}
