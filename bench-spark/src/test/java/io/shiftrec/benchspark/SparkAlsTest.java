package io.shiftrec.benchspark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiftrec.learn.Interactions;
import org.junit.jupiter.api.Test;

class SparkAlsTest {
  @Test
  void regParamDividesLambdaByTheMeanLengthOfRowsWithAnInteraction() {
    // user 0 has items 0 and 1, user 1 item 1, user 2 and item 2 nothing: 2 user rows and 2 item rows share 3
    // interactions, so a row holds 6 / 4 = 1.5 on average
    Interactions data = Interactions.binary(3, 3, new int[] {0, 2, 3, 3}, new int[] {0, 1, 1});
    assertEquals(2.0, SparkAls.regParam(3f, data), 1e-12);
  }
}
