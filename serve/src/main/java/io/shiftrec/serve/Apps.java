package io.shiftrec.serve;

import io.shiftrec.core.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The apps of a deployment beside the default one, each in a store file of its own in a folder next to the default
 * store ({@code shop.db} keeps its apps in {@code shop-apps/}). Made and dropped through {@code /apps} by an admin
 * key of the default app; a new app's first admin key is in the answer that made it. Every {@code follow_seconds} the
 * folder is read again, so an app another server on the same folder made or dropped is served or dropped here too.
 * A deployment whose store is a database server ({@code jdbc:postgresql:…}) has no folder, and so no other apps.
 */
final class Apps implements AutoCloseable {
  private final ServeConfig config;
  private final Path folder;
  private final Map<String, App> open = new ConcurrentHashMap<>();
  private final SharedEncoders encoders;
  private final UserMemory memory;
  private final java.util.concurrent.ScheduledExecutorService ticker;

  private Apps(ServeConfig config, Path folder, SharedEncoders encoders, UserMemory memory) {
    this.config = config;
    this.folder = folder;
    this.encoders = encoders;
    this.memory = memory;
    this.ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shiftrec-apps");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(this::followSafely, config.followSeconds(), config.followSeconds(),
        java.util.concurrent.TimeUnit.SECONDS);
  }

  private void followSafely() {
    try {
      follow();
    } catch (RuntimeException e) { // the next look tries again; the apps open keep serving
      org.slf4j.LoggerFactory.getLogger(Apps.class).error("could not read the apps in {}", folder, e);
    }
  }

  /** Serves the apps another server made in the folder and drops those it deleted. */
  synchronized void follow() {
    Map<String, Path> onDisk = stores();
    for (Map.Entry<String, Path> e : onDisk.entrySet()) {
      if (!open.containsKey(e.getKey())) open.put(e.getKey(), App.open(e.getKey(), e.getValue().toString(), config, Map.of(), encoders,
          memory));
    }
    for (String name : List.copyOf(open.keySet())) {
      if (!onDisk.containsKey(name)) open.remove(name).close();
    }
  }

  /** The app stores in the folder, by name. */
  private Map<String, Path> stores() {
    Map<String, Path> found = new LinkedHashMap<>();
    if (folder == null || !Files.isDirectory(folder)) return found;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.db")) {
      for (Path f : files) {
        String name = f.getFileName().toString().replaceFirst("\\.db$", "");
        if (App.NAME.matcher(name).matches()) found.put(name, f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the apps in " + folder, e);
    }
    return found;
  }

  /** Opens every app found in the deployment's folder. */
  static Apps open(ServeConfig config, SharedEncoders encoders, UserMemory memory) {
    Apps apps = new Apps(config, folderOf(config.db()), encoders, memory);
    try {
      apps.follow();
    } catch (RuntimeException e) {
      apps.close();
      throw e;
    }
    return apps;
  }

  /** The folder beside a store file that keeps its apps; null for a database server's store. */
  private static Path folderOf(String location) {
    if (location.startsWith("jdbc:")) return null;
    Path db = Path.of(location).toAbsolutePath();
    String file = db.getFileName().toString();
    return db.resolveSibling((file.endsWith(".db") ? file.substring(0, file.length() - 3) : file) + "-apps");
  }

  /** The app of that name; null when there is none. */
  App get(String name) {
    return open.get(name);
  }

  List<String> names() {
    List<String> names = new ArrayList<>(open.keySet());
    names.sort(null);
    return names;
  }

  /**
   * Makes an empty app and its first admin key. Returns {@code {name, created_at, key}}; the key is in this answer
   * only.
   *
   * @throws Problem 409 when an app of that name exists
   */
  synchronized Map<String, Object> create(String name) {
    if (name.equals(App.DEFAULT) || open.containsKey(name)) throw Problem.appExists(name);
    if (folder == null) throw Problem.appsNeedAFileStore();
    Path file = folder.resolve(name + ".db");
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + folder, e);
    }
    Stores.open(file.toString()).close(); // an empty store, its schema made
    App app = App.open(name, file.toString(), config, Map.of(), encoders, memory);
    open.put(name, app);
    Map<String, Object> key = app.keys.create(ApiKeys.Scope.ADMIN, "made with the app");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", name);
    doc.put("created_at", Instant.now().toString());
    doc.put("key", key);
    return doc;
  }

  /** Drops an app and deletes its store: its catalogue, users, events, models and keys. False when there is none. */
  synchronized boolean delete(String name) {
    App app = open.remove(name);
    if (app == null) return false;
    app.close();
    Path file = folder.resolve(name + ".db");
    try {
      for (String suffix : List.of("", "-wal", "-shm")) Files.deleteIfExists(Path.of(file + suffix));
    } catch (IOException e) {
      throw new UncheckedIOException("app " + name + " is closed but its store " + file + " could not be deleted", e);
    }
    return true;
  }

  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    for (App app : open.values()) app.close();
    open.clear();
  }
}
