package io.shiftrec.ranker;

import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.NextItemModel;
import io.shiftrec.candidates.NextItemSvdModel;

import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NextItemSvdModelTest {
  private static final TrainingData TRAIN = NextItemModelTest.sequences(6, new int[] {0, 1, 2}, new int[] {0, 1, 3},
      new int[] {2, 0}, new int[] {4, 5}, new int[] {4});

  /** At full rank the approximation is the rules themselves, each divided by √((out + 1)·(in + 1)). */
  @Test
  void atFullRankScoresAreTheNormalisedRules() {
    NextItemSvdModel model = new NextItemSvdModel(NextItemSvdModel.NAME, new NextItemSvdModel.Config(2, 5, 6, 2));
    model.fit(TRAIN, 1);
    ItemGraph rules = NextItemModel.transitions(TRAIN, 2, Integer.MAX_VALUE);
    double[] out = new double[6], in = new double[6];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        out[i] += rules.weight(i, j);
        in[j] += rules.weight(i, j);
      }
    }
    float[] scores = new float[6];
    model.score(4, scores); // the user who took 4 alone
    for (int j = 0; j < 6; j++) {
      assertEquals(rules.weight(4, j) / Math.sqrt((out[4] + 1) * (in[j] + 1)), scores[j], 1e-5, "item " + j);
    }
    assertTrue(scores[5] > 0.1f, "4 → 5: " + scores[5]);
  }

  /** The same seed gives the same scores; a view over the latest item alone reads the factors it was fit with. */
  @Test
  void deterministicAndReadableOverOtherWindows() {
    NextItemSvdModel a = new NextItemSvdModel(NextItemSvdModel.NAME, new NextItemSvdModel.Config(2, 5, 2, 3));
    NextItemSvdModel b = new NextItemSvdModel(NextItemSvdModel.NAME, new NextItemSvdModel.Config(2, 5, 2, 3));
    a.fit(TRAIN, 9);
    b.fit(TRAIN, 9);
    float[] sa = new float[6], sb = new float[6];
    a.score(0, sa);
    b.score(0, sb);
    assertArrayEquals(sa, sb);
    NextItemSvdModel latest = new NextItemSvdModel(NextItemSvdModel.NAME, new NextItemSvdModel.Config(2, 1, 2, 3));
    latest.fit(TRAIN, 9);
    float[] view = new float[6], fresh = new float[6];
    a.readingLast(1).score(0, view);
    latest.score(0, fresh);
    assertArrayEquals(fresh, view);
    assertEquals(NextItemSvdModel.NAME + "@1", a.readingLast(1).name());
  }

  /**
   * Scored through a numbering of the items (the ranker over a catalogue of another order, with an item the factors
   * never saw), the scores are those of the factors copied into the catalogue's order, bit for bit.
   */
  @Test
  void scoresThroughAnotherNumberingAsTheFactorsLaidOutInIt() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    int k = 3, rows = 5, n = 6;
    float[] left = new float[rows * k], right = new float[rows * k];
    for (int i = 0; i < left.length; i++) {
      left[i] = (float) random.nextGaussian();
      right[i] = (float) random.nextGaussian();
    }
    io.shiftrec.learn.LowRank.Factors factors = new io.shiftrec.learn.LowRank.Factors(k, left, right);
    int[] itemOfRow = {4, 0, 3, 1, 5}; // catalogue item 2 is new
    int[] rowOfItem = {1, 3, rows, 2, 0, 4}; // the new item reads the zero row after the factors' rows
    NextItemSvdModel.Scorer laidOut = NextItemSvdModel.Scorer.of(factors, itemOfRow, n);
    NextItemSvdModel.Scorer once = NextItemSvdModel.Scorer.of(factors, null, rows + 1);
    int[] history = {5, 2, 0, 3};
    int[] windows = {1, 3, 20};
    float[][] expected = new float[3][n], mapped = new float[3][n];
    NextItemSvdModel.scoreFrom(laidOut, history, 0, history.length, windows, expected);
    NextItemSvdModel.scoreMapped(once, rowOfItem, history, windows, mapped);
    for (int w = 0; w < 3; w++) assertArrayEquals(expected[w], mapped[w], "window " + windows[w]);
    assertEquals(0f, mapped[1][2]);
  }

  @Test
  void hyperparametersAreReadFromTheModelName() {
    assertEquals(NextItemSvdModel.NAME + ":rank=4:iterations=1",
        Models.create("next-item-svd:rank=4:iterations=1").name());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item-svd:rank=0"))
        .getMessage().contains("must be positive"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item-svd:depth=2"))
        .getMessage().contains("unknown hyperparameter 'depth'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item-svd:rank=big"))
        .getMessage().contains("must be an integer"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item-svd:iterations=-1"))
        .getMessage().contains("iterations ≥ 0"));
  }
}
