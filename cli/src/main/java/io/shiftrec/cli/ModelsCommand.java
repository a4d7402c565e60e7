package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.ranker.RankerArtifact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "models", mixinStandardHelpOptions = true,
    description = "The model registry: the versions of the learned ranker that train saved, and which one is active."
        + " recommend uses the active version; every server on the store switches to it within its follow interval"
        + " (follow_seconds, 10 s by default).",
    subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Activate.class})
final class ModelsCommand {
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every version, newest first: when it was made, the data it saw, its validation metric.")
  static final class ListVersions implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
    String db;

    @Option(names = "--json", description = "The registry as JSON, as GET /models answers it.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (Store store = Stores.openExisting(db)) {
        List<Store.ArtifactInfo> versions = new ArrayList<>(store.artifactVersions(RankerArtifact.NAME));
        long active = store.servingVersion(RankerArtifact.NAME);
        Collections.reverse(versions); // newest first
        if (json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("active", active == 0 ? null : Long.toString(active));
          doc.put("versions", versions.stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", Long.toString(v.version()));
            m.put("created_at", Instant.ofEpochMilli(v.createdAtMillis()).toString());
            m.put("active", v.version() == active);
            m.putAll(v.metadata());
            return m;
          }).toList());
          System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
          return 0;
        }
        if (versions.isEmpty()) {
          System.out.println("no model trained yet: ./shiftrec train --db " + Stores.describe(db));
          return 0;
        }
        System.out.printf(Locale.ROOT, "%-8s %-7s %-20s %12s %11s %9s%n", "version", "active", "created", "events",
            "NDCG@10", "train s");
        for (Store.ArtifactInfo v : versions) {
          System.out.printf(Locale.ROOT, "%-8d %-7s %-20s %12s %11s %9s%n", v.version(),
              v.version() == active ? "*" : "", Instant.ofEpochMilli(v.createdAtMillis()).toString().substring(0, 19),
              dataEvents(v.metadata()), validation(v.metadata()), v.metadata().getOrDefault("train_seconds", "-"));
        }
      }
      return 0;
    }

    private static String dataEvents(Map<String, Object> m) {
      return m.get("data") instanceof Map<?, ?> data && data.get("events") instanceof Number n
          ? String.format(Locale.ROOT, "%,d", n.longValue()) : "-";
    }

    private static String validation(Map<String, Object> m) {
      return m.get("validation") instanceof Map<?, ?> v && v.get("value") instanceof Number n
          ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "-";
    }
  }

  @Command(name = "activate", mixinStandardHelpOptions = true,
      description = "Make a stored version the active one (a rollback when it is older). The version is read first:"
          + " one that cannot be served is refused and the active one stays.")
  static final class Activate implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
    String db;

    @Parameters(index = "0", paramLabel = "VERSION", description = "A version as models list shows it.")
    long version;

    @Override
    public Integer call() {
      try (Store store = Stores.openExisting(db)) {
        LearnedRanking.Trained loaded = LearnedRanking.Trained.load(store, version);
        store.activate(RankerArtifact.NAME, version);
        System.out.println("active: " + loaded.version() + "; servers on this store switch to it within their follow"
            + " interval");
      }
      return 0;
    }
  }
}
