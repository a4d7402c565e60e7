package io.shiftrec.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiftrec.core.TrainingData;
import org.junit.jupiter.api.Test;

class SequenceConfigTest {
  /**
   * Unset, the schedule follows the data: a dense set (long histories) trains for 2,400 steps checked every 100, a
   * sparse one for twenty epochs checked once an epoch; set, it is kept.
   */
  @Test
  void theScheduleFollowsTheDataUnlessSet() {
    TrainingData dense = SequenceModelTest.ring(100, 300, 60, 1), sparse = SequenceModelTest.ring(30, 300, 10, 1);
    SequenceConfig forDense = SequenceConfig.defaults().forData(dense);
    assertEquals(2400, forDense.maxSteps());
    assertEquals(100, forDense.validateEvery());
    assertEquals(200, forDense.maxLength());
    SequenceConfig forSparse = SequenceConfig.defaults().forData(sparse);
    int epoch = (300 + 127) / 128; // users per batch of 128
    assertEquals(SequenceConfig.SPARSE_EPOCHS * epoch, forSparse.maxSteps());
    assertEquals(epoch, forSparse.validateEvery());
    assertEquals(50, forSparse.maxLength());
    SequenceConfig set = SequenceConfig.defaults().with("steps", "7").with("validate-every", "3").forData(sparse);
    assertEquals(7, set.maxSteps());
    assertEquals(3, set.validateEvery());
  }
}
