package io.shiftrec.eval;

import static io.shiftrec.eval.Synthetic.positioned;
import static io.shiftrec.eval.Synthetic.rating;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.TrainingData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolsTest {
  private final Catalog catalog = Synthetic.catalog(10, false);

  private int[] history(TrainingData d, int u) {
    return Arrays.copyOfRange(d.historyItems(), d.offsets()[u], d.offsets()[u + 1]);
  }

  private int idx(String id) {
    return catalog.indexOf(id);
  }

  @Test
  void leaveOneOutHoldsOutLastAndSecondLast() {
    Dataset d = new Dataset("t", catalog, List.of(), List.of(
        rating("a", "i1", 5, 10), rating("a", "i2", 1, 20), rating("a", "i3", 4, 30), rating("a", "i4", 2, 40),
        rating("b", "i5", 5, 10), rating("b", "i6", 5, 20), // too short: training only
        rating("c", "i7", 3, 5), rating("c", "i1", 3, 6), rating("c", "i7", 5, 7), rating("c", "i2", 4, 8),
        rating("c", "i3", 4, 9)));
    Split s = Protocols.split("loo", d, 1, 0.8);
    assertEquals(2, s.numTestUsers());
    assertArrayEquals(new int[] {0, 2}, s.testUsers()); // users a, c
    // a: test = i4 (the 1-star... no, 2-star: feedback does not matter), validation = i3
    assertEquals(idx("i4"), s.targets()[0]);
    assertEquals(idx("i3"), s.validation().targets()[0]);
    assertArrayEquals(new int[] {idx("i1"), idx("i2"), idx("i3")}, history(s.train(), 0));
    assertArrayEquals(new int[] {idx("i1"), idx("i2")}, history(s.validation().train(), 0));
    // b is kept in training, not evaluated
    assertArrayEquals(new int[] {idx("i5"), idx("i6")}, history(s.train(), 1));
    // c: the repeated i7 collapses to its first occurrence, weight = best rating (5 → 2)
    assertArrayEquals(new int[] {idx("i7"), idx("i1"), idx("i2")}, history(s.train(), 2));
    assertEquals(2f, s.train().historyWeights()[s.train().offsets()[2]]);
    assertEquals(idx("i3"), s.targets()[1]);
    // targets are never training items
    for (int t = 0; t < s.numTestUsers(); t++) {
      int u = s.testUsers()[t];
      for (int it : history(s.train(), u)) assertTrue(it != s.targets()[t]);
    }
  }

  @Test
  void leaveOneOutWorksOnPositionsToo() {
    Dataset d = new Dataset("t", catalog, List.of(), List.of(
        positioned("a", "i3", 2), positioned("a", "i1", 0), positioned("a", "i2", 1)));
    Split s = Protocols.split("loo", d, 1, 0.8);
    assertEquals(idx("i3"), s.targets()[0]);
    assertEquals(idx("i2"), s.validation().targets()[0]);
  }

  @Test
  void temporalCutsAtTheEventQuantile() {
    Dataset d = new Dataset("t", catalog, List.of(), List.of(
        rating("a", "i1", 5, 1), rating("a", "i2", 5, 2), rating("a", "i3", 5, 8), rating("a", "i1", 5, 9),
        rating("a", "i4", 5, 10),
        rating("b", "i5", 5, 3), rating("b", "i6", 5, 4),
        rating("c", "i7", 5, 9), // only after the cut: not evaluated
        rating("d", "i8", 5, 5), rating("d", "i9", 5, 6)));
    // 10 events; clocks sorted 1,2,3,4,5,6,8,9,9,10: index 6 → cut = 8
    Split s = Protocols.split("temporal", d, 1, 0.6);
    assertEquals(1, s.numTestUsers());
    int a = s.testUsers()[0];
    assertEquals("a", s.train().userId(a));
    assertArrayEquals(new int[] {idx("i1"), idx("i2")}, history(s.train(), a));
    // i1 again after the cut is not new, so the targets are i3 and i4 in time order
    assertArrayEquals(new int[] {idx("i3"), idx("i4")}, Arrays.copyOfRange(s.targets(), 0, 2));
    assertEquals(0, s.train().historyLength(2)); // c has no training history
    assertEquals(6, s.train().size());
  }

  @Test
  void temporalNeedsTimestamps() {
    Dataset d = new Dataset("t", catalog, List.of(), List.of(positioned("a", "i1", 0), positioned("a", "i2", 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Protocols.split("temporal", d, 1, 0.8));
    assertTrue(e.getMessage().contains("timestamps"));
  }

  @Test
  void unknownProtocolsAreClearErrorsAndEveryContractedOneRuns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Protocols.check("kfold"));
    assertTrue(e.getMessage().contains("loo") && e.getMessage().contains("cdsr-sampled"), e.getMessage());
    for (String p : Protocols.contracted()) assertEquals(p, Protocols.check(" " + p.toUpperCase() + " "));
    assertEquals(Protocols.contracted(), Protocols.implemented());
  }
}
