package io.shiftrec.cli;

import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "copy", mixinStandardHelpOptions = true,
    description = {"Copy a whole store into an empty one, of either kind: a SQLite file into PostgreSQL or back, or"
        + " into another file. Items (with whether they are hidden and their times), users, events in their order,"
        + " embeddings, every model version with its metadata and the active one, and API keys.",
        "It works in batches, so a large store need not fit in memory, and ends by checking that both stores count"
            + " the same items, users, events, embeddings and model versions; exits 1 saying what differs.",
        "Stop whatever writes to the source first (a server): what it writes during the copy may be missed. For a"
            + " snapshot of a SQLite store in use, take a backup and copy from that."})
final class CopyCommand implements Callable<Integer> {
  @Option(names = "--from", paramLabel = "FILE|URL", required = true,
      description = "The store to copy: a SQLite file or a jdbc:postgresql:// URL.")
  String from;

  @Option(names = "--to", paramLabel = "FILE|URL", required = true,
      description = "The empty store to fill: a SQLite file (made when missing) or a jdbc:postgresql:// URL (the"
          + " database must exist; its tables are made).")
  String to;

  @Option(names = "--batch", defaultValue = "1000", paramLabel = "N",
      description = "Rows written per transaction. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Override
  public Integer call() {
    if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
    ConsoleProgress progress = new ConsoleProgress();
    try (Store source = Stores.openExisting(from); Store target = Stores.open(to)) {
      String contents = contents(target);
      if (contents != null) {
        throw new IllegalArgumentException("the target store " + Stores.describe(to) + " is not empty (" + contents
            + "); copy only into an empty store");
      }
      Copied copied;
      try {
        copied = copy(source, target, batch, progress);
      } finally {
        progress.finish();
      }
      List<String> differences = differences(source, target);
      Store.Counts c = target.counts();
      if (!differences.isEmpty()) {
        System.err.println("shiftrec copy: the copy in " + Stores.describe(to) + " differs from "
            + Stores.describe(from) + ": " + String.join("; ", differences) + " (was the source written to"
            + " meanwhile, or does 'shiftrec check' list rows it skips?)");
        return 1;
      }
      System.out.printf("copied %s to %s: %,d items, %,d users, %,d events, %,d embeddings, %,d model versions (%d"
          + " models), %d API keys%n", Stores.describe(from), Stores.describe(to), c.items(), c.users(), c.events(),
          c.embeddings(), copied.artifactVersions(), copied.artifactNames(), copied.apiKeys());
      return 0;
    }
  }

  /** What a store holds, said briefly; null when it holds nothing. */
  static String contents(Store store) {
    Store.Counts c = store.counts();
    int models = store.artifactNames().size();
    int keys = store.apiKeys().size();
    if (c.items() + c.users() + c.events() + c.embeddings() + models + keys == 0) return null;
    return String.format("%,d items, %,d users, %,d events, %,d embeddings, %d models, %d API keys", c.items(),
        c.users(), c.events(), c.embeddings(), models, keys);
  }

  record Copied(long artifactVersions, int artifactNames, int apiKeys) {}

  /** Copies everything of {@code source} into {@code target}, {@code batch} rows a transaction. */
  static Copied copy(Store source, Store target, int batch, Progress progress) {
    Store.Counts counts = source.counts();

    progress.start("copy items", counts.items());
    String after = null;
    while (true) {
      List<Store.StoredItem> page = source.itemPage(new Store.ItemPage(after, batch, null, null, 0));
      if (page.isEmpty()) break;
      try (Store.Transaction tx = target.begin()) {
        tx.upsertStoredItems(page);
        tx.commit();
      }
      progress.step(page.size());
      after = page.get(page.size() - 1).item().id();
    }

    progress.start("copy users", counts.users());
    after = null;
    while (true) {
      List<User> page = source.userPage(after, batch);
      if (page.isEmpty()) break;
      try (Store.Transaction tx = target.begin()) {
        tx.upsertUsers(page);
        tx.commit();
      }
      progress.step(page.size());
      after = page.get(page.size() - 1).id();
    }

    // In the order they are read (by user, in clock order): within a user, events on the same clock keep their
    // order of arrival. Their sequence numbers are the target's own.
    progress.start("copy events", counts.events());
    List<Event> events = new ArrayList<>(batch);
    source.forEachEvent(e -> {
      events.add(e);
      if (events.size() == batch) insert(target, events, progress);
    });
    insert(target, events, progress);

    progress.start("copy embeddings", counts.embeddings());
    String[] model = {null};
    Map<String, float[]> vectors = new HashMap<>();
    source.forEachEmbedding(e -> {
      if (!e.model().equals(model[0]) || vectors.size() == batch) {
        put(target, model[0], vectors, progress);
        model[0] = e.model();
      }
      vectors.put(e.textHash(), e.vector());
    });
    put(target, model[0], vectors, progress);

    List<String> names = source.artifactNames();
    long versions = 0;
    for (String name : names) versions += source.artifactVersions(name).size();
    progress.start("copy model versions", versions);
    for (String name : names) {
      // one version's data in memory at a time
      for (Store.ArtifactInfo info : source.artifactVersions(name)) {
        source.artifact(name, info.version()).ifPresent(target::putArtifactVersion);
        progress.step(1);
      }
      source.activeVersion(name).ifPresent(v -> target.activate(name, v));
    }

    List<Store.ApiKey> keys = source.apiKeys();
    for (Store.ApiKey key : keys) target.putApiKey(key);
    progress.finish();
    return new Copied(versions, names.size(), keys.size());
  }

  private static void insert(Store target, List<Event> events, Progress progress) {
    if (events.isEmpty()) return;
    try (Store.Transaction tx = target.begin()) {
      tx.insertEvents(events);
      tx.commit();
    }
    progress.step(events.size());
    events.clear();
  }

  private static void put(Store target, String model, Map<String, float[]> vectors, Progress progress) {
    if (vectors.isEmpty()) return;
    target.putEmbeddings(model, vectors);
    progress.step(vectors.size());
    vectors.clear();
  }

  /** Where the two stores' counts differ, each as "events: 10 in the source, 9 in the copy"; empty when none. */
  static List<String> differences(Store source, Store target) {
    Store.Counts a = source.counts(), b = target.counts();
    List<String> out = new ArrayList<>();
    differ(out, "items", a.items(), b.items());
    differ(out, "users", a.users(), b.users());
    differ(out, "events", a.events(), b.events());
    differ(out, "embeddings", a.embeddings(), b.embeddings());
    differ(out, "model versions", versions(source), versions(target));
    differ(out, "API keys", source.apiKeys().size(), target.apiKeys().size());
    for (String name : source.artifactNames()) {
      long active = source.servingVersion(name), copied = target.servingVersion(name);
      if (active != copied) out.add("the serving version of " + name + ": " + active + " in the source, " + copied
          + " in the copy");
    }
    return out;
  }

  private static long versions(Store store) {
    long n = 0;
    for (String name : store.artifactNames()) n += store.artifactVersions(name).size();
    return n;
  }

  private static void differ(List<String> out, String what, long source, long copy) {
    if (source != copy) out.add(what + ": " + source + " in the source, " + copy + " in the copy");
  }
}
