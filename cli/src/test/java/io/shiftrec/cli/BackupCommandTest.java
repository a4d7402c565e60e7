package io.shiftrec.cli;

import static io.shiftrec.cli.ShiftRecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.cli.ShiftRecCommandTest.Run;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shiftrec backup} of a SQLite store in use, and {@code shiftrec restore}. */
class BackupCommandTest {
  @TempDir Path dir;

  private static final long T0 = 1_600_000_000L;

  /** The event the writer commits n-th: one a transaction, at time T0 + n. */
  private static Event written(long n) {
    return new Event("writer", "m" + (n % 12), EventType.VIEW, Double.NaN, T0 + n, null, "movies", null, Map.of());
  }

  @Test
  void aBackupWhileEventsArriveHoldsAPrefixOfThemAndRestores() throws Exception {
    String db = dir.resolve("live.db").toString();
    CopyCommandTest.makeStore(dir, db);
    long before;
    try (Store store = Stores.openExisting(db)) {
      before = store.counts().events();
    }

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try (Store store = Stores.openExisting(db)) {
        for (long n = 0; !stop.get(); n++) {
          try (Store.Transaction tx = store.begin()) {
            tx.insertEvents(List.of(written(n)));
            tx.commit();
          }
          committed.set(n + 1);
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    writer.start();
    long atStart;
    Path backup = dir.resolve("backups/live.backup");
    Run done;
    try {
      while (committed.get() < 50 && failed.get() == null) Thread.sleep(5);
      atStart = committed.get();
      done = run("backup", "--db", db, "--out", backup.toString());
      long atEnd = committed.get();
      while (committed.get() < atEnd + 20 && failed.get() == null) Thread.sleep(5);
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(null, failed.get(), "the writer went on during the backup");
    assertEquals(0, done.code(), done.err());
    assertTrue(done.out().startsWith("backup of " + db + " in " + backup), done.out());
    assertTrue(done.err().contains("backup done in"), done.err());
    assertFalse(Files.exists(dir.resolve("backups/live.backup.partial")));

    String restored = dir.resolve("restored.db").toString();
    Run back = run("restore", "--from", backup.toString(), "--db", restored);
    assertEquals(0, back.code(), back.err());
    assertTrue(back.out().startsWith("restored " + restored + " from " + backup + ": 12 items"), back.out());
    Run checked = run("check", "--db", restored);
    assertEquals(0, checked.code(), checked.out());
    try (Store store = Stores.openExisting(restored)) {
      List<Event> kept = store.eventsOf("writer");
      assertTrue(kept.size() >= atStart && kept.size() < committed.get(),
          kept.size() + " events of the " + committed.get() + " written, " + atStart + " before the backup began");
      for (int n = 0; n < kept.size(); n++) assertEquals(written(n), kept.get(n), "a prefix of what was written");
      assertEquals(before + kept.size(), store.counts().events());
      assertEquals(1, store.activeVersion("shiftrec-learned").orElseThrow());
    }
    Run rec = run("recommend", "--db", restored, "--user", "u0", "-k", "3");
    assertEquals(0, rec.code(), rec.err());
  }

  @Test
  void restoreKeepsAnExistingStoreUnlessForcedAndRefusesWhatIsNoBackup() throws Exception {
    String db = dir.resolve("a.db").toString();
    CopyCommandTest.makeStore(dir, db);
    Path backup = dir.resolve("a.backup");
    assertEquals(0, run("backup", "--db", db, "--out", backup.toString()).code());

    Run again = run("backup", "--db", db, "--out", backup.toString());
    assertEquals(1, again.code());
    assertEquals("shiftrec backup: " + backup + " exists; a backup never overwrites a file", again.err().strip());

    String other = dir.resolve("other.db").toString();
    try (Store store = Stores.open(other)) {
      store.putApiKey(new Store.ApiKey("k", new byte[32], "read", null, 1L));
    }
    Run refused = run("restore", "--from", backup.toString(), "--db", other);
    assertEquals(1, refused.code());
    assertEquals("shiftrec restore: a store exists at " + other + "; --force replaces it", refused.err().strip());
    try (Store store = Stores.openExisting(other)) {
      assertEquals(0, store.counts().items(), "the refused restore left the store alone");
    }
    Run forced = run("restore", "--from", backup.toString(), "--db", other, "--force");
    assertEquals(0, forced.code(), forced.err());
    CopyCommandTest.assertSameStore(db, other);

    Path junk = Files.writeString(dir.resolve("junk.backup"), "not a database at all, just some text".repeat(200));
    Run notABackup = run("restore", "--from", junk.toString(), "--db", dir.resolve("new.db").toString());
    assertEquals(1, notABackup.code());
    assertTrue(notABackup.err().startsWith("shiftrec restore: " + junk + " is not a ShiftRec store"),
        notABackup.err());
    assertFalse(Files.exists(dir.resolve("new.db")));

    Run postgres = run("backup", "--db", "jdbc:postgresql://localhost/shiftrec?user=u&password=p", "--out",
        dir.resolve("pg.backup").toString());
    assertEquals(1, postgres.code());
    assertTrue(postgres.err().startsWith("shiftrec backup: backup writes SQLite stores; for a PostgreSQL store use"
        + " pg_dump --format=custom"), postgres.err());
    assertEquals(1, postgres.err().strip().lines().count(), postgres.err());
  }
}
