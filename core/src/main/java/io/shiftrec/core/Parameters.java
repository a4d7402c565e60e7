package io.shiftrec.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one reader of settings given as text: model hyperparameters on the command line ({@code ials:factors=64}) and
 * the server's settings from the environment or its file. Every error names the setting, the value given and what
 * it must be, so a typo is one clear line, never a stack trace.
 *
 * <p>{@code name} is how the setting is called in the error: the key alone ({@code factors}), or with its owner
 * ({@code negatives of shiftrec-learned}).
 */
public final class Parameters {
  private Parameters() {}

  public static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  public static long longInteger(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  public static int positiveInt(String name, String value) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v > 0) return v;
    } catch (NumberFormatException e) {
      // reported below with the name
    }
    throw new IllegalArgumentException(name + " must be a positive integer, got '" + value + "'");
  }

  /** A finite number. */
  public static double number(String name, String value) {
    try {
      double v = Double.parseDouble(value.trim());
      if (Double.isFinite(v)) return v;
    } catch (NumberFormatException e) {
      // reported below with the name
    }
    throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
  }

  public static float nonNegative(String name, String value) {
    try {
      float v = Float.parseFloat(value.trim());
      if (v >= 0 && !Float.isInfinite(v)) return v;
    } catch (NumberFormatException e) {
      // reported below with the name
    }
    throw new IllegalArgumentException(name + " must be a number ≥ 0, got '" + value + "'");
  }

  /** {@code true} or {@code false}, in any case. */
  public static boolean bool(String name, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    };
  }

  public static IllegalArgumentException unknown(String owner, String key, Collection<String> known) {
    return new IllegalArgumentException("unknown hyperparameter '" + key + "' of " + owner + " (known: "
        + String.join(", ", known) + ")");
  }

  public static IllegalArgumentException unknown(String owner, String key, Map<String, Object> known) {
    return unknown(owner, key, known.keySet());
  }

  /** The key of one {@code key=value} setting in {@code spec} (a model name with settings); a clear error without '='. */
  public static String key(String setting, String spec) {
    int eq = setting.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected key=value after ':' in model '" + spec + "', got '" + setting
          + "'");
    }
    return setting.substring(0, eq);
  }

  /** The value of one {@code key=value} setting. */
  public static String value(String setting) {
    return setting.substring(setting.indexOf('=') + 1);
  }

  /** A map of alternating keys and values, in the order given (how a config lists its hyperparameters). */
  public static Map<String, Object> inOrder(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }
}
