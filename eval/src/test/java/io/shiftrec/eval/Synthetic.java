package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny datasets for tests: two domains, fake 4-dimensional embeddings, timestamped ratings. */
final class Synthetic {
  private Synthetic() {}

  static Catalog catalog(int items, boolean vectors) {
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < items; i++) {
      String domain = i < items / 2 ? "A" : "B";
      Item item = new Item("i" + i, domain, "Item " + i, null, List.of("g" + (i % 3)), "en", null);
      float[] v = {(float) Math.cos(i), (float) Math.sin(i), i % 2, domain.equals("A") ? 1 : 0};
      b.add(item, vectors ? "fake-4d" : null, vectors ? v : null);
    }
    return b.build();
  }

  static Event rating(String user, String item, double stars, long ts) {
    return new Event(user, item, EventType.RATING, stars, ts, null, null, null, null);
  }

  static Event positioned(String user, String item, long pos) {
    return new Event(user, item, EventType.PURCHASE, Double.NaN, null, pos, null, null, null);
  }

  /** {@code users} users with 3..(3+maxExtra) ratings each, clustered by user so popularity and co-occurrence mean something. */
  static Dataset random(int users, int items, int maxExtra, long seed, boolean vectors) {
    Random rnd = new Random(seed);
    Catalog catalog = catalog(items, vectors);
    List<Event> events = new ArrayList<>();
    List<User> us = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String id = String.format("u%03d", u);
      us.add(new User(id, null, null));
      int n = 3 + rnd.nextInt(maxExtra + 1);
      int base = rnd.nextInt(items);
      long ts = 1_000_000L + rnd.nextInt(1000);
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (int e = 0; e < n && seen.size() < items; ) {
        int it = rnd.nextDouble() < 0.6 ? (base + rnd.nextInt(5)) % items : (int) Math.floor(Math.pow(rnd.nextDouble(), 2) * items);
        if (!seen.add(it)) continue;
        e++;
        ts += 1 + rnd.nextInt(500);
        events.add(rating(id, "i" + it, 1 + rnd.nextInt(5), ts));
      }
    }
    return new Dataset("synthetic", catalog, us, events);
  }
}
