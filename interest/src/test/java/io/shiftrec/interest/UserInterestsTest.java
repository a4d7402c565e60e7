package io.shiftrec.interest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.TextVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserInterestsTest {
  private static final int DIMENSION = 16;

  /**
   * A history where most ratings are followed by a stronger tag on the same film (each one a replay, event by
   * event), with tag texts and searches between: a whole history at once reaches the state event by event does.
   */
  @Test
  void aWholeHistoryAtOnceEqualsItsEventsOneByOne() {
    SplittableRandom random = new SplittableRandom(3);
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < 60; i++) {
      float[] v = new float[DIMENSION];
      for (int d = 0; d < DIMENSION; d++) v[d] = (float) random.nextGaussian() + (i % 3 == d % 3 ? 2f : 0f);
      b.add(new Item("i" + i, "movies", "Film " + i, null, List.of("g" + i % 3), "en", Map.of()), "m", v);
    }
    Catalog catalog = b.build().centred();
    Map<String, TextVectors.Placed> words = new java.util.HashMap<>();
    List<Event> history = new ArrayList<>();
    long clock = 1000;
    for (int n = 0; n < 200; n++) {
      String item = "i" + random.nextInt(60);
      history.add(new Event("u", item, EventType.RATING, 0.5 + random.nextInt(10) / 2.0, clock++, null, "movies",
          null, Map.of()));
      if (random.nextInt(3) > 0) {
        String tag = "tag " + random.nextInt(40);
        float[] t = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) t[d] = (float) random.nextGaussian();
        words.put(tag, new TextVectors.Placed("m", io.shiftrec.core.Vectors.normalizeInPlace(t)));
        history.add(new Event("u", item, EventType.REVIEW, Double.NaN, clock++, null, "movies", tag, Map.of()));
      }
    }
    TextVectors texts = words::get;
    UserInterests oneByOne = new UserInterests(catalog, InterestConfig.defaults());
    for (Event e : history) oneByOne.add(e, texts);
    UserInterests atOnce = new UserInterests(catalog, InterestConfig.defaults());
    atOnce.addAll(history, texts);
    assertEquals(oneByOne.profiles().keySet(), atOnce.profiles().keySet());
    for (String model : oneByOne.profiles().keySet()) {
      assertArrayEquals(oneByOne.profiles().get(model).toBytes(), atOnce.profiles().get(model).toBytes(), model);
    }
    // and both go on alike
    Event next = new Event("u", "i7", EventType.PURCHASE, Double.NaN, clock, null, "movies", null, Map.of());
    oneByOne.add(next, texts);
    atOnce.add(next, texts);
    assertArrayEquals(oneByOne.profiles().get("m").toBytes(), atOnce.profiles().get("m").toBytes());
  }
}
