package io.shiftrec.ranker;

import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.candidates.ContentModel;
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
import io.shiftrec.learn.TextAdapter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdapterArtifactTest {
  private static final TextAdapter.Config CONFIG =
      new TextAdapter.Config(0, 10, 0.2f, 0.01f, 0.001f, 0.1f, 0.5f, 0f, 20, 32, 40, 20, 2);

  private static Event rating(String user, String item, double stars, long ts) {
    return new Event(user, item, EventType.RATING, stars, ts, null, "movies", null, Map.of());
  }

  private static Catalog catalog(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < n; i++) {
      float[] v = new float[d];
      for (int j = 0; j < d; j++) v[j] = (float) r.nextGaussian();
      b.add(new Item("i" + i, "movies", "title " + i, null, List.of(), "en", Map.of()), "m", v);
    }
    return b.build();
  }

  /** A hand-made adapter on 3 dimensions: W swaps the first two coordinates; item i1 has a residual. */
  private static AdapterArtifact handMade() {
    float[] wt = {0, 1, 0, 1, 0, 0, 0, 0, 1}; // W transposed: input 0 → output 1, input 1 → output 0
    TextAdapter a = new TextAdapter(CONFIG, 3, wt, new int[] {0}, new float[] {0, 0, 5});
    return new AdapterArtifact(List.of(new AdapterArtifact.Part("m", a, new String[] {"i1"}, null)));
  }

  @Test
  void appliesTheMapAndTheResidualsOfTheNamedItems() {
    Catalog c = catalog(3, 3, 1).centred();
    Catalog adapted = handMade().adapted(c);
    for (int i = 0; i < 3; i++) {
      float[] e = c.vector(i), expected = {e[1], e[0], e[2] + (i == 1 ? 5 : 0)};
      double norm = Math.sqrt(expected[0] * expected[0] + expected[1] * expected[1] + expected[2] * expected[2]);
      for (int j = 0; j < 3; j++) expected[j] /= (float) norm;
      assertArrayEquals(expected, adapted.vector(i), 1e-6f, "item " + i);
    }
  }

  @Test
  void placesAQueryThroughTheMapWithoutAResidual() {
    Catalog c = catalog(3, 3, 1).centred();
    Catalog.Space space = c.spaces().get("m");
    float[] raw = {3f, 1f, 0.5f};
    float[] centred = space.place(raw), placed = handMade().adapted(c).spaces().get("m").place(raw);
    float[] expected = {centred[1], centred[0], centred[2]};
    assertArrayEquals(expected, placed, 1e-6f);
  }

  /** 80 users of 12 ratings each, even users on even items and odd users on odd ones. */
  private static TrainingData twoTasteUsers(Catalog c) {
    List<Event> events = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(4);
    for (int u = 0; u < 80; u++) {
      for (int k = 0; k < 12; k++) {
        events.add(rating("u" + u, "i" + (2 * r.nextInt(30) + u % 2), 5.0, u * 100L + k));
      }
    }
    return TrainingData.fromEvents(c, events);
  }

  @Test
  void bytesRoundTrip() {
    // a fit adapter, with residuals, so the round trip carries real numbers
    Catalog c = catalog(60, 6, 2);
    TrainingData train = twoTasteUsers(c);
    AdapterArtifact fit = AdapterArtifact.fit(train, c.centred(), CONFIG.withResidualMinCount(5), 3, 50).artifact();
    assertTrue(fit.parts().get(0).residualItemIds().length > 0);
    AdapterArtifact back = AdapterArtifact.fromBytes(fit.toBytes());
    AdapterArtifact.Part p = fit.parts().get(0), q = back.parts().get(0);
    assertEquals(p.space(), q.space());
    assertEquals(p.adapter().config(), q.adapter().config());
    assertArrayEquals(p.adapter().weights(), q.adapter().weights());
    assertArrayEquals(p.adapter().residuals(), q.adapter().residuals());
    assertArrayEquals(p.residualItemIds(), q.residualItemIds());
    assertArrayEquals(c.centred().spaces().get("m").centre(), q.centre());
    Catalog a = fit.adapted(c.centred()), b = back.adapted(c.centred());
    for (int i = 0; i < c.size(); i++) assertArrayEquals(a.vector(i), b.vector(i), "item " + i);
  }

  /** An artefact of the first format, which saved no centre, is read with none: the catalogue's own mean then. */
  @Test
  void readsTheFormatWithoutACentre() {
    byte[] bytes = handMade().toBytes(); // ends with the flag 0: no centre
    byte[] first = Arrays.copyOf(bytes, bytes.length - 4);
    first[3] = 1;
    AdapterArtifact back = AdapterArtifact.fromBytes(first);
    assertEquals(null, back.parts().get(0).centre());
    assertTrue(back.centres().isEmpty());
    Catalog c = catalog(3, 3, 1).centred();
    for (int i = 0; i < 3; i++) assertArrayEquals(handMade().adapted(c).vector(i), back.adapted(c).vector(i));
  }

  /**
   * A catalogue that gained an item and changed another, centred by the adapter's centre: the other items keep their
   * adapted vectors, only the two are projected again, and the result is the fresh adaptation bit for bit.
   */
  @Test
  void aGrownCatalogueProjectsOnlyItsNewRowsAndEqualsAFreshAdaptation() {
    Catalog c = catalog(60, 6, 2);
    AdapterArtifact fit = AdapterArtifact.fit(twoTasteUsers(c), c.centred(), CONFIG.withResidualMinCount(5), 3, 50)
        .artifact();
    Catalog more = catalog(61, 6, 9); // other vectors
    Catalog grown = c.upserted(Catalog.builder().add(c.item(7), "m", more.vector(7))
        .add(more.item(60), "m", more.vector(60)).build());
    AdapterArtifact.Adaptation before = fit.adapt(c.centredBy(fit.centres()), null);
    AdapterArtifact.Adaptation reused = fit.adapt(grown.centredBy(fit.centres()), before);
    AdapterArtifact.Adaptation fresh = fit.adapt(grown.centredBy(fit.centres()), null);
    assertEquals(60, before.projectedRows());
    assertEquals(2, reused.projectedRows());
    assertEquals(61, fresh.projectedRows());
    for (int i = 0; i < grown.size(); i++) {
      String id = grown.item(i).id();
      assertArrayEquals(fresh.catalog().vector(i), reused.catalog().vector(i), id);
      if (c.indexOf(id) >= 0 && !id.equals("i7")) {
        assertArrayEquals(before.catalog().vector(c.indexOf(id)), reused.catalog().vector(i), id);
      }
    }
    assertEquals(61, fit.adapt(grown.centred(), before).projectedRows(), "centred by its own mean, every row moved");
    AdapterArtifact other = AdapterArtifact.fromBytes(fit.toBytes());
    assertEquals(61, other.adapt(grown.centredBy(fit.centres()), before).projectedRows(), "another artefact's rows");
  }

  /**
   * Refit with the choices a selection made, on the same data and seed, the adapter is the one the selection refit:
   * the same choices mean the same training run, without the five trials of the selection.
   */
  @Test
  void refitWithTheChoicesMadeGivesTheSameAdapter() {
    Catalog c = catalog(60, 6, 2);
    TrainingData train = twoTasteUsers(c);
    AdapterArtifact.Fitted selected = AdapterArtifact.fit(train, c.centred(), CONFIG.withResidualMinCount(5), 3, 50);
    assertEquals(1, selected.choices().size());
    assertTrue(selected.choices().get(0).steps() > 0, "the selection trained: " + selected.chosen());
    AdapterArtifact.Fitted refit = AdapterArtifact.refit(train, c.centred(), selected.choices(), 3);
    assertEquals("reused", refit.chosen().get("selection"));
    assertEquals(selected.chosen().get("steps"), refit.chosen().get("steps"));
    AdapterArtifact.Part p = selected.artifact().parts().get(0), q = refit.artifact().parts().get(0);
    assertArrayEquals(p.adapter().weights(), q.adapter().weights());
    assertArrayEquals(p.adapter().residuals(), q.adapter().residuals());
    assertArrayEquals(p.residualItemIds(), q.residualItemIds());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AdapterArtifact.refit(train, c.centred(),
        List.of(new AdapterArtifact.Choice("other", CONFIG, 1)), 3)).getMessage().contains("no text adapter choice"));
  }

  /** Fit on one domain's interactions, the map moves every item, and only that domain's items carry residuals. */
  @Test
  void fitsOnOneDomainAndMapsEvery() {
    SplittableRandom r = new SplittableRandom(2);
    Catalog.Builder builder = Catalog.builder();
    for (int i = 0; i < 60; i++) {
      float[] v = new float[6];
      for (int j = 0; j < 6; j++) v[j] = (float) r.nextGaussian();
      builder.add(new Item("i" + i, i % 2 == 0 ? "a" : "b", "title " + i, null, List.of(), "en", Map.of()), "m", v);
    }
    Catalog c = builder.build();
    List<Event> events = new ArrayList<>();
    for (int u = 0; u < 80; u++) {
      for (int k = 0; k < 12; k++) events.add(rating("u" + u, "i" + (2 * r.nextInt(30) + u % 2), 5.0, u * 100L + k));
    }
    TrainingData train = TrainingData.fromEvents(c, events);
    AdapterArtifact onA = AdapterArtifact.fit(train, c.centred(), CONFIG.withResidualMinCount(5), 3, 50, "a")
        .artifact();
    String[] residualIds = onA.parts().get(0).residualItemIds();
    assertTrue(residualIds.length > 0);
    for (String id : residualIds) assertEquals(0, Integer.parseInt(id.substring(1)) % 2, id + " is not of domain a");
    Catalog adapted = onA.adapted(c.centred());
    float[] expected = onA.parts().get(0).adapter().adapt(c.centred().vector(1)); // an item of b: W·e alone
    assertArrayEquals(expected, adapted.vector(1), 1e-6f);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> AdapterArtifact.fit(train, c.centred(), CONFIG, 3, 50, "c"));
    assertTrue(unknown.getMessage().contains("domain 'c'"), unknown.getMessage());
    assertEquals(ContentModel.ADAPTER + ":fit-domain=a", Models.create(ContentModel.ADAPTER + ":fit-domain=a").name());
    IllegalArgumentException misspelt = assertThrows(IllegalArgumentException.class,
        () -> Models.create(ContentModel.ADAPTER + ":fit-domian=a"));
    assertTrue(misspelt.getMessage().contains("'fit-domian'") && misspelt.getMessage().contains("dropout")
        && misspelt.getMessage().contains("fit-domain)"), misspelt.getMessage());
  }

  @Test
  void refusesOtherFormatsAndCutBytes() {
    byte[] bytes = handMade().toBytes();
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> AdapterArtifact.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)));
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
    byte[] other = bytes.clone();
    other[3] = 9;
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
        () -> AdapterArtifact.fromBytes(other));
    assertTrue(format.getMessage().contains("format 9"), format.getMessage());
    IllegalArgumentException dimension = assertThrows(IllegalArgumentException.class,
        () -> handMade().adapted(catalog(3, 4, 1).centred()));
    assertTrue(dimension.getMessage().contains("dimension 4"), dimension.getMessage());
    byte[] flag = bytes.clone(); // the last int says whether a centre follows: 0 or 1, nothing else
    flag[flag.length - 1] = 7;
    IllegalArgumentException centre = assertThrows(IllegalArgumentException.class,
        () -> AdapterArtifact.fromBytes(flag));
    assertTrue(centre.getMessage().contains("centre flag 7"), centre.getMessage());
    byte[] missing = Arrays.copyOf(bytes, bytes.length);
    missing[missing.length - 1] = 1; // a centre announced and not there
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AdapterArtifact.fromBytes(missing)).getMessage()
        .contains("cut short"));
    AdapterArtifact.Part part = handMade().parts().get(0);
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> new AdapterArtifact.Part("m", part.adapter(), part.residualItemIds(), new float[2]));
    assertTrue(wrong.getMessage().contains("centre of dimension 2"), wrong.getMessage());
  }

  @Test
  void contentAdapterIsAKnownModelThatRecordsItsChoices() {
    assertTrue(Models.known().contains(ContentModel.ADAPTER));
    Catalog c = catalog(40, 6, 5);
    List<Event> events = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      for (int k = 0; k < 8; k++) {
        events.add(rating("u" + u, "i" + ((u * 7 + k * 3) % 40), 4.0, u * 100L + k));
      }
    }
    Model m = Models.create(ContentModel.ADAPTER);
    m.fit(TrainingData.fromEvents(c, events), 1);
    assertTrue(m.fitted().containsKey("steps") && m.fitted().containsKey("decay"), m.fitted().toString());
    float[] s = new float[40];
    m.score(0, s);
    for (float f : s) assertTrue(f >= -1.0001f && f <= 1.0001f, "a cosine, got " + f);
  }
}
