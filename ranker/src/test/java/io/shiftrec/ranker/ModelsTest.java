package io.shiftrec.ranker;

import io.shiftrec.candidates.ItemKnnModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Vectors;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {
  private static Catalog catalog() {
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < 6; i++) {
      Item item = new Item("i" + i, i < 3 ? "A" : "B", "t" + i, null, null, "en", null);
      if (i == 5) b.add(item, null, null);
      else b.add(item, "m", new float[] {(float) Math.cos(i), (float) Math.sin(i), i % 2, 0.5f});
    }
    return b.build();
  }

  private static Event rating(String user, String item, double stars, long ts) {
    return new Event(user, item, EventType.RATING, stars, ts, null, null, null, null);
  }

  private static final List<Event> EVENTS = List.of(
      rating("x", "i0", 5, 1), rating("x", "i1", 4, 2), rating("x", "i1", 2, 3), rating("x", "i3", 1, 4),
      rating("y", "i0", 5, 1), rating("y", "i2", 4, 2),
      rating("z", "i1", 3, 1), rating("z", "i2", 3, 2), rating("z", "i4", 5, 3));

  @Test
  void trainingDataGroupsOrdersAndDeduplicates() {
    TrainingData d = TrainingData.fromEvents(catalog(), List.of(
        rating("x", "i2", 5, 30), rating("x", "i0", 4, 10), rating("x", "i2", 2, 5), rating("y", "i1", 5, 1)));
    assertEquals(2, d.numUsers());
    assertEquals("x", d.userId(0));
    // i2 first seen at 5, its best weight (5★ → 2) kept; i0 at 10
    assertArrayEquals(new int[] {2, 0}, java.util.Arrays.copyOfRange(d.historyItems(), 0, 2));
    assertEquals(2f, d.historyWeights()[0]);
    assertArrayEquals(new long[] {5, 10}, java.util.Arrays.copyOfRange(d.historyClocks(), 0, 2));
    assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0}, d.popularity());
    assertEquals(0, d.lastDomain(0)); // i0 is in A, the first domain seen
  }

  @Test
  void popularityAndDomainPopularity() {
    TrainingData d = TrainingData.fromEvents(catalog(), EVENTS);
    float[] s = new float[6];
    Model pop = Models.create("pop");
    pop.fit(d, 1);
    pop.score(0, s);
    assertArrayEquals(new float[] {2, 2, 2, 1, 1, 0}, s);
    Model pd = Models.create("pop-domain");
    pd.fit(d, 1);
    pd.score(2, s); // z's last item i4 is in B: B items first
    assertTrue(s[4] > s[0] && s[3] > s[1] && s[5] > s[2]);
    pd.score(1, s); // y ends in A
    assertTrue(s[0] > s[3] && s[2] > s[4]);
  }

  @Test
  void itemKnnIsCosineOfCoOccurrence() {
    TrainingData d = TrainingData.fromEvents(catalog(), EVENTS);
    ItemKnnModel knn = new ItemKnnModel(2);
    knn.fit(d, 1);
    // users: i0 {x,y}, i1 {x,z}, i2 {y,z}, i3 {x}, i4 {z}
    // sim(i0,i1) = 1/2, sim(i0,i2) = 1/2, sim(i0,i3) = 1/sqrt(2): top-2 of i0 = i3, i1 (tie with i2 → lower index)
    assertArrayEquals(new int[] {3, 1}, knn.neighboursOf(0));
    assertEquals((float) (1 / Math.sqrt(2)), knn.similaritiesOf(0)[0], 1e-6);
    float[] s = new float[6];
    knn.score(1, s); // y: i0, i2
    // neighbours of i2 (users y,z): i4 1/sqrt2, then i0 and i1 tie at 1/2 → i0 kept
    float r = (float) (1 / Math.sqrt(2));
    assertArrayEquals(new float[] {0.5f, 0.5f, 0f, r, r, 0f}, s, 1e-6f);
    ItemKnnModel recent = ItemKnnModel.recent(2, 1);
    recent.fit(d, 1);
    recent.score(1, s); // y's latest item is i2: only its neighbours i4 and i0 count
    assertArrayEquals(new float[] {0.5f, 0f, 0f, 0f, r, 0f}, s, 1e-6f);
  }

  @Test
  void contentModelScoresCosineWithTheWeightedMeanOfLikedItems() {
    Catalog c = catalog();
    TrainingData d = TrainingData.fromEvents(c, List.of(rating("y", "i0", 5, 1), rating("y", "i2", 4, 2),
        rating("y", "i3", 1, 3), rating("y", "i5", 5, 4)));
    Model m = Models.create("content");
    m.fit(d, 1);
    float[] s = new float[6];
    m.score(0, s);
    // the profile: liked items (5★ → weight 2, 4★ → 1) summed in the centred space; the 1★ item and i5 (no vector)
    // add nothing
    Catalog centred = c.centred();
    float[] profile = new float[centred.vector(0).length];
    Vectors.addScaled(profile, centred.vector(0), 2f);
    Vectors.addScaled(profile, centred.vector(2), 1f);
    Vectors.normalizeInPlace(profile);
    for (int i = 0; i < 5; i++) assertEquals(Vectors.dot(profile, centred.vector(i)), s[i], 1e-6);
    assertEquals(Float.NEGATIVE_INFINITY, s[5]); // no vector
  }

  @Test
  void unknownModelNamesTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("bert4rec"));
    assertTrue(e.getMessage().contains(
        "pop, pop-domain, itemknn, itemknn-recent, next-item, next-item-svd, sasrec, ials, bpr, content"),
        e.getMessage());
  }

  @Test
  void factorModelsTakeHyperparametersAfterTheirName() {
    TrainingData d = TrainingData.fromEvents(catalog(), EVENTS);
    for (String name : new String[] {"ials", "bpr", "ials:factors=4:alpha=2", "BPR:epochs=3:lr=0.1"}) {
      Model m = Models.create(name);
      assertEquals(name.toLowerCase(java.util.Locale.ROOT), m.name());
      float[] a = new float[6], b = new float[6];
      m.fit(d, 3);
      m.score(1, a);
      Model again = Models.create(name);
      again.fit(d, 3);
      again.score(1, b);
      assertArrayEquals(a, b, name); // a pure function of data and seed
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("ials:rank=3")).getMessage()
        .contains("factors"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("ials:factors")).getMessage()
        .contains("key=value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.create("pop:k=3")).getMessage()
        .contains("no hyperparameters"));
  }

  @Test
  void theRankersMigrationBoostIsCheckedAndNamed() {
    assertEquals("shiftrec-learned:migration-boost=0", Models.create("shiftrec-learned:migration-boost=0").name());
    for (String bad : new String[] {"0.9", "-0.1", "lots"}) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> Models.create("shiftrec-learned:migration-boost=" + bad)).getMessage();
      assertTrue(message.contains("migration-boost"), message);
    }
  }
}
