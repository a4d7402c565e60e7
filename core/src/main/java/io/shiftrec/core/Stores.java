package io.shiftrec.core;

import java.util.ServiceLoader;

/** Opens a {@link Store} by location, using whichever registered {@link StoreProvider} accepts it. */
public final class Stores {
  private Stores() {}

  public static Store open(String location) {
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class)) {
      if (p.accepts(location)) return p.open(location);
    }
    throw new IllegalArgumentException("no store implementation accepts '" + location + "'");
  }
}
