package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LambdaMartTest {
  private static final int DIMS = 3;
  private static final int PER_GROUP = 20;

  /**
   * Groups of 20 rows with one relevant row each: the only row whose x0 is high and x1 is low at once, an
   * interaction no weighted sum of the features ranks first (either feature alone ranks it among many).
   */
  private static float[] rows(int groups, long seed, float[] labels) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] rows = new float[groups * PER_GROUP * DIMS];
    for (int g = 0; g < groups; g++) {
      int relevant = random.nextInt(PER_GROUP);
      for (int r = 0; r < PER_GROUP; r++) {
        int at = (g * PER_GROUP + r) * DIMS;
        boolean high = random.nextBoolean();
        if (r == relevant) {
          rows[at] = 0.8f + 0.2f * (float) random.nextDouble();
          rows[at + 1] = 0.2f * (float) random.nextDouble();
        } else if (high) { // high on x0, but high on x1 too
          rows[at] = 0.8f + 0.2f * (float) random.nextDouble();
          rows[at + 1] = 0.8f + 0.2f * (float) random.nextDouble();
        } else { // low on x1, but low on x0 too
          rows[at] = 0.2f * (float) random.nextDouble();
          rows[at + 1] = 0.2f * (float) random.nextDouble();
        }
        rows[at + 2] = (float) random.nextDouble(); // noise
        if (labels != null) labels[g * PER_GROUP + r] = r == relevant ? 1f : 0f;
      }
    }
    return rows;
  }

  private static int[] sizes(int groups) {
    int[] sizes = new int[groups];
    java.util.Arrays.fill(sizes, PER_GROUP);
    return sizes;
  }

  private static final LambdaMart.Config SMALL = new LambdaMart.Config(50, 7, 0.1, 20);

  @Test
  void learnsAnInteractionThatPutsTheRelevantRowFirst() {
    float[] labels = new float[300 * PER_GROUP];
    float[] train = rows(300, 1, labels);
    try (LambdaMart model = LambdaMart.fit(train, DIMS, sizes(300), labels, SMALL, 7)) {
      float[] testLabels = new float[100 * PER_GROUP];
      float[] test = rows(100, 2, testLabels);
      double[] scores = model.score(test, 100 * PER_GROUP, DIMS);
      int first = 0;
      for (int g = 0; g < 100; g++) {
        int best = g * PER_GROUP;
        for (int r = g * PER_GROUP; r < (g + 1) * PER_GROUP; r++) if (scores[r] > scores[best]) best = r;
        if (testLabels[best] == 1f) first++;
      }
      assertTrue(first >= 95, first + " of 100 relevant rows ranked first");
    }
  }

  @Test
  void sameSeedSameTreesAndTextRoundTrips() {
    float[] labels = new float[100 * PER_GROUP];
    float[] train = rows(100, 3, labels);
    try (LambdaMart a = LambdaMart.fit(train, DIMS, sizes(100), labels, SMALL, 11);
         LambdaMart b = LambdaMart.fit(train, DIMS, sizes(100), labels, SMALL, 11);
         LambdaMart read = LambdaMart.fromText(a.text())) {
      assertEquals(a.text(), b.text());
      float[] test = rows(10, 4, null);
      assertArrayEquals(a.score(test, 10 * PER_GROUP, DIMS), read.score(test, 10 * PER_GROUP, DIMS), 0.0);
    }
  }

  /** Callers at once score with boosters of their own and get what one caller alone gets. */
  @Test
  void concurrentCallersGetTheSameScoresAsOne() throws Exception {
    float[] labels = new float[100 * PER_GROUP];
    float[] train = rows(100, 5, labels);
    try (LambdaMart model = LambdaMart.fit(train, DIMS, sizes(100), labels, SMALL, 13)) {
      float[] test = rows(50, 6, null);
      double[] alone = model.score(test, 50 * PER_GROUP, DIMS);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<double[]>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) answers.add(pool.submit(() -> model.score(test, 50 * PER_GROUP, DIMS)));
      for (Future<double[]> a : answers) assertArrayEquals(alone, a.get(), 0.0);
      pool.shutdown();
    }
  }

  @Test
  void refusesWhatIsNotAModelOrDoesNotFit() {
    assertThrows(IllegalArgumentException.class, () -> LambdaMart.fromText("not a model"));
    assertThrows(IllegalArgumentException.class,
        () -> LambdaMart.fit(new float[5], DIMS, new int[] {2}, new float[2], SMALL, 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LambdaMart.Config(0, 7, 0.1, 20))
        .getMessage().contains("trees ≥ 1"));
  }
}
