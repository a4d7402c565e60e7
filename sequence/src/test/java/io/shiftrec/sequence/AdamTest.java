package io.shiftrec.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
  /**
   * A step whose gradient holds a number that is not finite changes no weight and leaves the gradients at zero, so
   * the next step starts clean; a finite one moves the weights.
   */
  @Test
  void aGradientThatIsNotFiniteIsSkippedAndCleared() {
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      NDArray w = manager.create(new float[] {1f, 2f, 3f});
      NDArray v = manager.create(new float[] {0.5f});
      w.setRequiresGradient(true);
      v.setRequiresGradient(true);
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", w);
      params.put("v", v);
      SequenceTrainer.Adam adam = new SequenceTrainer.Adam(manager, params, 0.1f);
      try (GradientCollector collector = engine.newGradientCollector()) {
        // v's gradient is finite, w's holds an infinity and a NaN: the whole step is skipped
        collector.backward(w.mul(manager.create(new float[] {Float.POSITIVE_INFINITY, Float.NaN, 1f})).sum()
            .add(v.sum()));
      }
      assertFalse(adam.update());
      assertArrayEquals(new float[] {1f, 2f, 3f}, w.toFloatArray());
      assertArrayEquals(new float[] {0.5f}, v.toFloatArray());
      assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray());
      assertArrayEquals(new float[] {0f}, v.getGradient().toFloatArray());
      try (GradientCollector collector = engine.newGradientCollector()) {
        collector.backward(w.sum().add(v.sum()));
      }
      assertTrue(adam.update());
      float[] moved = w.toFloatArray();
      for (int i = 0; i < 3; i++) assertTrue(moved[i] < i + 1f, "weight " + i + " moved against its gradient");
      assertArrayEquals(new float[] {0f, 0f, 0f}, w.getGradient().toFloatArray());
    }
  }
}
