package io.shiftrec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Write a consistent copy of a SQLite store to a new file, while a server may be writing to it:"
        + " the store as it stood at one commit (SQLite's VACUUM INTO, in one read transaction; writers go on"
        + " meanwhile). 'shiftrec restore' puts it back.",
        "For a PostgreSQL store use pg_dump (the one line it prints says how)."})
final class BackupCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE", required = true, description = "The SQLite store.")
  String db;

  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "The backup file to write; an existing file is refused.")
  Path out;

  /** How to back up and restore a PostgreSQL store, in one line. */
  static final String PG_DUMP = "pg_dump --format=custom --file=BACKUP.dump 'postgresql://HOST:PORT/DB?user=…'"
      + " (restore into an empty database: pg_restore --no-owner --dbname='postgresql://HOST:PORT/NEWDB?user=…'"
      + " BACKUP.dump)";

  @Override
  public Integer call() throws Exception {
    if (isPostgres(db)) {
      throw new IllegalArgumentException("backup writes SQLite stores; for a PostgreSQL store use " + PG_DUMP);
    }
    Path file = Path.of(db);
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no store at " + db);
    if (Files.exists(out)) throw new IllegalArgumentException(out + " exists; a backup never overwrites a file");
    if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    long start = System.nanoTime();
    System.err.println("backup " + db + " …");
    try {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
           Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        requireStore(s, db);
        // One read transaction: the snapshot of the last commit before it began, whatever is written meanwhile.
        try (PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
          vacuum.setString(1, partial.toAbsolutePath().toString());
          vacuum.executeUpdate();
        }
      }
      // Only a whole backup ever carries the name asked for.
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    System.err.printf("backup done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    System.out.printf("backup of %s in %s (%,d bytes): %s%n", db, out, Files.size(out), RestoreCommand.describe(out));
    return 0;
  }

  static boolean isPostgres(String location) {
    return location.startsWith("jdbc:postgresql:");
  }

  /** Refuses a SQLite file that is not a ShiftRec store. */
  static void requireStore(Statement s, String name) throws SQLException {
    try (var rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
      if (!rs.next()) throw new IllegalArgumentException(name + " is not a ShiftRec store (no schema version)");
    } catch (SQLException e) {
      throw new IllegalArgumentException(name + " is not a ShiftRec store: " + e.getMessage(), e);
    }
  }
}
