package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiftrec.candidates.NearestItems;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.core.Recommendation;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Similar items read from the kept nearest answer exactly as a scan does, for any k, domain and hidden items. */
class SimilarItemsTest {
  @Test
  void keptNeighboursAnswerAsAScan() {
    SplittableRandom random = new SplittableRandom(3);
    Catalog.Builder b = Catalog.builder();
    String[] domains = {"movies", "books", "kitchen"};
    int n = 400;
    for (int i = 0; i < n; i++) {
      float[] v = new float[16];
      for (int d = 0; d < v.length; d++) v[d] = (float) random.nextGaussian();
      // few kitchen items: a domain with fewer than k among the kept must be scanned for
      String domain = i % 40 == 0 ? domains[2] : domains[i % 2];
      b.add(new Item("i" + i, domain, "Item " + i, null, List.of(), "en", Map.of()), "m", v);
    }
    Catalog catalog = b.build().centred();
    IntPredicate anywhere = i -> i % 7 != 3; // hidden items
    SimilarItems similar = new SimilarItems(n);
    for (int item = 0; item < n; item += 13) {
      for (int k : new int[] {1, 10, 100, 150}) {
        for (String domain : new String[] {null, "movies", "kitchen"}) {
          IntPredicate shown = i -> anywhere.test(i) && (domain == null || domain.equals(catalog.item(i).domain()));
          int index = item;
          List<Recommendation> scan = NearestItems.of(catalog, catalog.spaceOf(item), catalog.vector(item), k,
              i -> i != index && shown.test(i));
          List<Recommendation> kept = similar.of(catalog, item, k, domain, shown, anywhere);
          assertEquals(scan, kept, "item " + item + ", k " + k + ", domain " + domain);
        }
      }
    }
  }
}
