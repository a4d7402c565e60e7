package io.shiftrec.learn;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading hyperparameters given as text ({@code factors=64}), with errors that name the key and the value. */
final class Parameters {
  private Parameters() {}

  static int positiveInt(String key, String value) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v > 0) return v;
    } catch (NumberFormatException e) {
      // reported below with the key
    }
    throw new IllegalArgumentException(key + " must be a positive integer, got '" + value + "'");
  }

  static float nonNegative(String key, String value) {
    try {
      float v = Float.parseFloat(value.trim());
      if (v >= 0 && !Float.isInfinite(v)) return v;
    } catch (NumberFormatException e) {
      // reported below with the key
    }
    throw new IllegalArgumentException(key + " must be a number ≥ 0, got '" + value + "'");
  }

  static IllegalArgumentException unknown(String model, String key, Map<String, Object> known) {
    return new IllegalArgumentException("unknown hyperparameter '" + key + "' of " + model + " (known: "
        + String.join(", ", known.keySet()) + ")");
  }

  /** A map of alternating keys and values, in the order given (how a config lists its hyperparameters). */
  static Map<String, Object> inOrder(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }
}
