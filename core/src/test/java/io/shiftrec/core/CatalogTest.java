package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
  static Item item(String id) {
    return new Item(id, "d", id, null, List.of(), null, Map.of());
  }

  private final Catalog catalog = Catalog.builder()
      .add(item("a"), "m", new float[] {3f, 4f})
      .add(item("b"), "m", new float[] {1f, 0f})
      .add(item("raw"), null, null)
      .add(item("z"), "zh", new float[] {0f, 2f, 0f})
      .build();

  @Test
  void normalisesVectorsAndKeepsOneSpacePerModel() {
    assertEquals(0.6f, catalog.vector(0)[0], 1e-6f);
    assertEquals(0.6f, catalog.similarity(0, 1), 1e-6f);
    assertNull(catalog.vector(2));
    assertEquals(0f, catalog.similarity(0, 3)); // different spaces
    assertEquals(List.of("m", "zh"), List.copyOf(catalog.spaces().keySet()));
    assertSame(catalog.spaces().get("zh"), catalog.spaceOf(3));
  }

  @Test
  void centringRemovesTheSpaceMeanAndRenormalises() {
    // m: (0.6, 0.8) and (1, 0); mean (0.8, 0.4); centred (-0.2, 0.4) and (0.2, -0.4) → opposite unit vectors
    Catalog c = catalog.centred();
    float[] a = c.vector(0);
    assertEquals(-1 / Math.sqrt(5), a[0], 1e-6);
    assertEquals(2 / Math.sqrt(5), a[1], 1e-6);
    assertEquals(-1f, c.similarity(0, 1), 1e-6f);
    assertNull(c.vector(2));
    // a single-item space centres to zero: it stays a zero vector rather than NaN
    assertEquals(0f, c.vector(3)[1]);
    assertEquals(1, c.indexOf("b"));
  }

  @Test
  void centredByAGivenMeanKeepsItForItsSpaceOnly() {
    Catalog c = catalog.centredBy(Map.of("m", new float[] {0.6f, 0.8f}));
    assertEquals(0f, c.vector(0)[0]); // item a is the given centre: zero, not NaN
    assertEquals(0.8f, c.spaces().get("m").centre()[1]);
    assertEquals(catalog.centred().vector(3)[1], c.vector(3)[1]); // zh keeps its own mean
    assertThrows(IllegalArgumentException.class, () -> catalog.centredBy(Map.of("m", new float[] {1f})));
  }

  /** Upserting keeps the other items' vectors bit for bit (normalising again would move them), new ones last. */
  @Test
  void upsertedReplacesByIdAndKeepsTheOtherVectorsAsTheyAre() {
    Catalog grown = Catalog.builder().add(item("a"), "m", new float[] {0.28f, 0.96f}).build();
    Catalog u = catalog.upserted(grown).upserted(Catalog.builder().add(item("new"), null, null).build());
    assertEquals(List.of("b", "raw", "z", "a", "new"), List.of(u.item(0).id(), u.item(1).id(), u.item(2).id(),
        u.item(3).id(), u.item(4).id()));
    assertArrayEquals(grown.vector(0), u.vector(3));
    assertArrayEquals(catalog.vector(1), u.vector(0));
    assertArrayEquals(catalog.vector(3), u.vector(2));
    assertNull(u.vector(4));
  }

  @Test
  void rejectsDuplicateIdsAndMixedDimensions() {
    assertThrows(IllegalArgumentException.class, () -> Catalog.builder().add(item("a"), null, null)
        .add(item("a"), null, null).build());
    assertThrows(IllegalArgumentException.class, () -> Catalog.builder().add(item("a"), "m", new float[] {1f})
        .add(item("b"), "m", new float[] {1f, 0f}).build());
  }

  /** An item's language is its declared one, else the one its text is written in, and is the same when asked again. */
  @Test
  void itemLanguageIsFoundOnceAndKept() {
    Catalog c = Catalog.builder()
        .add(new Item("wok", "kitchen", "铸铁炒锅", "适合爆炒的铸铁锅", List.of(), null, Map.of()), null, null)
        .add(new Item("pan", "kitchen", "Cast iron pan", null, List.of(), null, Map.of()), null, null)
        .add(new Item("declared", "kitchen", "Cast iron pan", null, List.of(), "zh-Hans", Map.of()), null, null)
        .build();
    assertEquals(List.of("zh", "en", "zh"), List.of(c.language(0), c.language(1), c.language(2)));
    assertSame(c.language(0), c.language(0));
  }
}
