package io.shiftrec.core;

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
  void rejectsDuplicateIdsAndMixedDimensions() {
    assertThrows(IllegalArgumentException.class, () -> Catalog.builder().add(item("a"), null, null)
        .add(item("a"), null, null).build());
    assertThrows(IllegalArgumentException.class, () -> Catalog.builder().add(item("a"), "m", new float[] {1f})
        .add(item("b"), "m", new float[] {1f, 0f}).build());
  }
}
