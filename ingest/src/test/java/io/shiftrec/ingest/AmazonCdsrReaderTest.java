package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Counts from amazon-food-kitchen/README.md, checked on what the reader produces. */
class AmazonCdsrReaderTest {
  private static RecordingSink sink;

  @BeforeAll
  static void read() throws Exception {
    sink = RecordingSink.read(ImportFormat.AMAZON_CDSR, TestData.dataset("amazon-food-kitchen"));
  }

  @Test
  void itemsAreKeyedByUniqueAsins() {
    assertEquals(List.of(), sink.errors);
    assertEquals(List.of(), sink.notes, "ASINs are unique across both files");
    Map<String, Integer> perDomain = new TreeMap<>();
    Set<String> ids = new HashSet<>();
    for (Item item : sink.items) {
      perDomain.merge(item.domain(), 1, Integer::sum);
      ids.add(item.id());
      assertEquals(item.attributes().get("asin"), item.id());
    }
    assertEquals(Map.of("food", 8_661, "kitchen", 27_637), perDomain);
    assertEquals(36_298, ids.size());
    assertFalse(sink.itemAfterEvent);
  }

  @Test
  void titlesHaveHtmlEntitiesDecoded() {
    int withEntity = 0;
    for (Item item : sink.items) {
      if (item.title().matches(".*&(amp|quot|reg|#\\d+);.*")) withEntity++;
    }
    assertEquals(0, withEntity);
    Item first = sink.items.get(0);
    assertEquals("B000BIZT3E", first.id());
    assertEquals("food", first.domain());
    assertEquals(0, first.attributes().get("globalId"));
  }

  @Test
  void sequencesMatchTheReadme() {
    Map<String, Integer> usersPerFile = new TreeMap<>();
    Map<String, String> splitByPrefix = new HashMap<>();
    for (User user : sink.users) {
      String prefix = user.id().substring(0, 1);
      usersPerFile.merge(prefix, 1, Integer::sum);
      splitByPrefix.put(prefix, user.split());
    }
    assertEquals(Map.of("a", 5_472, "b", 38_191, "o", 7_501, "v", 960, "t", 937), usersPerFile);
    assertEquals(Map.of("a", "train", "b", "train", "o", "train", "v", "valid", "t", "test"), splitByPrefix);

    Map<String, Integer> eventsPerFile = new TreeMap<>();
    Map<String, Integer> eventsPerDomain = new TreeMap<>();
    Map<String, Set<String>> domainsOfUser = new HashMap<>();
    for (Event e : sink.events) {
      assertEquals(EventType.REVIEW, e.type());
      assertNull(e.timestamp());
      eventsPerFile.merge(e.user().substring(0, 1), 1, Integer::sum);
      eventsPerDomain.merge(e.domain(), 1, Integer::sum);
      domainsOfUser.computeIfAbsent(e.user(), u -> new HashSet<>()).add(e.domain());
    }
    assertEquals(436_127, sink.events.size());
    assertEquals(Map.of("a", 37_281, "b", 265_817, "o", 99_170, "v", 18_133, "t", 15_726), eventsPerFile);
    assertEquals(Map.of("food", 37_281 + 45_849 + 8_739 + 6_447, "kitchen", 265_817 + 53_321 + 9_394 + 9_279),
        eventsPerDomain);
    long overlapping = domainsOfUser.values().stream().filter(d -> d.size() == 2).count();
    assertEquals(9_398, overlapping);
  }

  @Test
  void positionsCountFromZeroWithinEachSequence() {
    Event first = sink.events.get(0);
    assertEquals("a-1", first.user());
    assertEquals(0L, first.position());
    Event second = sink.events.get(1);
    assertEquals(1L, second.position());
    assertTrue(sink.users.get(0).attributes().isEmpty());
  }
}
