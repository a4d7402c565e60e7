package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LanguageTest {
  @Test
  void detectsChineseEvenWithSomeLatinLetters() {
    assertEquals("zh", Language.detect("喜欢川菜和日式刀具"));
    assertEquals("zh", Language.detect("《三体》 Three-Body"));
    assertEquals("en", Language.detect("Toy Story (1995)"));
    assertEquals("en", Language.detect("12345 !!"));
    assertEquals("en", Language.detect(null));
    assertEquals("en", Language.detect("三体 The Three-Body Problem is a science fiction novel by Liu Cixin"));
  }

  @Test
  void tellsJapaneseAndKoreanFromChinese() {
    assertEquals("ja", Language.detect("寿司とラーメン"));
    assertEquals("ja", Language.detect("東京の夜景がきれいです"));
    assertEquals("ko", Language.detect("나는 영화를 좋아해요"));
    assertEquals("zh", Language.detect("星际穿越。宇航员穿越虫洞，为人类寻找新的家园。"));
  }

  @Test
  void declaredLanguageWins() {
    assertEquals("zh", Language.of(new Item("1", "d", "Hero", null, List.of(), "zh-CN", Map.of())));
    assertEquals("en", Language.of(new Item("2", "d", "英雄", null, List.of(), "en", Map.of())));
    assertEquals("zh", Language.of(new Item("3", "d", "英雄", null, List.of(), null, Map.of())));
    assertEquals("ja", Language.of(new Item("4", "d", "Hero", null, List.of(), "ja-JP", Map.of())));
    assertEquals("en", Language.of(new Item("5", "d", "Héros", null, List.of(), "fr", Map.of())));
  }
}
