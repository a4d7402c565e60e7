package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import io.shiftrec.store.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A dataset held in memory for evaluation: the catalogue (with item vectors when an encoder filled them), the users
 * and every event, grouped by user and in clock order within a user.
 */
public record Dataset(String name, Catalog catalog, List<User> users, List<Event> events) {
  public Dataset {
    users = List.copyOf(users);
    events = List.copyOf(events);
  }

  /**
   * Reads a dataset folder through the regular import path ({@link Importer} into a temporary SQLite store, deleted
   * afterwards), so evaluation sees exactly what {@code shiftrec import} would store.
   *
   * @param catalogOf builds the catalogue from the imported store; pass one that encodes items (the CLI's) to give
   *     {@code content}, ILD and the embedding-based drift segment their vectors; null for items without vectors
   */
  public static Dataset load(ImportFormat format, Path dir, Function<Store, Catalog> catalogOf, Progress progress)
      throws IOException {
    Path tmp = Files.createTempDirectory("shiftrec-eval");
    try {
      try (Store store = SqliteStore.open(tmp.resolve("eval.db"))) {
        Importer.run(store, format, dir, ErrorPolicy.SKIP, progress);
        Catalog catalog = catalogOf != null ? catalogOf.apply(store) : catalogWithoutVectors(store.items());
        List<Event> events = new ArrayList<>();
        store.forEachEvent(events::add);
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new Dataset(name == null ? dir.toString() : name.toString(), catalog, store.users(), events);
      }
    } finally {
      try (Stream<Path> files = Files.walk(tmp)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A catalogue of the items in the given order, none of them encoded. */
  public static Catalog catalogWithoutVectors(List<Item> items) {
    Catalog.Builder b = Catalog.builder();
    for (Item item : items) b.add(item, null, null);
    return b.build();
  }
}
