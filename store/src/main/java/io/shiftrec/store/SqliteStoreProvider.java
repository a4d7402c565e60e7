package io.shiftrec.store;

import io.shiftrec.core.Store;
import io.shiftrec.core.StoreProvider;
import java.nio.file.Path;

/** Handles plain file paths and {@code sqlite:} locations; server URLs are left to other providers. */
public final class SqliteStoreProvider implements StoreProvider {
  private static final String PREFIX = "sqlite:";

  @Override
  public boolean accepts(String location) {
    return location.startsWith(PREFIX) || !location.contains("://") && !location.startsWith("jdbc:");
  }

  @Override
  public Store open(String location) {
    return SqliteStore.open(Path.of(location.startsWith(PREFIX) ? location.substring(PREFIX.length()) : location));
  }
}
