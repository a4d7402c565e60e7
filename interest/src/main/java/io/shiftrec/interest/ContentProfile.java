package io.shiftrec.interest;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Vectors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-vector baseline: a user is the weighted mean of the embeddings of the items they liked, one vector per
 * embedding space. When a user liked nothing, every item they touched counts equally, so no one with history is
 * left without a profile.
 */
public final class ContentProfile {
  private final Map<String, float[]> vectorByModel;

  private ContentProfile(Map<String, float[]> vectorByModel) {
    this.vectorByModel = vectorByModel;
  }

  public static ContentProfile of(List<Event> history, Catalog catalog) {
    Map<String, float[]> sums = accumulate(history, catalog, true);
    if (sums.isEmpty()) sums = accumulate(history, catalog, false);
    for (float[] v : sums.values()) Vectors.normalizeInPlace(v);
    return new ContentProfile(sums);
  }

  private static Map<String, float[]> accumulate(List<Event> history, Catalog catalog, boolean likesOnly) {
    Map<String, float[]> sums = new HashMap<>();
    for (Event e : history) {
      if (e.item() == null) continue;
      int i = catalog.indexOf(e.item());
      if (i < 0 || catalog.spaceOf(i) == null) continue;
      double w = likesOnly ? Feedback.weight(e) : 1.0;
      if (w <= 0) continue;
      Catalog.Space s = catalog.spaceOf(i);
      float[] acc = sums.computeIfAbsent(s.model, m -> new float[s.dimension]);
      float[] v = catalog.vector(i);
      Vectors.addScaled(acc, v, (float) w);
    }
    return sums;
  }

  /** The user's unit vector in the model's space, or null when the history has no item there. */
  public float[] vector(String model) {
    return vectorByModel.get(model);
  }

  public boolean isEmpty() {
    return vectorByModel.isEmpty();
  }
}
