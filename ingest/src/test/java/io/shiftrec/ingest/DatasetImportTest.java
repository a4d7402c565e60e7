package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.store.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each real dataset imported into a fresh SqliteStore: README counts on what the store holds, and the time taken. */
class DatasetImportTest {
  @TempDir Path tmp;

  @Test
  void movieLens1m() throws IOException {
    Path dir = TestData.dataset("movielens-1m");
    try (Store store = SqliteStore.open(tmp.resolve("ml1m.db"))) {
      ImportReport report = timedImport(store, ImportFormat.MOVIELENS, dir, tmp.resolve("ml1m.db"));
      assertEquals(new ImportReport.Tally(487_650, 487_650), report.events());
      assertEquals(new Store.Counts(3_883, 6_040, 487_650, 0), store.counts());
      assertEquals(53, store.eventsOf("1").size(), "user 1 has 53 ratings");
      assertEquals(1_850, store.eventsOf("1680").size());
    }
  }

  @Test
  void movieLensLatestSmallAndItsReimport() throws IOException {
    Path dir = TestData.dataset("movielens-latest-small");
    try (Store store = SqliteStore.open(tmp.resolve("mll.db"))) {
      ImportReport report = timedImport(store, ImportFormat.MOVIELENS_LATEST, dir, tmp.resolve("mll.db"));
      assertEquals(new ImportReport.Tally(0, 610), report.users());
      Store.Counts counts = new Store.Counts(9_742, 610, 100_836 + 3_683, 0);
      assertEquals(counts, store.counts());

      ImportReport again = Importer.run(store, ImportFormat.MOVIELENS_LATEST, dir, ErrorPolicy.REJECT, Progress.NONE);
      assertEquals(0, again.events().stored());
      assertEquals(counts, store.counts());
    }
  }

  @Test
  void amazonFoodKitchen() throws IOException {
    Path dir = TestData.dataset("amazon-food-kitchen");
    try (Store store = SqliteStore.open(tmp.resolve("amazon.db"))) {
      ImportReport report = timedImport(store, ImportFormat.AMAZON_CDSR, dir, tmp.resolve("amazon.db"));
      assertEquals(new ImportReport.Tally(53_061, 53_061), report.users());
      assertEquals(new Store.Counts(8_661 + 27_637, 5_472 + 38_191 + 7_501 + 960 + 937, 436_127, 0), store.counts());
      assertEquals("valid", store.user("v-1").orElseThrow().split());
      assertEquals(10, store.eventsOf("v-1").size());
      assertEquals(9L, store.eventsOf("v-1").get(9).position());
    }
  }

  private static ImportReport timedImport(Store store, ImportFormat format, Path dir, Path dbFile) throws IOException {
    ImportReport report = Importer.run(store, format, dir, ErrorPolicy.REJECT, Progress.NONE);
    assertTrue(report.committed());
    assertEquals(0, report.errorCount(), () -> report.errors().toString());
    System.out.printf(Locale.ROOT, "[import timing] %s; database %.1f MB%n", report.summary(),
        Files.size(dbFile) / 1e6);
    return report;
  }
}
