package io.shiftrec.store.postgres;

import io.shiftrec.core.Store;
import io.shiftrec.core.StoreProvider;

/** Handles {@code jdbc:postgresql:} locations (the driver's URL: host, port, database, user and password). */
public final class PostgresStoreProvider implements StoreProvider {
  private static final String PREFIX = "jdbc:postgresql:";

  @Override
  public boolean accepts(String location) {
    return location.startsWith(PREFIX);
  }

  @Override
  public Store open(String location) {
    return PostgresStore.open(location);
  }
}
