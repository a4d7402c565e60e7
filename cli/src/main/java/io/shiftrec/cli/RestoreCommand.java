package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Make a SQLite store from a backup that 'shiftrec backup' wrote. The backup is checked first (it"
        + " must open as a store); an existing store is kept unless --force, and then replaced whole. Stop a server"
        + " on that store first.",
        "For PostgreSQL use pg_restore, or copy the backup file into a database: shiftrec copy --from BACKUP --to URL."})
final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from", paramLabel = "FILE", required = true, description = "The backup file.")
  Path from;

  @Option(names = {"--db", "--store"}, paramLabel = "FILE", required = true, description = "The store file to make.")
  String db;

  @Option(names = "--force", description = "Replace an existing store.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (BackupCommand.isPostgres(db)) {
      throw new IllegalArgumentException("restore makes SQLite stores; for PostgreSQL use pg_restore (see 'shiftrec"
          + " backup --help'), or shiftrec copy --from " + from + " --to URL");
    }
    if (!Files.isRegularFile(from)) throw new IllegalArgumentException("no backup at " + from);
    Path target = Path.of(db);
    if (Files.exists(target) && !force) {
      throw new IllegalArgumentException("a store exists at " + db + "; --force replaces it");
    }
    String backup = describe(from);
    if (target.toAbsolutePath().getParent() != null) Files.createDirectories(target.toAbsolutePath().getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".restoring");
    try {
      Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
      // Opened as the commands open a store (schema checked, brought up to date) before it takes the name.
      try (Store store = Stores.open(partial.toString())) {
        store.counts();
      }
      deleteSidecars(partial);
      // The replaced store's write-ahead log must not be applied to the restored file.
      deleteSidecars(target);
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
      deleteSidecars(partial);
    }
    System.out.println("restored " + db + " from " + from + ": " + backup);
    return 0;
  }

  private static void deleteSidecars(Path store) throws java.io.IOException {
    for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
      Files.deleteIfExists(store.resolveSibling(store.getFileName() + suffix));
    }
  }

  /**
   * What a backup holds, as a line, read without changing it; IllegalArgumentException when it is no store or fails
   * SQLite's integrity check.
   */
  static String describe(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
         Statement s = c.createStatement()) {
      BackupCommand.requireStore(s, file.toString());
      try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
        String result = rs.next() ? rs.getString(1) : "no answer";
        if (!"ok".equals(result)) throw new IllegalArgumentException(file + " is damaged: " + result);
      }
      try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM users),"
          + " (SELECT count(*) FROM events), (SELECT count(*) FROM embeddings),"
          + " (SELECT count(*) FROM artifacts)")) {
        rs.next();
        return String.format("%,d items, %,d users, %,d events, %,d embeddings, %,d model versions", rs.getLong(1),
            rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
      }
    } catch (SQLException e) {
      throw new IllegalArgumentException(file + " is not a ShiftRec store: " + e.getMessage(), e);
    }
  }
}
