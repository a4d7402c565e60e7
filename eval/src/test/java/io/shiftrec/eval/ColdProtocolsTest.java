package io.shiftrec.eval;

import static io.shiftrec.eval.Synthetic.rating;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.core.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColdProtocolsTest {
  /** 40 items: i0..i19 in A, i20..i39 in B. */
  private final Catalog catalog = Synthetic.catalog(40, false);

  /**
   * 20 overlapping users o00..o19 (three A items, then two B items, then one more A item), 6 users only in A
   * (a0..a5) and 4 only in B (b0..b3). Users are indexed in this order.
   */
  private List<Event> events() {
    List<Event> ev = new ArrayList<>();
    long ts = 0;
    for (int u = 0; u < 20; u++) {
      String id = String.format("o%02d", u);
      ev.add(rating(id, "i" + (u % 20), 4, ++ts));
      ev.add(rating(id, "i" + ((u + 1) % 20), 4, ++ts));
      ev.add(rating(id, "i" + ((u + 2) % 20), 4, ++ts));
      ev.add(rating(id, "i" + (20 + u % 20), 4, ++ts));
      ev.add(rating(id, "i" + (20 + (u + 3) % 20), 4, ++ts));
      ev.add(rating(id, "i" + ((u + 5) % 20), 4, ++ts));
    }
    for (int u = 0; u < 6; u++) {
      for (int k = 0; k < 3; k++) ev.add(rating("a" + u, "i" + ((u + 7 * k) % 20), 4, ++ts));
    }
    for (int u = 0; u < 4; u++) {
      for (int k = 0; k < 3; k++) ev.add(rating("b" + u, "i" + (20 + (u + 5 * k) % 20), 4, ++ts));
    }
    return ev;
  }

  private Dataset dataset() {
    return new Dataset("two-domains", catalog, List.of(), events());
  }

  private static int[] history(TrainingData d, int u) {
    return Arrays.copyOfRange(d.historyItems(), d.offsets()[u], d.offsets()[u + 1]);
  }

  private static Set<String> testUserIds(Split s) {
    Set<String> ids = new HashSet<>();
    for (int u : s.testUsers()) ids.add(s.train().userId(u));
    return ids;
  }

  private static Split coldTarget(Dataset d, double share, String domain, long seed) {
    return Protocols.split("cold-target", d, seed, 0.8, share, domain);
  }

  @Test
  void coldTargetHidesTheTargetDomainOfAShareOfOverlappingUsers() {
    Split s = coldTarget(dataset(), 0.2, null, 42);
    assertEquals(20, s.info().get("overlapping_users"));
    assertEquals(4, s.info().get("held_out_users"));
    assertEquals(4, s.numTestUsers());
    TrainingData train = s.train();
    int[] dom = train.itemDomains();
    for (int t = 0; t < s.numTestUsers(); t++) {
      int u = s.testUsers()[t];
      String id = train.userId(u);
      assertTrue(id.startsWith("o"), id); // only overlapping users are held out
      int target = s.candidates().domain()[t];
      // no training item in the target domain, at least one in the other
      for (int it : history(train, u)) assertTrue(dom[it] != target);
      assertTrue(train.historyLength(u) > 0);
      // the targets are exactly the user's items of the target domain, in clock order
      List<Integer> expected = new ArrayList<>();
      int[] full = fullSequence(id);
      for (int it : full) if (dom[it] == target) expected.add(it);
      int[] got = Arrays.copyOfRange(s.targets(), s.targetOffsets()[t], s.targetOffsets()[t + 1]);
      assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), got, id);
      assertEquals(expected.size() + train.historyLength(u), full.length);
    }
    // every other user keeps all their items
    Set<String> held = testUserIds(s);
    int kept = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      if (held.contains(train.userId(u))) continue;
      assertArrayEquals(fullSequence(train.userId(u)), history(train, u));
      kept += train.historyLength(u);
    }
    assertEquals(20 * 6 + 6 * 3 + 4 * 3, kept + s.targets().length + countTrainingOf(train, held));
    assertNull(s.validation());
  }

  private int countTrainingOf(TrainingData train, Set<String> users) {
    int n = 0;
    for (int u = 0; u < train.numUsers(); u++) if (users.contains(train.userId(u))) n += train.historyLength(u);
    return n;
  }

  /** A user's items in clock order, as catalogue indices (the synthetic users never repeat an item). */
  private int[] fullSequence(String user) {
    List<Integer> out = new ArrayList<>();
    for (Event e : events()) if (e.user().equals(user)) out.add(catalog.indexOf(e.item()));
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void largerSharesHoldOutSupersetsAndTheSeedDecides() {
    Set<String> s2 = testUserIds(coldTarget(dataset(), 0.2, null, 42));
    Set<String> s5 = testUserIds(coldTarget(dataset(), 0.5, null, 42));
    Set<String> s8 = testUserIds(coldTarget(dataset(), 0.8, null, 42));
    assertEquals(4, s2.size());
    assertEquals(10, s5.size());
    assertEquals(16, s8.size());
    assertTrue(s5.containsAll(s2) && s8.containsAll(s5));
    assertEquals(s5, testUserIds(coldTarget(dataset(), 0.5, null, 42)));
    boolean differs = false;
    for (long seed = 1; seed <= 5 && !differs; seed++) {
      differs = !s5.equals(testUserIds(coldTarget(dataset(), 0.5, null, seed)));
    }
    assertTrue(differs);
    // identical splits for a seed, targets included
    Split a = coldTarget(dataset(), 0.5, null, 7), b = coldTarget(dataset(), 0.5, null, 7);
    assertArrayEquals(a.targets(), b.targets());
    assertArrayEquals(a.candidates().domain(), b.candidates().domain());
  }

  @Test
  void everyDirectionByDefaultOrOneNamedDomain() {
    Split both = coldTarget(dataset(), 0.8, null, 42);
    Set<Integer> directions = new HashSet<>();
    for (int d : both.candidates().domain()) directions.add(d);
    assertEquals(2, directions.size()); // 16 held-out users, each loses A or B
    assertEquals(16, ((Integer) both.info().getOrDefault("held_out_users:A", 0))
        + ((Integer) both.info().getOrDefault("held_out_users:B", 0)));
    Split toB = coldTarget(dataset(), 0.5, "B", 42);
    int b = Arrays.asList(toB.train().domainNames()).indexOf("B");
    for (int d : toB.candidates().domain()) assertEquals(b, d);
    assertEquals("B", toB.info().get("target_domain"));
    // with a named domain, overlapping = users in B and another domain: the same 20 here
    assertEquals(20, toB.info().get("overlapping_users"));
  }

  @Test
  void coldTargetNeedsTwoDomainsAndAKnownTarget() {
    Catalog oneDomain = Synthetic.catalog(10, false);
    List<Event> ev = List.of(rating("u", "i0", 4, 1), rating("u", "i1", 4, 2), rating("v", "i2", 4, 3));
    // catalog(10): i0..i4 are A, i5..i9 B; these events are all in A
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> coldTarget(new Dataset("one", oneDomain, List.of(), ev), 0.2, null, 1));
    assertTrue(e.getMessage().contains("two item domains") && e.getMessage().contains("'A'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> coldTarget(dataset(), 0.2, "books", 1));
    assertTrue(e.getMessage().contains("books") && e.getMessage().contains("A, B"), e.getMessage());
    List<Event> separate = List.of(rating("u", "i0", 4, 1), rating("v", "i7", 4, 2));
    e = assertThrows(IllegalArgumentException.class,
        () -> coldTarget(new Dataset("sep", oneDomain, List.of(), separate), 0.2, null, 1));
    assertTrue(e.getMessage().contains("two domains"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> coldTarget(dataset(), 0.01, null, 1));
    assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> coldTarget(dataset(), 0, null, 1));
    assertThrows(IllegalArgumentException.class, () -> coldTarget(dataset(), 1, null, 1));
  }

  @Test
  void coldItemRemovesEveryEventOfTheHeldOutItems() {
    Split s = Protocols.split("cold-item", dataset(), 42, 0.8, 0.2, null);
    TrainingData train = s.train();
    assertEquals(40, s.info().get("items_with_events"));
    assertEquals(8, s.info().get("held_out_items"));
    Set<Integer> cold = new HashSet<>();
    for (int it : s.targets()) cold.add(it);
    int[] pop = train.popularity();
    for (int it : cold) assertEquals(0, pop[it], "a held-out item has no training event");
    assertTrue(cold.size() <= 8);
    int heldWithTargets = 0;
    for (int u = 0; u < train.numUsers(); u++) for (int it : history(train, u)) assertTrue(!cold.contains(it));
    for (int t = 0; t < s.numTestUsers(); t++) {
      int u = s.testUsers()[t];
      assertTrue(train.historyLength(u) > 0);
      // targets: exactly the user's held-out items, in clock order
      int[] full = fullSequence(train.userId(u));
      List<Integer> expected = new ArrayList<>();
      for (int it : full) if (pop[it] == 0 && !contains(history(train, u), it)) expected.add(it);
      assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(),
          Arrays.copyOfRange(s.targets(), s.targetOffsets()[t], s.targetOffsets()[t + 1]));
      heldWithTargets++;
    }
    assertTrue(heldWithTargets > 0);
    assertNull(s.candidates()); // full ranking
    // nested and seeded
    Set<Integer> c5 = coldItems(Protocols.split("cold-item", dataset(), 42, 0.8, 0.5, null));
    assertTrue(c5.containsAll(cold));
    assertEquals(c5, coldItems(Protocols.split("cold-item", dataset(), 42, 0.8, 0.5, null)));
  }

  private static Set<Integer> coldItems(Split s) {
    Set<Integer> out = new HashSet<>();
    int[] pop = s.train().popularity();
    for (int i = 0; i < pop.length; i++) if (pop[i] == 0) out.add(i);
    return out;
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) if (x == v) return true;
    return false;
  }

  @Test
  void coldItemSkipsUsersWithNothingLeftToStartFrom() {
    // u's only item is i0; whether i0 is held out or not, u is never a test user without training items
    List<Event> ev = new ArrayList<>(events());
    ev.add(rating("solo", "i0", 4, 10_000));
    Split s = Protocols.split("cold-item", new Dataset("d", catalog, List.of(), ev), 42, 0.8, 0.8, null);
    for (int u : s.testUsers()) assertTrue(s.train().historyLength(u) > 0);
  }

  @Test
  void popularityCannotFindColdItemsButTheEvaluationRuns() throws Exception {
    EvaluateOptions o = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("x"), "cold-item",
        List.of("pop", "itemknn"), null).withBootstrap(0, 0).withKs(List.of(5));
    Report r = Evaluation.evaluate(dataset(), o, Progress.NONE);
    // cold items have popularity 0 and tie with every other unseen zero item: pessimistic ranks put them last
    assertEquals(0.0, r.metric("pop", "overall", "HR@5"), 0.0);
    assertEquals(0.0, r.metric("itemknn", "overall", "HR@5"), 0.0);
    assertEquals(0.2, r.json().path("split").path("cold_share").asDouble(), 0.0);
    Report t = Evaluation.evaluate(dataset(), o.withProtocol("cold-target").withColdShare(0.5), Progress.NONE);
    assertEquals(10, t.json().path("split").path("test_users").asInt());
    assertTrue(t.json().path("models").path("pop").path("segments").has("domain:A")
        || t.json().path("models").path("pop").path("segments").has("domain:B"));
    assertTrue(t.html().contains("held out users = "));
  }
}
