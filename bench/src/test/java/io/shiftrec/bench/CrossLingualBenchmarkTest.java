package io.shiftrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossLingualBenchmarkTest {
  @TempDir
  Path dir;

  @Test
  void readsTheRepositorysSet() {
    List<CrossLingualBenchmark.Pair> pairs =
        CrossLingualBenchmark.read(Path.of("..", "samples", "bilingual-items", "items.tsv"));
    assertEquals(400, pairs.size());
    assertEquals(100, pairs.stream().filter(p -> p.domain().equals("kitchen")).count());
  }

  @Test
  void refusesABrokenSetNamingTheLine() throws IOException {
    Path noHeader = dir.resolve("a.tsv");
    Files.writeString(noHeader, "a\tb\tc\td\n", StandardCharsets.UTF_8);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CrossLingualBenchmark.read(noHeader)).getMessage()
        .contains("header"));
    Path shortRow = dir.resolve("b.tsv");
    Files.writeString(shortRow, "id\tdomain\ten\tzh\nx\tfood\tTea\n", StandardCharsets.UTF_8);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CrossLingualBenchmark.read(shortRow)).getMessage()
        .contains("line 2"));
    Path repeated = dir.resolve("c.tsv");
    Files.writeString(repeated, "id\tdomain\ten\tzh\nx\tfood\tTea\t茶\nx\tfood\tRice\t米\n", StandardCharsets.UTF_8);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CrossLingualBenchmark.read(repeated)).getMessage()
        .contains("repeats"));
  }

  @Test
  void recallCountsTheTranslationAmongTheNearest() {
    float[][] queries = new float[12][12], candidates = new float[12][12];
    for (int i = 0; i < 12; i++) {
      queries[i][i] = 1f;
      candidates[i][i] = 1f;
    }
    assertEquals(1.0, CrossLingualBenchmark.recall(queries, candidates, null));
    // item 0's translation turned away: the eleven other candidates are nearer query 0, past the top 10
    candidates[0][0] = -1f;
    for (int c = 1; c < 12; c++) candidates[c][0] = 0.1f;
    assertEquals(11.0 / 12, CrossLingualBenchmark.recall(queries, candidates, null), 1e-9);
    boolean[] onlyTheFirst = new boolean[12];
    onlyTheFirst[0] = true;
    assertEquals(0.0, CrossLingualBenchmark.recall(queries, candidates, onlyTheFirst));
  }
}
