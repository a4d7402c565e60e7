package io.shiftrec.eval;

import io.shiftrec.recommend.TrainingData;

/**
 * One evaluation task: the data models are fit on, the test users (indices of that data) and, per test user, the
 * target items in clock order ({@code targets[targetOffsets[t] .. targetOffsets[t+1]-1]} for the t-th test user).
 * Candidates are every catalogue item the user has no training interaction with (full ranking); targets are never
 * among the training items. {@code validation} is the same shape for tuning (fit on the training part only), or
 * null when the protocol has none.
 */
public record Split(String protocol, TrainingData train, int[] testUsers, int[] targetOffsets, int[] targets,
                    Split validation) {
  public int numTestUsers() {
    return testUsers.length;
  }

  public int numTargets(int t) {
    return targetOffsets[t + 1] - targetOffsets[t];
  }
}
