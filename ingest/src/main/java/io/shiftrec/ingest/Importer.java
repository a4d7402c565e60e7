package io.shiftrec.ingest;

import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Imports a dataset folder into a store in one transaction: it commits whole or leaves the store as it was.
 * Re-importing the same files changes nothing (items and users are upserts; identical events are skipped).
 */
public final class Importer {
  private Importer() {}

  /**
   * Reads {@code dir} in {@code format} and writes it to {@code store}.
   *
   * @throws ImportRejectedException under {@link ErrorPolicy#REJECT} when any row was bad; nothing is written
   * @throws IOException when a required file is missing or unreadable; nothing is written
   */
  public static ImportReport run(Store store, ImportFormat format, Path dir, ErrorPolicy policy, Progress progress)
      throws IOException {
    long start = System.nanoTime();
    if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "not a folder");
    // Events may name items and users imported earlier; one read of each list up front serves every row.
    Map<String, String> domainByItem = new HashMap<>();
    for (Item item : store.items()) domainByItem.put(item.id(), item.domain());
    Set<String> knownUsers = new HashSet<>();
    for (User user : store.users()) knownUsers.add(user.id());

    DataFiles files = new DataFiles(dir, "import " + format.wireName(), progress);
    try {
      return write(store, format, policy, domainByItem, knownUsers, start,
          writer -> format.reader().read(files, writer));
    } finally {
      files.finishProgress();
    }
  }

  /** Hands rows to a {@link StoreWriter}. */
  @FunctionalInterface
  interface Rows {
    void writeTo(StoreWriter writer) throws IOException;
  }

  /**
   * Writes rows in one transaction that commits whole, or not at all when {@code policy} rejects a bad row.
   * {@code domainByItem} and {@code knownUsers} hold (at least) the store's items and users that the rows name.
   */
  static ImportReport write(Store store, ImportFormat format, ErrorPolicy policy, Map<String, String> domainByItem,
                            Set<String> knownUsers, long startNanos, Rows rows) throws IOException {
    try (Store.Transaction tx = store.begin()) {
      StoreWriter writer = new StoreWriter(tx, policy, domainByItem, knownUsers);
      rows.writeTo(writer);
      boolean accepted = writer.writing();
      if (accepted) {
        writer.flush();
        tx.commit();
      }
      ImportReport report = writer.report(format, accepted, Duration.ofNanos(System.nanoTime() - startNanos));
      if (!accepted) throw new ImportRejectedException(report);
      return report;
    }
  }
}
