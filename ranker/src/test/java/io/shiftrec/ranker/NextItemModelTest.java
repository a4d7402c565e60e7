package io.shiftrec.ranker;

import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.Model;
import io.shiftrec.candidates.NextItemModel;

import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import org.junit.jupiter.api.Test;

class NextItemModelTest {
  /** Users' sequences over items 0..4, oldest first. */
  private static TrainingData sequences(int[]... histories) {
    return sequences(5, histories);
  }

  /** Users' sequences over items 0 .. items − 1, oldest first. */
  static TrainingData sequences(int items, int[]... histories) {
    Catalog.Builder c = Catalog.builder();
    for (int i = 0; i < items; i++) c.add(new Item("i" + i, "A", "t" + i, null, null, "en", null), null, null);
    String[] users = new String[histories.length];
    for (int u = 0; u < users.length; u++) users[u] = "u" + u;
    TrainingData.Builder b = TrainingData.builder(c.build(), users);
    for (int u = 0; u < histories.length; u++) {
      for (int t = 0; t < histories[u].length; t++) b.add(u, histories[u][t], 1f, t);
    }
    return b.build();
  }

  @Test
  void rulesFollowTheOrderAndWeighCloserSuccessorsMore() {
    // 0 is followed by 1 twice (right after) and by 2 twice (two steps on); 3 only ever comes before 0
    TrainingData train = sequences(new int[] {0, 1, 2}, new int[] {0, 1, 2}, new int[] {3, 0}, new int[] {4});
    NextItemModel model = new NextItemModel(NextItemModel.NAME, new NextItemModel.Config(2, 5, 10));
    model.fit(train, 1);
    ItemGraph rules = model.rules();
    assertEquals(2f, rules.weight(0, 1), 1e-6);
    assertEquals(1f, rules.weight(0, 2), 1e-6); // 1/2 per sequence
    assertEquals(0f, rules.weight(0, 3), 1e-6, "a rule has a direction");
    assertEquals(1f, rules.weight(3, 0), 1e-6);

    float[] scores = new float[5];
    model.score(3, scores); // user 4 took item 4 only, which no one took anything after
    for (float s : scores) assertEquals(0f, s);
    model.score(2, scores); // latest 0 (weight 1), then 3 (weight 1/2)
    assertEquals(2f, scores[1], 1e-6);
    assertEquals(1f, scores[2], 1e-6);
    assertEquals(0.5f, scores[0], 1e-6);
    assertTrue(scores[1] > scores[2] && scores[2] > scores[0]);
  }

  @Test
  void windowLimitsHowFarARuleReaches() {
    TrainingData train = sequences(new int[] {0, 1, 2, 3});
    NextItemModel model = new NextItemModel(NextItemModel.NAME, new NextItemModel.Config(1, 5, 10));
    model.fit(train, 1);
    assertEquals(1f, model.rules().weight(0, 1), 1e-6);
    assertEquals(0f, model.rules().weight(0, 2), 1e-6);
  }

  @Test
  void hyperparametersAreReadFromTheModelName() {
    Model m = Models.create("next-item:window=2:recent=3:neighbours=7");
    NextItemModel.Config c = ((NextItemModel) m).config();
    assertEquals(new NextItemModel.Config(2, 3, 7), c);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item:window=0")).getMessage()
        .contains("must be positive"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("next-item:depth=2")).getMessage()
        .contains("unknown hyperparameter 'depth'"));
  }
}
