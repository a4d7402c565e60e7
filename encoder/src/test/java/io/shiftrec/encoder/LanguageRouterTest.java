package io.shiftrec.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shiftrec.core.Item;
import org.junit.jupiter.api.Test;

class LanguageRouterTest {
  private final LanguageRouter router = LanguageRouter.byLanguage();

  private static Item item(String title, String language) {
    return new Item("i", "books", title, null, null, language, null);
  }

  @Test
  void detectsChineseText() {
    assertEquals(BundledModels.ZH, router.modelFor("三体是刘慈欣创作的长篇科幻小说"));
    assertEquals(BundledModels.ZH, router.modelFor(item("《三体：地球往事》 The Three-Body Problem", null)));
    assertEquals(BundledModels.EN, router.modelFor("The Three-Body Problem is a science fiction novel"));
    assertEquals(BundledModels.EN, router.modelFor(item("Toy Story", null)));
  }

  @Test
  void declaredLanguageWins() {
    assertEquals(BundledModels.ZH, router.modelFor(item("Toy Story", "zh-Hans")));
    assertEquals(BundledModels.EN, router.modelFor(item("玩具总动员", "en")));
  }

  @Test
  void forcedModelTakesEverything() {
    LanguageRouter forced = LanguageRouter.forced(BundledModels.ZH);
    assertEquals(BundledModels.ZH, forced.modelFor("Toy Story"));
    assertEquals(BundledModels.ZH, forced.modelFor(item("Toy Story", "en")));
    assertThrows(IllegalArgumentException.class, () -> LanguageRouter.forced("no-such-model"));
  }
}
