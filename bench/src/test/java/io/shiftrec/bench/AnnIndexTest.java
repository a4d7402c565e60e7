package io.shiftrec.bench;

import io.shiftrec.candidates.AnnIndex;

import io.shiftrec.core.TopK;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class AnnIndexTest {
  private static final int K = AnnBenchmark.K;
  // The synthetic generator at a small dimension keeps the suite fast; its neighbourhood structure is the same.
  private static final Catalog.Space SPACE = AnnBenchmark.syntheticSpace(5_000, 48, 7);
  private static final AnnIndex INDEX = AnnIndex.build(SPACE, AnnIndex.Params.DEFAULT, 42);

  @Test
  void recallAtTenAgainstBruteForceOnClusteredVectors() {
    float[][] queries = AnnBenchmark.queries(SPACE, 200, 3);
    int[] items = new int[K];
    float[] scores = new float[K];
    double hits = 0;
    for (float[] q : queries) {
      int[] truth = AnnBenchmark.exactTop(SPACE, q);
      int m = INDEX.search(q, K, null, items, scores);
      assertEquals(K, m);
      for (int t : truth) for (int j = 0; j < m; j++) if (items[j] == t) hits++;
    }
    double recall = hits / (queries.length * (double) K);
    assertTrue(recall >= 0.95, "recall@10 " + recall);
  }

  @Test
  void returnsCosinesBestFirstForAnyQueryLength() {
    float[] q = AnnBenchmark.queries(SPACE, 1, 11)[0];
    int[] items = new int[K];
    float[] scores = new float[K];
    int m = INDEX.search(q, K, null, items, scores);
    double norm = 0;
    for (float x : q) norm += x * x;
    norm = Math.sqrt(norm);
    for (int j = 0; j < m; j++) {
      if (j > 0) assertTrue(scores[j - 1] >= scores[j], "best first");
      float expected = (float) (dotWithItem(q, items[j]) / norm);
      assertEquals(expected, scores[j], 1e-5f);
    }
    float[] scaled = q.clone();
    for (int i = 0; i < scaled.length; i++) scaled[i] *= 7f;
    int[] again = new int[K];
    INDEX.search(scaled, K, null, again, null);
    assertArrayEquals(items, again, "scaling the query changes nothing");
  }

  @Test
  void filterExcludesItems() {
    float[][] queries = AnnBenchmark.queries(SPACE, 40, 5);
    BitSet seen = new BitSet();
    for (int i = 0; i < SPACE.size(); i += 3) seen.set(SPACE.itemIndex[i]);
    IntPredicate unseen = i -> !seen.get(i);
    int[] items = new int[K];
    for (float[] q : queries) {
      int[] plain = new int[K];
      INDEX.search(q, K, null, plain, null);
      assertEquals(K, INDEX.search(q, K, unseen, items, null));
      for (int j = 0; j < K; j++) assertFalse(seen.get(items[j]), "item " + items[j] + " was excluded");
      for (int p : plain) {
        if (!seen.get(p)) assertTrue(contains(items, p), "an allowed hit stays a hit");
      }
    }
  }

  @Test
  void aFilterThatKeepsAlmostNothingStillFindsEveryAllowedItem() {
    int[] allowed = {SPACE.itemIndex[17], SPACE.itemIndex[2_500], SPACE.itemIndex[4_999]};
    int[] items = new int[K];
    float[] scores = new float[K];
    int m = INDEX.search(AnnBenchmark.queries(SPACE, 1, 1)[0], K, i -> contains(allowed, i), items, scores);
    assertEquals(3, m);
    int[] got = Arrays.copyOf(items, m);
    Arrays.sort(got);
    int[] want = allowed.clone();
    Arrays.sort(want);
    assertArrayEquals(want, got);
    assertTrue(scores[0] >= scores[1] && scores[1] >= scores[2]);
  }

  @Test
  void kLargerThanTheCatalogueReturnsEveryItemInExactOrder() {
    Catalog.Space small = AnnBenchmark.syntheticSpace(60, 16, 1);
    AnnIndex index = AnnIndex.build(small, AnnIndex.Params.DEFAULT, 1);
    float[] q = AnnBenchmark.queries(small, 1, 2)[0];
    int[] items = new int[100];
    float[] scores = new float[100];
    assertEquals(60, index.search(q, 100, null, items, scores));
    TopK exact = new TopK(60);
    for (int r = 0; r < small.size(); r++) exact.offer(small.itemIndex[r], dot(small.vectors, r, unit(q)));
    assertArrayEquals(exact.drain(null), Arrays.copyOf(items, 60));
    assertEquals(3, index.search(q, 100, i -> i < 3, items, scores));
  }

  @Test
  void aLargeKThroughTheGraphStillGivesDistinctItemsBestFirst() {
    Catalog.Space space = AnnBenchmark.syntheticSpace(400, 16, 2);
    AnnIndex index = AnnIndex.build(space, AnnIndex.Params.DEFAULT.withEfSearch(16), 2);
    int[] items = new int[300];
    float[] scores = new float[300];
    int m = index.search(AnnBenchmark.queries(space, 1, 3)[0], 300, null, items, scores);
    assertEquals(300, m);
    assertEquals(300, Arrays.stream(items, 0, m).distinct().count());
    for (int j = 1; j < m; j++) assertTrue(scores[j - 1] >= scores[j]);
  }

  @Test
  void emptySpaceAndDegenerateQueriesGiveNothing() {
    AnnIndex empty = AnnIndex.build(8, new float[0], new int[0], AnnIndex.Params.DEFAULT, 1);
    assertEquals(0, empty.size());
    assertEquals(0, empty.search(new float[8], 5, null, new int[5], new float[5]));
    float[] q = new float[8];
    q[0] = 1f;
    assertEquals(0, empty.search(q, 5, null, new int[5], new float[5]));
    assertEquals(0, INDEX.search(new float[48], K, null, new int[K], null), "a zero query has no direction");
    assertEquals(0, INDEX.search(AnnBenchmark.queries(SPACE, 1, 1)[0], 0, null, new int[0], null));
    assertThrows(IllegalArgumentException.class, () -> INDEX.search(new float[3], K, null, new int[K], null));
    assertThrows(IllegalArgumentException.class, () -> INDEX.search(new float[48], K, null, new int[2], null));
  }

  @Test
  void oneItemCatalogue() {
    Catalog catalog = Catalog.builder()
        .add(new Item("a", "d", "A", null, List.of(), null, Map.of()), "m", new float[] {3f, 4f}).build();
    AnnIndex index = AnnIndex.build(catalog.spaces().get("m"), AnnIndex.Params.DEFAULT, 0);
    int[] items = new int[3];
    float[] scores = new float[3];
    assertEquals(1, index.search(new float[] {3f, 4f}, 3, null, items, scores));
    assertEquals(0, items[0]);
    assertEquals(1f, scores[0], 1e-6f);
  }

  @Test
  void sameSeedSameResultsWhenBuiltWithOneThread() {
    Catalog.Space space = AnnBenchmark.syntheticSpace(2_000, 32, 9);
    AnnIndex.Params p = AnnIndex.Params.DEFAULT.withMaxDegree(8).withBeamWidth(32).withEfSearch(12);
    AnnIndex a = AnnIndex.build(space, p, 123);
    AnnIndex b = AnnIndex.build(space, p, 123);
    AnnIndex other = AnnIndex.build(space, p, 124);
    float[][] queries = AnnBenchmark.queries(space, 100, 4);
    int[] x = new int[K], y = new int[K], z = new int[K];
    float[] sx = new float[K], sy = new float[K];
    boolean anyDifference = false;
    for (float[] q : queries) {
      a.search(q, K, null, x, sx);
      b.search(q, K, null, y, sy);
      assertArrayEquals(x, y);
      assertArrayEquals(sx, sy);
      other.search(q, K, null, z, null);
      anyDifference |= !Arrays.equals(x, z);
    }
    // A narrow search over a sparse graph makes the graph's shape visible: another seed orders the insertions
    // differently, so some query should come out differently.
    assertTrue(anyDifference, "the seed should matter");
  }

  @Test
  void concurrentSearchesAgreeWithSequentialOnes() throws Exception {
    float[][] queries = AnnBenchmark.queries(SPACE, 64, 8);
    int[][] expected = new int[queries.length][K];
    for (int i = 0; i < queries.length; i++) INDEX.search(queries[i], K, null, expected[i], null);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          int[] got = new int[K];
          for (int rep = 0; rep < 3; rep++) {
            for (int i = 0; i < queries.length; i++) {
              int qi = (i + offset * 16) % queries.length;
              INDEX.search(queries[qi], K, null, got, null);
              if (!Arrays.equals(got, expected[qi])) return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) assertTrue(f.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parametersAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> AnnIndex.Params.DEFAULT.withMaxDegree(1));
    assertThrows(IllegalArgumentException.class, () -> AnnIndex.Params.DEFAULT.withEfSearch(0));
    assertThrows(IllegalArgumentException.class, () -> AnnIndex.Params.DEFAULT.withThreads(0));
    assertThrows(IllegalArgumentException.class,
        () -> AnnIndex.build(4, new float[7], new int[2], AnnIndex.Params.DEFAULT, 0));
  }

  @Test
  void benchmarkPrintsATableWithExactAndGraphRows() {
    Catalog.Space space = AnnBenchmark.syntheticSpace(1_500, 32, 3);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    List<AnnBenchmark.Row> rows = AnnBenchmark.run(new java.io.PrintStream(bytes, true), space, 40, 1,
        List.of(AnnIndex.Params.DEFAULT.withMaxDegree(16).withBeamWidth(64)), new int[] {32, 100});
    String out = bytes.toString();
    assertTrue(out.contains("| exact scan ") && out.contains("| jvector HNSW |"), out);
    assertEquals(3, rows.size());
    assertEquals(1.0, rows.get(0).recall());
    assertTrue(rows.get(2).recall() >= 0.95, out);
  }

  private static boolean contains(int[] xs, int x) {
    for (int v : xs) if (v == x) return true;
    return false;
  }

  private static double dotWithItem(float[] q, int item) {
    for (int r = 0; r < SPACE.size(); r++) {
      if (SPACE.itemIndex[r] == item) {
        double s = 0;
        for (int j = 0; j < q.length; j++) s += q[j] * SPACE.vectors[r * q.length + j];
        return s;
      }
    }
    throw new AssertionError("no item " + item);
  }

  /** Normalised exactly as the index normalises queries, so exact and indexed scores match bit for bit. */
  private static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) s += (double) x * x;
    float inv = (float) (1.0 / Math.sqrt(s));
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }

  private static float dot(float[] matrix, int row, float[] q) {
    float s = 0f;
    for (int j = 0; j < q.length; j++) s += matrix[row * q.length + j] * q[j];
    return s;
  }
}
