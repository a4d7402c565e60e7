package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Vectors;
import io.shiftrec.interest.ContentProfile;
import io.shiftrec.interest.Feedback;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The content baseline: cosine between the user's single profile vector and every item of the same embedding space,
 * items the user already interacted with left out, in the {@link Catalog#centred() centred} space. Each pick is
 * explained by the liked history item most similar to it.
 */
public final class ContentRecommender {
  private final Catalog catalog;

  public ContentRecommender(Catalog catalog) {
    this.catalog = catalog.centred();
  }

  /**
   * The {@code k} best items for a user with this history, optionally only from {@code domain} (null for any).
   * Empty when the history holds no encoded item.
   */
  public List<Recommendation> recommend(List<Event> history, int k, String domain, boolean explain) {
    ContentProfile profile = ContentProfile.of(history, catalog);
    BitSet seen = new BitSet(catalog.size());
    for (Event e : history) {
      int i = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (i >= 0) seen.set(i);
    }
    TopK top = new TopK(k);
    for (Catalog.Space space : catalog.spaces().values()) {
      float[] q = profile.vector(space.model);
      if (q == null) continue;
      for (int r = 0; r < space.size(); r++) {
        int item = space.itemIndex[r];
        if (seen.get(item) || domain != null && !domain.equals(catalog.item(item).domain())) continue;
        top.offer(item, Vectors.dotRow(space.vectors, r, q));
      }
    }
    float[] scores = new float[k];
    int[] picks = top.drain(scores);
    List<Recommendation> out = new ArrayList<>(picks.length);
    for (int n = 0; n < picks.length; n++) {
      out.add(new Recommendation(catalog.item(picks[n]), scores[n], explain ? reason(picks[n], history) : null));
    }
    return out;
  }

  private String reason(int item, List<Event> history) {
    Event best = null;
    int bestItem = -1;
    float bestSim = Float.NEGATIVE_INFINITY;
    for (Event e : history) {
      int h = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (h < 0 || Feedback.weight(e) <= 0) continue;
      float sim = catalog.similarity(item, h);
      if (sim > bestSim) {
        bestSim = sim;
        best = e;
        bestItem = h;
      }
    }
    return best == null ? null : Reasons.because(best, catalog.item(bestItem), catalog.item(item));
  }
}
