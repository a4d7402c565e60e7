package io.shiftrec.candidates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TastePopularityTest {
  /** Item 0 is everyone's favourite; horror fans also took item 1, comedy fans item 2. */
  private static TastePopularity fitted() {
    TastePopularity.Builder b = TastePopularity.builder(3);
    for (int u = 0; u < 10; u++) b.addUser(List.of("Drama"), new int[] {0}, 0, 1);
    for (int u = 0; u < 3; u++) b.addUser(List.of("Horror", "Drama"), new int[] {0, 1}, 0, 2);
    for (int u = 0; u < 2; u++) b.addUser(List.of("Comedy"), new int[] {2, 0}, 0, 2);
    b.addUser(List.of(), new int[] {0}, 0, 1);
    return b.build();
  }

  @Test
  void whatTheFansOfTheStatedCategoryTookRanksAboveWhatOthersTook() {
    TastePopularity t = fitted();
    assertEquals(3, t.users("Horror"));
    assertEquals(6, t.pairs("Horror"));
    float[] s = new float[3];
    t.score(new String[] {"Horror"}, new float[] {1f}, 0, s);
    assertTrue(s[1] > s[2], "horror fans took item 1, none took item 2");
    t.score(new String[] {"Comedy"}, new float[] {1f}, 0, s);
    assertTrue(s[2] > s[1]);
    // Half the weight on each taste: item 1 is 3 of the horror fans' 6 pairs, N = 21 pairs in all.
    t.score(new String[] {"Horror", "Comedy"}, new float[] {2f, 2f}, 0, s);
    assertEquals((float) Math.log1p(21 * (0.5 * 3 / 6.0)), s[1], 1e-5, "weights are normalised");
  }

  @Test
  void smoothingAndUnknownTastesFallBackToGlobalPopularity() {
    TastePopularity t = fitted();
    float[] global = {(float) Math.log1p(16), (float) Math.log1p(3), (float) Math.log1p(2)};
    float[] s = new float[3];
    t.score(new String[] {"Western"}, new float[] {1f}, 0, s);
    assertArrayEquals(global, s, 1e-5f, "no one states Western");
    t.score(new String[0], new float[0], 0, s);
    assertArrayEquals(global, s, 1e-5f, "no weights at all");
    t.score(new String[] {"Horror"}, new float[] {1f}, 1e12, s);
    assertArrayEquals(global, s, 1e-3f, "shrunk all the way");
  }

  @Test
  void badInputIsRefused() {
    TastePopularity t = fitted();
    assertThrows(IllegalArgumentException.class, () -> t.score(new String[] {"Horror"}, new float[0], 0, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> t.score(new String[] {"Horror"}, new float[] {-1f}, 0,
        new float[3]));
    assertThrows(IllegalArgumentException.class, () -> t.score(new String[] {"Horror"}, new float[] {1f}, -2,
        new float[3]));
    assertThrows(IllegalArgumentException.class, () -> t.score(new String[] {"Horror"}, new float[] {1f}, 0,
        new float[4]));
    assertThrows(IllegalArgumentException.class, () -> TastePopularity.builder(3).addUser(List.of("A"),
        new int[] {5}, 0, 1));
  }
}
