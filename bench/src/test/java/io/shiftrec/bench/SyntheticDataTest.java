package io.shiftrec.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.ImportReport;
import io.shiftrec.ingest.Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest {
  @TempDir
  Path dir;

  @Test
  void theSameSeedWritesTheSameSetAndAnotherSeedAnother() throws Exception {
    SyntheticData.write(dir.resolve("a"), SyntheticData.Profile.AMAZON, 500, 3_000, 7);
    SyntheticData.write(dir.resolve("b"), SyntheticData.Profile.AMAZON, 500, 3_000, 7);
    SyntheticData.write(dir.resolve("c"), SyntheticData.Profile.AMAZON, 500, 3_000, 8);
    for (String file : new String[] {"items.jsonl", "users.jsonl", "events.jsonl"}) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)),
          Files.readAllBytes(dir.resolve("b").resolve(file)), file);
    }
    assertNotEquals(Files.readString(dir.resolve("a/events.jsonl")), Files.readString(dir.resolve("c/events.jsonl")));
  }

  @Test
  void matchesTheStatisticsOfTheSetItImitates() throws Exception {
    // the figures the profiles were fitted on (BENCHMARKS, "How cost grows"), at a size a test can afford
    SyntheticData.Summary amazon = SyntheticData.write(dir.resolve("amazon"), SyntheticData.Profile.AMAZON, 20_000,
        150_000, 42);
    assertEquals(150_000, amazon.events());
    assertEquals(SyntheticData.Profile.AMAZON.observedExponent(), amazon.popularityExponent(), 0.05);
    assertEquals(SyntheticData.Profile.AMAZON.meanLength(), amazon.meanLength(), 0.3);
    assertEquals(0.15, amazon.twoDomainShare(), 0.01);
    SyntheticData.Summary movies = SyntheticData.write(dir.resolve("movies"), SyntheticData.Profile.MOVIELENS,
        3_883, 487_650, 42);
    assertEquals(SyntheticData.Profile.MOVIELENS.observedExponent(), movies.popularityExponent(), 0.06);
    assertEquals(SyntheticData.Profile.MOVIELENS.meanLength(), movies.meanLength(),
        0.05 * SyntheticData.Profile.MOVIELENS.meanLength());
  }

  @Test
  void importsIntoAStoreAsWritten() throws Exception {
    Path data = dir.resolve("set");
    SyntheticData.Summary written = SyntheticData.write(data, SyntheticData.Profile.AMAZON, 2_000, 10_000, 3);
    try (Store store = Stores.open(dir.resolve("set.db").toString())) {
      ImportReport report = Importer.run(store, ImportFormat.GENERIC, data, ErrorPolicy.REJECT, Progress.NONE);
      assertEquals(0, report.errorCount(), report.summary());
      assertEquals(written.items(), report.items().stored());
      assertEquals(written.users(), report.users().stored());
      assertEquals(written.events(), report.events().stored());
      Map<String, Integer> domains = new HashMap<>();
      for (Item item : store.items()) domains.merge(item.domain(), 1, Integer::sum);
      assertEquals(480, domains.get("food"), "24% of the items are food");
      assertEquals(1_520, domains.get("kitchen"));
      // a user's events in time order, no item twice
      for (int u = 0; u < 50; u++) {
        List<Event> events = store.eventsOf(store.users().get(u).id());
        assertTrue(events.size() >= SyntheticData.Profile.AMAZON.minLength(), events::toString);
        Set<String> items = new HashSet<>();
        for (int e = 0; e < events.size(); e++) {
          assertTrue(items.add(events.get(e).item()), events::toString);
          if (e > 0) assertTrue(events.get(e).timestamp() >= events.get(e - 1).timestamp(), events::toString);
        }
      }
    }
  }

  @Test
  void refusesSizesItCannotFill() {
    assertThrows(IllegalArgumentException.class,
        () -> SyntheticData.write(dir.resolve("x"), SyntheticData.Profile.AMAZON, 5, 100, 1));
    assertThrows(IllegalArgumentException.class,
        () -> SyntheticData.write(dir.resolve("x"), SyntheticData.Profile.AMAZON, 100, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticData.Profile.named("netflix"));
  }
}
