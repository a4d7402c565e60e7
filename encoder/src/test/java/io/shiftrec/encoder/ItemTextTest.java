package io.shiftrec.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shiftrec.core.Item;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemTextTest {
  private static final Item TOY_STORY = new Item("1", "movies", "Toy Story (1995)",
      "A cowboy doll is threatened by a new spaceman figure.", List.of("Adventure", "Animation"), "en",
      Map.of("director", "John Lasseter", "cast", List.of("Tom Hanks", "Tim Allen")));

  @Test
  void composesTitleCategoriesAndText() {
    assertEquals("Toy Story (1995) | Adventure, Animation | A cowboy doll is threatened by a new spaceman figure.",
        ItemText.defaults().compose(TOY_STORY));
  }

  @Test
  void skipsEmptyFieldsAndUsesNoEnglishLabels() {
    Item zh = new Item("2", "books", " 三体 ", "  ", List.of("科幻"), "zh", null);
    assertEquals("三体 | 科幻", ItemText.defaults().compose(zh));
  }

  @Test
  void fieldsAreConfigurableAndIncludeAttributes() {
    ItemText text = new ItemText(List.of("title", "director", "cast", "missing"), 512);
    assertEquals("Toy Story (1995) | John Lasseter | Tom Hanks, Tim Allen", text.compose(TOY_STORY));
  }

  @Test
  void hashChangesWithTemplateAndTruncation() {
    String base = ItemText.defaults().hash(TOY_STORY);
    assertEquals(base, ItemText.defaults().hash(TOY_STORY));
    assertNotEquals(base, new ItemText(List.of("title", "text"), 512).hash(TOY_STORY));
    assertNotEquals(base, new ItemText(ItemText.DEFAULT_FIELDS, 256).hash(TOY_STORY));
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new ItemText(List.of(), 512));
    assertThrows(IllegalArgumentException.class, () -> new ItemText(ItemText.DEFAULT_FIELDS, 1024));
  }
}
