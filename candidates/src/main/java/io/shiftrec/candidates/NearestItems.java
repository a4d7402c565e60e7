package io.shiftrec.candidates;

import io.shiftrec.core.Recommendation;
import io.shiftrec.core.TopK;
import io.shiftrec.core.Vectors;

import io.shiftrec.core.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** The items closest to a vector by cosine within one embedding space: similar items, and text queries. */
public final class NearestItems {
  private NearestItems() {}

  /**
   * The {@code k} items of {@code space} nearest to {@code query} (a unit vector placed in that space), best first,
   * scored by cosine, among those {@code eligible} accepts (by catalogue index).
   */
  public static List<Recommendation> of(Catalog catalog, Catalog.Space space, float[] query, int k,
                                        IntPredicate eligible) {
    int d = space.dimension;
    TopK top = new TopK(k);
    for (int r = 0; r < space.size(); r++) {
      int item = space.itemIndex[r];
      if (!eligible.test(item)) continue;
      top.offer(item, Vectors.dot(space.vectors, r * d, query, d));
    }
    float[] scores = new float[k];
    int[] best = top.drain(scores);
    List<Recommendation> out = new ArrayList<>(best.length);
    for (int n = 0; n < best.length; n++) out.add(new Recommendation(catalog.item(best[n]), scores[n], null));
    return out;
  }
}
