package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counts from movielens-latest-small/README.md, checked on what the reader produces. */
class MovieLensLatestReaderTest {
  private static Path dir;
  private static RecordingSink sink;

  @BeforeAll
  static void read() throws Exception {
    dir = TestData.dataset("movielens-latest-small");
    sink = RecordingSink.read(ImportFormat.MOVIELENS_LATEST, dir);
  }

  @Test
  void ratingsAndTagsMatchTheReadme() {
    assertEquals(List.of(), sink.errors);
    assertEquals(9_742, sink.items.size());
    assertEquals(List.of(), sink.users, "users exist only through their events");
    assertFalse(sink.itemAfterEvent);

    int ratings = 0, tags = 0;
    Set<String> users = new HashSet<>();
    Set<String> rated = new HashSet<>();
    long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    for (Event e : sink.events) {
      if (e.type() == EventType.RATING) {
        ratings++;
        rated.add(e.item());
        users.add(e.user());
        first = Math.min(first, e.timestamp());
        last = Math.max(last, e.timestamp());
      } else {
        assertEquals(EventType.REVIEW, e.type());
        assertFalse(e.text().isBlank());
        tags++;
      }
    }
    assertEquals(100_836, ratings);
    assertEquals(3_683, tags);
    assertEquals(610, users.size());
    assertEquals(9_724, rated.size());
    assertEquals(Instant.parse("1996-03-29T18:36:55Z"), Instant.ofEpochSecond(first));
    assertEquals(Instant.parse("2018-09-24T14:27:30Z"), Instant.ofEpochSecond(last));
  }

  @Test
  void moviesCarryGenresYearAndLinks() {
    Map<String, Item> byId = new HashMap<>();
    for (Item item : sink.items) byId.put(item.id(), item);
    Item toyStory = byId.get("1");
    assertEquals("Toy Story (1995)", toyStory.title());
    assertEquals(List.of("Adventure", "Animation", "Children", "Comedy", "Fantasy"), toyStory.categories());
    assertEquals(Map.of("year", 1995, "imdbId", "0114709", "tmdbId", "862"), toyStory.attributes());
    long noGenres = sink.items.stream().filter(i -> i.categories().isEmpty()).count();
    assertEquals(34, noGenres);
  }

  @Test
  void acceptsUncompressedRatingsAndNoOptionalFiles(@TempDir Path tmp) throws Exception {
    Files.copy(dir.resolve("movies.csv"), tmp.resolve("movies.csv"));
    try (var in = new GZIPInputStream(Files.newInputStream(dir.resolve("ratings.csv.gz")))) {
      Files.copy(in, tmp.resolve("ratings.csv"));
    }
    RecordingSink plain = RecordingSink.read(ImportFormat.MOVIELENS_LATEST, tmp);
    assertEquals(List.of(), plain.errors);
    assertEquals(100_836, plain.events.size());
    assertEquals(Map.of("year", 1995), plain.items.get(0).attributes());
  }
}
