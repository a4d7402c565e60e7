package io.shiftrec.core;

/** Service-provider hook: a store implementation registers one under META-INF/services. */
public interface StoreProvider {
  /** True when this provider handles the location (a file path, a JDBC URL, …). */
  boolean accepts(String location);

  Store open(String location);
}
