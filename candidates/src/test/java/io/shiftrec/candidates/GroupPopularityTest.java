package io.shiftrec.candidates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupPopularityTest {
  private static final Map<String, Object> YOUNG_F = Map.of("age", 18, "gender", "F");
  private static final Map<String, Object> YOUNG_M = Map.of("age", 18, "gender", "M");
  private static final Map<String, Object> OLD_M = Map.of("age", 56, "gender", "M");

  /** Item 0 is what the old took (most of all), item 1 what young women took, item 2 what young men took. */
  private static GroupPopularity fitted() {
    GroupPopularity.Builder b = GroupPopularity.builder(3, List.of("age", "gender"));
    for (int u = 0; u < 10; u++) b.add(OLD_M, 0);
    for (int u = 0; u < 3; u++) b.add(YOUNG_F, 1);
    for (int u = 0; u < 2; u++) b.add(YOUNG_M, 2);
    b.add(YOUNG_M, 1);
    return b.build();
  }

  private static int best(float[] s) {
    int best = 0;
    for (int i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
    return best;
  }

  /** The counts travel as bytes (inside a saved ranker) and score the same when read back; cut bytes are refused. */
  @Test
  void countsRoundTripThroughBytes() {
    GroupPopularity g = fitted();
    byte[] bytes = g.toBytes();
    GroupPopularity read = GroupPopularity.fromBytes(bytes);
    assertEquals(g, read);
    float[] a = new float[3], b = new float[3];
    for (Map<String, Object> who : List.of(YOUNG_F, YOUNG_M, OLD_M, Map.<String, Object>of())) {
      g.score(who, 2, a);
      read.score(who, 2, b);
      assertTrue(java.util.Arrays.equals(a, b), who.toString());
    }
    assertThrows(IllegalArgumentException.class,
        () -> GroupPopularity.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 3)));
  }

  /**
   * Each group keeps only the items its users took; scores are those of a dense count per item, to the last bit, and
   * counts saved densely (the first layout) read back the same.
   */
  @Test
  void sparseCountsScoreAsDenseOnesAndTheDenseLayoutIsRead() {
    int items = 50;
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    List<String> keys = List.of("age", "gender");
    GroupPopularity.Builder b = GroupPopularity.builder(items, keys);
    java.util.Map<String, int[]> dense = new java.util.HashMap<>();
    java.util.Map<String, Long> totals = new java.util.HashMap<>();
    int[] everyone = new int[items];
    for (int u = 0; u < 200; u++) {
      Map<String, Object> who = Map.of("age", 18 + random.nextInt(3), "gender", random.nextBoolean() ? "F" : "M");
      String age = "age=" + who.get("age") + '\u0001', both = age + "gender=" + who.get("gender") + '\u0001';
      for (int item : random.ints(0, items).distinct().limit(5).toArray()) {
        b.add(who, item);
        everyone[item]++;
        for (String g : List.of(age, both)) {
          dense.computeIfAbsent(g, k -> new int[items])[item]++;
          totals.merge(g, 1L, Long::sum);
        }
      }
    }
    GroupPopularity sparse = b.build();
    float[] got = new float[items], want = new float[items];
    Map<String, Object> who = Map.of("age", 19, "gender", "F");
    sparse.score(who, 7, got);
    double[] p = new double[items];
    for (int i = 0; i < items; i++) p[i] = everyone[i] / 1000.0;
    for (String g : List.of("age=19\u0001", "age=19\u0001gender=F\u0001")) {
      for (int i = 0; i < items; i++) p[i] = (dense.get(g)[i] + 7 * p[i]) / (totals.get(g) + 7.0);
    }
    for (int i = 0; i < items; i++) want[i] = (float) Math.log1p(1000 * p[i]);
    assertTrue(java.util.Arrays.equals(want, got), java.util.Arrays.toString(got));
    io.shiftrec.core.ArtifactCodec.Writer old = new io.shiftrec.core.ArtifactCodec.Writer(1).writeInt(2)
        .writeStrings(keys.toArray(new String[0])).writeInt(items).writeInts(everyone).writeLong(1000)
        .writeInt(dense.size());
    for (String g : new java.util.TreeSet<>(dense.keySet())) old.writeString(g).writeLong(totals.get(g)).writeInts(dense.get(g));
    assertEquals(sparse, GroupPopularity.fromBytes(old.toBytes()));
  }

  /**
   * The attributes that group users: those most of them have, with a few values (not an id or a birthday), fewer
   * values first, at most three.
   */
  @Test
  void groupingKeysAreTheCommonAttributesWithFewValues() {
    List<Map<String, Object>> users = new java.util.ArrayList<>();
    for (int u = 0; u < 300; u++) {
      users.add(Map.of("gender", u % 2 == 0 ? "F" : "M", "age", 18 + u % 7, "zip", "z" + u,
          "occupation", "o" + u % 21, "band", "b" + u % 5));
    }
    assertEquals(List.of("gender", "band", "age"), GroupPopularity.keysFor(users, 300));
    assertEquals(List.of(), GroupPopularity.keysFor(users, 700), "300 of 700 users have attributes: not most");
  }

  @Test
  void withoutSmoothingTheFinestGroupDecidesAndWithMuchItIsGlobalPopularity() {
    GroupPopularity g = fitted();
    float[] s = new float[3];
    g.score(YOUNG_F, 0, s);
    assertEquals(1, best(s));
    g.score(YOUNG_M, 0, s);
    assertEquals(2, best(s));
    g.score(YOUNG_M, 1e9, s);
    assertEquals(0, best(s), "shrunk all the way: what everyone took");
    assertEquals(Math.log1p(10), s[0], 1e-3, "global scale: log(1 + users who took it)");
  }

  @Test
  void aModerateSmoothingBlendsTheGroupWithItsParent() {
    GroupPopularity g = fitted();
    float[] s = new float[3];
    // Young men: 2 took item 2, 1 took item 1; the young as a whole: 4 took item 1. α = 6 lets the parent win.
    g.score(YOUNG_M, 6, s);
    assertTrue(s[1] > s[2], "item 1 leads among the young: " + java.util.Arrays.toString(s));
    assertTrue(s[0] < s[1], "the old's favourite stays below both young favourites");
  }

  @Test
  void unknownOrMissingAttributesStopAtTheCoarserGroup() {
    GroupPopularity g = fitted();
    assertEquals(2, g.depth(YOUNG_F));
    assertEquals(1, g.depth(Map.of("age", 18)));
    assertEquals(1, g.depth(Map.of("age", 18, "gender", "X")));
    assertEquals(0, g.depth(Map.of("gender", "F")), "without the first attribute no group applies");
    float[] young = new float[3], youngX = new float[3];
    g.score(Map.of("age", 18), 0, young);
    g.score(Map.of("age", 18, "gender", "X"), 0, youngX);
    assertEquals(java.util.Arrays.toString(young), java.util.Arrays.toString(youngX));
    assertEquals(1, best(young));
  }

  @Test
  void badInputIsRefusedWithItsName() {
    GroupPopularity g = fitted();
    assertThrows(IllegalArgumentException.class, () -> g.score(YOUNG_F, -1, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> g.score(YOUNG_F, 1, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> g.score(null, 1, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> GroupPopularity.builder(3, List.of()));
    assertThrows(IllegalArgumentException.class, () -> GroupPopularity.builder(3, List.of("age")).add(YOUNG_F, 3));
  }
}
