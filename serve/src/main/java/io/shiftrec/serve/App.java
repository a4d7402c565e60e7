package io.shiftrec.serve;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One app of a deployment: its own store (catalogue, users, events, models, keys) and what serves it, the live
 * catalogue, the users' interests, the fallback chain, its keys and the follower keeping them in step with the store.
 * Apps share nothing but the process: a key of one app is refused by every other.
 */
final class App implements AutoCloseable {
  /** The app the routes without {@code /apps/{app}} serve. */
  static final String DEFAULT = "default";
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  final String name;
  final Store store;
  final LiveCatalog catalog;
  final LiveInterests interests;
  final Fallback fallback;
  final ApiKeys keys;
  final ItemTimes times;
  final StoreFollower follower;

  private App(String name, Store store, LiveCatalog catalog, ApiKeys keys, Store.Watermark loaded,
              ServeConfig config, UserMemory memory) {
    this.name = name;
    this.store = store;
    this.catalog = catalog;
    this.interests = new LiveInterests(store, catalog, config.userCache(), memory);
    this.fallback = new Fallback(store);
    this.keys = keys;
    this.times = new ItemTimes(store);
    this.follower = new StoreFollower(store, catalog, interests, fallback, keys, times, loaded,
        config.followSeconds(), config.trainEvery());
  }

  /**
   * Opens the app kept in {@code db}: loads its catalogue (encoding items not encoded yet) and active model.
   *
   * @param configuredKeys keys the settings give this app, beside those its store keeps
   * @param encoders the server's language models, shared by its apps
   * @param memory what the users kept by the server's apps may take together
   */
  static App open(String name, String db, ServeConfig config, Map<String, ApiKeys.Scope> configuredKeys,
                  SharedEncoders encoders, UserMemory memory) {
    Store store = Stores.openExisting(db);
    try {
      Store.Watermark loaded = store.watermark(); // before the catalogue: what is written after it is followed
      LiveCatalog catalog = new LiveCatalog(store, config.itemQueue(), encoders);
      return new App(name, store, catalog, new ApiKeys(configuredKeys, store), loaded, config, memory);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Stops following the store, then closes the encoder and the store; requests must be answered by then. */
  @Override
  public void close() {
    follower.close();
    interests.close();
    catalog.close();
    store.close();
  }
}
