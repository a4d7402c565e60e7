package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentsTest {
  /** 30 items: 0-14 genre "g0" in domain A, 15-29 genre "g1" in domain B; no vectors. */
  private static Catalog catalog() {
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < 30; i++) {
      b.add(new Item("i" + i, i < 15 ? "A" : "B", "t", null, List.of(i < 15 ? "g0" : "g1"), "en", null), null, null);
    }
    return b.build();
  }

  @Test
  void coldDriftingCrossDomainAndDomainSegments() {
    List<Event> ev = new ArrayList<>();
    long ts = 0;
    // "steady": 12 items of A, then 2 more of A (valid, test)
    for (int i = 0; i < 14; i++) ev.add(Synthetic.rating("steady", "i" + i, 4, ++ts));
    // "mover": 7 of A, then 5 of B, then valid/test in B → recent taste differs from earlier
    for (int i = 0; i < 7; i++) ev.add(Synthetic.rating("mover", "i" + i, 4, ++ts));
    for (int i = 15; i < 22; i++) ev.add(Synthetic.rating("mover", "i" + i, 4, ++ts));
    // "newbie": 3 training items + valid + test
    for (int i = 0; i < 5; i++) ev.add(Synthetic.rating("newbie", "i" + i, 4, ++ts));
    // three more steady users so the quantile has some mass
    for (String u : new String[] {"s2", "s3", "s4"}) {
      for (int i = 16; i < 29; i++) ev.add(Synthetic.rating(u, "i" + i, 4, ++ts));
    }
    Split s = Protocols.split("loo", new Dataset("t", catalog(), List.of(), ev), 1, 0.8);
    Map<String, int[]> seg = Segments.of(s);
    assertEquals(6, s.numTestUsers());
    assertArrayEquals(new int[] {2}, seg.get("cold")); // newbie, 3 training items
    assertArrayEquals(new int[] {1}, seg.get("drifting")); // only the mover
    assertArrayEquals(new int[] {1}, seg.get("cross-domain"));
    assertArrayEquals(new int[] {0, 2}, seg.get("domain:A"));
    assertArrayEquals(new int[] {1, 3, 4, 5}, seg.get("domain:B"));
    double[] sim = Segments.driftSimilarity(s, false);
    assertEquals(1.0, sim[0], 1e-9);
    assertTrue(sim[1] < 0.5);
    assertTrue(Double.isNaN(sim[2])); // too short to compare
  }

  @Test
  void bootstrapIntervalsAndPairedTest() {
    double[] a = new double[200], b = new double[200];
    int[] all = new int[200];
    for (int i = 0; i < 200; i++) {
      all[i] = i;
      a[i] = i % 2;
      b[i] = i % 4 == 0 ? 1 : 0;
    }
    double[] ci = Bootstrap.ci95(a, all, 500, 3);
    assertTrue(ci[0] < 0.5 && 0.5 < ci[1] && ci[1] - ci[0] < 0.2);
    assertArrayEquals(ci, Bootstrap.ci95(a, all, 500, 3)); // seeded
    Bootstrap.Paired same = Bootstrap.paired(a, a, all, 200, 500, 3);
    assertEquals(0.0, same.meanDiff());
    assertEquals(1.0, same.pValue());
    Bootstrap.Paired diff = Bootstrap.paired(a, b, all, 200, 2000, 3);
    assertEquals(0.25, diff.meanDiff(), 1e-12);
    assertTrue(diff.pValue() < 0.01, "p = " + diff.pValue());
    assertTrue(diff.ci95()[0] > 0);
  }
}
