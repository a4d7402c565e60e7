package io.shiftrec.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.shiftrec.core.TrainingData;
import org.junit.jupiter.api.Test;

class SequenceNetworkTest {
  /** The plain-Java forward pass scores as the PyTorch training graph does in inference mode, whatever the length. */
  @Test
  void scoresAsTheTrainingGraph() {
    TrainingData train = SequenceModelTest.ring(30, 4, 10, 1);
    for (String heads : new String[] {"1", "2"}) {
      SequenceConfig config = SequenceModelTest.small().with("heads", heads).forData(train);
      SequenceTrainer trainer = new SequenceTrainer(train, config, SequenceModel.ITEM_IDS);
      int[][] histories = {{3}, {4, 5, 6}, {1, 2, 3, 4, 5, 6, 7, 8}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 29}};
      SequenceTrainer.Drawn drawn = trainer.drawn(11, histories);
      float[] scores = new float[30];
      for (int h = 0; h < histories.length; h++) {
        float[] state = drawn.network().state(histories[h], 0, histories[h].length);
        drawn.network().score(state, scores);
        assertArrayEquals(drawn.scores()[h], scores, 1e-4f, "history " + h + ", heads " + heads);
      }
    }
  }
}
