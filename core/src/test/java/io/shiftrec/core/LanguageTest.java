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
  }

  @Test
  void declaredLanguageWins() {
    assertEquals("zh", Language.of(new Item("1", "d", "Hero", null, List.of(), "zh-CN", Map.of())));
    assertEquals("en", Language.of(new Item("2", "d", "英雄", null, List.of(), "en", Map.of())));
    assertEquals("zh", Language.of(new Item("3", "d", "英雄", null, List.of(), null, Map.of())));
  }
}
