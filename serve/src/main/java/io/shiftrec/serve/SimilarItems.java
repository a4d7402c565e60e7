package io.shiftrec.serve;

import io.shiftrec.candidates.NearestItems;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Recommendation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntPredicate;

/**
 * Each item's nearest shown items in one catalogue view, found by a scan when first asked for and kept for the view's
 * life: what {@code GET /items/{id}/similar} answers. The {@value #KEPT} nearest are kept, so any k up to that, with
 * or without a domain, is read from them with exactly the order a scan gives (cosine, then the lower index); a
 * domain with fewer than k of them among the kept is scanned for. At most {@value #MAX_ITEMS} items are kept (about
 * 800 bytes each); beyond that every request scans.
 */
final class SimilarItems {
  static final int KEPT = 100;
  static final int MAX_ITEMS = 100_000;
  private final AtomicReferenceArray<List<Recommendation>> nearest;
  private final AtomicInteger kept = new AtomicInteger();

  SimilarItems(int items) {
    nearest = new AtomicReferenceArray<>(items);
  }

  /**
   * The {@code k} items of {@code centred} nearest item {@code index}, among those {@code shown} admits for the
   * domain (null: any); {@code shownAnywhere} admits the shown items of every domain.
   */
  List<Recommendation> of(Catalog centred, int index, int k, String domain, IntPredicate shown,
                          IntPredicate shownAnywhere) {
    Catalog.Space space = centred.spaceOf(index);
    if (space == null) return List.of();
    List<Recommendation> near = k <= KEPT ? nearest.get(index) : null;
    if (near == null && k <= KEPT && kept.get() < MAX_ITEMS) {
      near = NearestItems.of(centred, space, centred.vector(index), KEPT, i -> i != index && shownAnywhere.test(i));
      if (nearest.compareAndSet(index, null, near)) kept.incrementAndGet();
    }
    if (near != null) {
      List<Recommendation> out = new ArrayList<>(k);
      for (Recommendation r : near) {
        if (out.size() == k) break;
        if (domain == null || domain.equals(r.item().domain())) out.add(r);
      }
      if (out.size() == k || near.size() < KEPT) return out; // every shown item of the space is among the kept
    }
    return NearestItems.of(centred, space, centred.vector(index), k, i -> i != index && shown.test(i));
  }
}
