package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Counts from movielens-1m/README.md, checked on what the reader produces. */
class MovieLensReaderTest {
  private static RecordingSink sink;

  @BeforeAll
  static void read() throws Exception {
    sink = RecordingSink.read(ImportFormat.MOVIELENS, TestData.dataset("movielens-1m"));
  }

  @Test
  void readsEveryRowWithoutErrors() {
    assertEquals(List.of(), sink.errors);
    assertEquals(3_883, sink.items.size());
    assertEquals(6_040, sink.users.size());
    assertEquals(487_650, sink.events.size());
    assertFalse(sink.itemAfterEvent);
  }

  @Test
  void ratingsMatchTheReadme() {
    Set<String> raters = new HashSet<>();
    Set<String> rated = new HashSet<>();
    Map<Double, Integer> stars = new TreeMap<>();
    long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    for (Event e : sink.events) {
      assertEquals(EventType.RATING, e.type());
      assertEquals("movies", e.domain());
      raters.add(e.user());
      rated.add(e.item());
      stars.merge(e.value(), 1, Integer::sum);
      first = Math.min(first, e.timestamp());
      last = Math.max(last, e.timestamp());
    }
    assertEquals(2_999, raters.size());
    assertEquals(3_615, rated.size());
    assertEquals(Map.of(1.0, 27_472, 2.0, 53_838, 3.0, 127_216, 4.0, 170_579, 5.0, 108_545), stars);
    assertEquals(Instant.parse("2000-10-04T00:52:14Z"), Instant.ofEpochSecond(first));
    assertEquals(Instant.parse("2003-02-27T23:31:15Z"), Instant.ofEpochSecond(last));
  }

  @Test
  void moviesCarryGenresEnrichmentsAndLatin1Titles() {
    Map<String, Item> byId = new HashMap<>();
    for (Item item : sink.items) byId.put(item.id(), item);

    Item toyStory = byId.get("1");
    assertEquals("Toy Story (1995)", toyStory.title());
    assertEquals(List.of("Animation", "Children's", "Comedy"), toyStory.categories());
    assertEquals("movies", toyStory.domain());
    assertEquals("en", toyStory.language());
    assertEquals(1995, toyStory.attributes().get("year"));
    assertEquals("John Lasseter", toyStory.attributes().get("director"));
    assertEquals(List.of("Tom Hanks", "Tim Allen", "Don Rickles", "Jim Varney"), toyStory.attributes().get("actors"));
    assertTrue(toyStory.text().startsWith("A little boy named Andy"), toyStory.text());
    assertFalse(toyStory.text().contains("\n\n"), "no DBpedia abstract for movie 1");

    Item jumanji = byId.get("2");
    String[] parts = jumanji.text().split("\n\n");
    assertEquals(2, parts.length, "plot, blank line, abstract");
    assertTrue(parts[1].startsWith("Jumanji is a 1995 American fantasy adventure film"), parts[1]);

    assertEquals("Misérables, Les (1995)", byId.get("73").title());
    assertNull(byId.get("860").attributes().get("director"), "860 has no MeLU row");
    long withText = sink.items.stream().filter(i -> i.text() != null).count();
    assertEquals(3_856, withText);
  }

  @Test
  void usersCarryDemographics() {
    User first = sink.users.get(0);
    assertEquals("1", first.id());
    assertEquals(Map.of("gender", "F", "age", 1, "occupation", 10, "zip", "48067"), first.attributes());
    assertEquals("6040", sink.users.get(sink.users.size() - 1).id());
  }
}
