package io.shiftrec.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharedSpaceTest {
  private static final String EN = BundledModels.EN;
  private static final String ZH = BundledModels.ZH;
  /** The repository's bilingual item set, from this module's folder. */
  private static final Path SET = Path.of("..", "samples", "bilingual-items", "items.tsv");

  @Test
  void textLandsInItsOwnSpaceElseTheOtherLanguages() {
    assertEquals(EN, SharedSpace.spaceFor(EN, Set.of(EN, ZH)));
    assertEquals(ZH, SharedSpace.spaceFor(ZH, Set.of(EN, ZH)));
    assertEquals(EN, SharedSpace.spaceFor(ZH, Set.of(EN)));
    assertEquals(ZH, SharedSpace.spaceFor(EN, Set.of(ZH)));
    assertNull(SharedSpace.spaceFor(EN, Set.of()));
    assertEquals(ZH, SharedSpace.readerFor(EN, ZH), "the Chinese model reads English for a Chinese catalogue");
    assertTrue(SharedSpace.aligned(ZH, EN));
    assertTrue(!SharedSpace.aligned(EN, EN) && !SharedSpace.aligned(ZH, ZH));
  }

  @Test
  void aCatalogueOfBothLanguagesKeepsOneSpace() {
    float[] zh = new float[SharedSpace.chineseIntoEnglish().sourceDimension()];
    zh[0] = 1f;
    float[] en = new float[SharedSpace.chineseIntoEnglish().targetDimension()];
    en[0] = 1f;
    Map<String, Map<String, float[]>> byModel = new LinkedHashMap<>();
    byModel.put(ZH, new LinkedHashMap<>(Map.of("a", zh, "b", zh)));
    byModel.put(EN, new LinkedHashMap<>(Map.of("c", en)));
    Map<String, Map<String, float[]>> bySpace = SharedSpace.bySpace(byModel, Set.of());
    assertEquals(Set.of(EN), bySpace.keySet());
    assertEquals(Set.of("a", "b", "c"), bySpace.get(EN).keySet());
    assertEquals(en.length, bySpace.get(EN).get("a").length);
    assertSame(bySpace.get(EN).get("a"), bySpace.get(EN).get("b"), "one text, one array");

    Map<String, Map<String, float[]>> chineseOnly = Map.of(ZH, Map.of("a", zh));
    assertSame(chineseOnly, SharedSpace.bySpace(chineseOnly, Set.of()), "one language keeps its own model's space");
    Map<String, Map<String, float[]>> joining = SharedSpace.bySpace(chineseOnly, Set.of(EN));
    assertEquals(Set.of(EN), joining.keySet(), "Chinese items upserted into a catalogue with English ones");
    assertEquals(en.length, joining.get(EN).get("a").length);
    assertEquals(Set.of(EN), SharedSpace.spaces(Set.of(EN, ZH)));
    assertEquals(Set.of(ZH), SharedSpace.spaces(Set.of(ZH)));
    assertTrue(SharedSpace.relaysOut(Set.of(ZH), Set.of(EN)), "a Chinese catalogue's first English items");
    assertTrue(!SharedSpace.relaysOut(Set.of(EN), Set.of(EN)) && !SharedSpace.relaysOut(Set.of(ZH), Set.of(ZH)));
  }

  /** The shipped alignment is what learning on the repository's bilingual set gives: anyone can make it again. */
  @Test
  void theShippedAlignmentIsLearnedFromTheBilingualSet() throws IOException {
    List<String> english = new ArrayList<>(), chinese = new ArrayList<>();
    List<String> lines = Files.readAllLines(SET, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      english.add(f[2]);
      chinese.add(f[3]);
    }
    assertTrue(english.size() >= 200, "at least 200 items in both languages");
    LanguageAlignment learned = SharedSpace.learn(english, chinese, SharedSpace.ALIGNMENT_LAMBDA);
    LanguageAlignment shipped = SharedSpace.chineseIntoEnglish();
    try (OnnxTextEncoder zh = BundledModels.open(ZH); OnnxTextEncoder en = BundledModels.open(EN)) {
      float[][] probes = zh.encode(List.of("一把适合切菜的不锈钢厨刀", "关于星际旅行的科幻电影"));
      for (float[] p : probes) {
        float[] a = learned.map(p), b = shipped.map(p);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4, "coordinate " + i);
      }
      // a Chinese text lands next to its English translation rather than an unrelated English text
      float[] knife = shipped.map(probes[0]);
      float[][] english2 = en.encode(List.of("A stainless steel kitchen knife for chopping vegetables",
          "A science fiction film about interstellar travel"));
      assertTrue(dot(knife, english2[0]) > dot(knife, english2[1]));
      float[] film = shipped.map(probes[1]);
      assertTrue(dot(film, english2[1]) > dot(film, english2[0]));
    }
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
