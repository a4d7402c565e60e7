package io.shiftrec.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** Opens a {@link Store} by location, using whichever registered {@link StoreProvider} accepts it. */
public final class Stores {
  private Stores() {}

  /** A password in a location: a {@code password=} parameter, or the one in {@code user:password@host}. */
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*|(://[^/@:]*:)[^/@]*(@)");

  /** The location as logs and messages may show it: any password in it replaced by ***. */
  public static String describe(String location) {
    return PASSWORD.matcher(location).replaceAll(m -> m.group(1) != null ? "$1***" : "$2***$3");
  }

  public static Store open(String location) {
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class)) {
      if (p.accepts(location)) return p.open(location);
    }
    throw new IllegalArgumentException("no store implementation accepts '" + location + "'");
  }

  /** Opens a store that must already exist, so a typo in a file name is an error and not a new empty store. */
  public static Store openExisting(String location) {
    if (!location.contains(":") && !Files.isRegularFile(Path.of(location))) {
      throw new IllegalArgumentException("no store at " + location + " (create one with shiftrec import)");
    }
    return open(location);
  }
}
