package io.shiftrec.eval;

import static io.shiftrec.eval.Synthetic.positioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.core.User;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.core.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdsrProtocolsTest {
  /** 2,200 items: i0..i1099 in domain A, i1100..i2199 in domain B (more than 1,000 per domain). */
  private final Catalog big = Synthetic.catalog(2200, false);

  private static List<Event> sequence(String user, String... items) {
    List<Event> out = new ArrayList<>();
    for (int p = 0; p < items.length; p++) out.add(positioned(user, items[p], p));
    return out;
  }

  private static int[] history(TrainingData d, int u) {
    return Arrays.copyOfRange(d.historyItems(), d.offsets()[u], d.offsets()[u + 1]);
  }

  private static int[] list(Split s, int t) {
    Split.Candidates c = s.candidates();
    return Arrays.copyOfRange(c.list(), c.listOffsets()[t], c.listOffsets()[t + 1]);
  }

  /** Users in order of first event: tr(0) v1(1) t1(2) t2(3) t3(4) n1(5) t4(6) v0(7). */
  private Dataset amazonLike() {
    List<Event> ev = new ArrayList<>();
    ev.addAll(sequence("tr", "i0", "i1", "i1100"));
    ev.addAll(sequence("v1", "i2", "i1101", "i3"));
    ev.addAll(sequence("t1", "i4", "i1102", "i1103"));
    ev.addAll(sequence("t2", "i5", "i6"));
    ev.addAll(sequence("t3", "i7", "i8", "i7")); // the repeat collapses: target = i8
    ev.addAll(sequence("n1", "i9", "i1104"));
    ev.addAll(sequence("t4", "i1105")); // no history: still a test user
    ev.addAll(sequence("v0", "i10", "i11"));
    List<User> users = List.of(new User("tr", "train", null), new User("v1", "valid", null),
        new User("t1", "test", null), new User("t2", "test", null), new User("t3", "test", null),
        new User("t4", "test", null), new User("v0", "valid", null), new User("ghost", "test", null));
    return new Dataset("amazon-like", big, users, ev);
  }

  private int idx(String id) {
    return big.indexOf(id);
  }

  @Test
  void testUsersTargetsAndTrainingData() {
    Split s = Protocols.split("cdsr-sampled", amazonLike(), 42, 0.8);
    // test users with events, in user order; "ghost" has no event and is not evaluated
    assertArrayEquals(new int[] {2, 3, 4, 6}, s.testUsers());
    assertArrayEquals(new int[] {idx("i1103"), idx("i6"), idx("i8"), idx("i1105")}, s.targets());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, s.targetOffsets());
    TrainingData train = s.train();
    // the target is the only held-out interaction: histories stay in training
    assertArrayEquals(new int[] {idx("i4"), idx("i1102")}, history(train, 2));
    assertArrayEquals(new int[] {idx("i7")}, history(train, 4));
    assertArrayEquals(new int[0], history(train, 6));
    // training and unsplit users keep everything; valid users lose their target too
    assertArrayEquals(new int[] {idx("i0"), idx("i1"), idx("i1100")}, history(train, 0));
    assertArrayEquals(new int[] {idx("i9"), idx("i1104")}, history(train, 5));
    assertArrayEquals(new int[] {idx("i2"), idx("i1101")}, history(train, 1));
    // validation: the valid users, same training data
    Split v = s.validation();
    assertNotNull(v);
    assertArrayEquals(new int[] {1, 7}, v.testUsers());
    assertArrayEquals(new int[] {idx("i3"), idx("i11")}, v.targets());
    assertTrue(v.train() == train);
    assertNull(v.validation());
    for (int t = 0; t < s.numTestUsers(); t++) {
      for (int it : history(train, s.testUsers()[t])) assertTrue(it != s.targets()[t]);
    }
  }

  @Test
  void sampledCandidatesAre999NegativesFromTheTargetsDomainPlusTheTarget() {
    Split s = Protocols.split("cdsr-sampled", amazonLike(), 42, 0.8);
    assertEquals(999, s.info().get("negatives"));
    int[] dom = s.train().itemDomains();
    for (int t = 0; t < s.numTestUsers(); t++) {
      int target = s.targets()[t];
      int[] l = list(s, t);
      assertEquals(1000, l.length);
      int targetCount = 0;
      for (int q = 0; q < l.length; q++) {
        if (q > 0) assertTrue(l[q - 1] < l[q], "ascending and distinct");
        assertEquals(dom[target], dom[l[q]], "same domain as the target");
        if (l[q] == target) targetCount++;
      }
      assertEquals(1, targetCount);
    }
    // t1's target i1103 is in B; t2's i6 in A
    assertEquals("B", s.train().domainNames()[dom[list(s, 0)[0]]]);
    assertEquals("A", s.train().domainNames()[dom[list(s, 1)[0]]]);
    assertNull(s.candidates().domain());
  }

  @Test
  void sampledNegativesAreDeterministicPerSeedAndUser() {
    Split a = Protocols.split("cdsr-sampled", amazonLike(), 42, 0.8);
    Split b = Protocols.split("cdsr-sampled", amazonLike(), 42, 0.8);
    Split c = Protocols.split("cdsr-sampled", amazonLike(), 43, 0.8);
    assertArrayEquals(a.candidates().list(), b.candidates().list());
    assertFalse(Arrays.equals(list(a, 0), list(c, 0)));
    // a user's draw depends on the seed and their id only, not on the other users
    Dataset d = amazonLike();
    List<Event> withoutT2 = new ArrayList<>();
    for (Event e : d.events()) if (!e.user().equals("t2")) withoutT2.add(e);
    Split e = Protocols.split("cdsr-sampled", new Dataset("x", big, d.users(), withoutT2), 42, 0.8);
    assertArrayEquals(list(a, 0), list(e, 0)); // t1
    assertArrayEquals(list(a, 2), list(e, 1)); // t3
    // validation users draw too
    assertEquals(1000, list(a.validation(), 0).length);
  }

  @Test
  void aSmallDomainGivesAllItsOtherItemsHistoryIncluded() {
    Catalog small = Synthetic.catalog(8, false); // A: i0..i3, B: i4..i7
    Dataset d = new Dataset("s", small, List.of(new User("t", "test", null)), sequence("t", "i1", "i5", "i2"));
    Split s = Protocols.split("cdsr-sampled", d, 1, 0.8);
    // the history item i1 is a candidate: the papers' negatives do not look at the history
    assertArrayEquals(new int[] {0, 1, 2, 3}, list(s, 0));
    Split f = Protocols.split("cdsr-full", d, 1, 0.8);
    assertNull(f.candidates().list());
    assertArrayEquals(new int[] {0}, f.candidates().domain()); // domain A
  }

  @Test
  void fullRankingIsOverTheTargetsDomain() {
    Split s = Protocols.split("cdsr-full", amazonLike(), 42, 0.8);
    String[] names = s.train().domainNames();
    int[] dom = s.candidates().domain();
    assertEquals(4, dom.length);
    assertEquals("B", names[dom[0]]);
    assertEquals("A", names[dom[1]]);
    assertEquals("A", names[dom[2]]);
    assertEquals("B", names[dom[3]]);
    assertArrayEquals(new int[] {2, 3, 4, 6}, s.testUsers());
    assertEquals(2, s.validation().numTestUsers());
  }

  @Test
  void datasetsWithoutSplitsFailClearly() {
    Dataset none = new Dataset("n", big, List.of(new User("a", null, null)), sequence("a", "i1", "i2"));
    for (String p : new String[] {"cdsr-sampled", "cdsr-full"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Protocols.split(p, none, 1, 0.8));
      assertTrue(e.getMessage().contains("split") && e.getMessage().contains(p), e.getMessage());
    }
    Dataset validOnly = new Dataset("v", big, List.of(new User("a", "valid", null)), sequence("a", "i1", "i2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Protocols.split("cdsr-full", validOnly, 1, 0.8));
    assertTrue(e.getMessage().contains("test"), e.getMessage());
  }

  @Test
  void sampledAndFullRankingsAreHandCheckable() throws Exception {
    Catalog small = Synthetic.catalog(8, false); // A: i0..i3, B: i4..i7
    List<Event> ev = new ArrayList<>();
    ev.addAll(sequence("x", "i0", "i1", "i4"));
    ev.addAll(sequence("y", "i0", "i5"));
    ev.addAll(sequence("z", "i0", "i1"));
    ev.addAll(sequence("t", "i1", "i6", "i2")); // target i2 (A), history i1, i6
    Dataset d = new Dataset("hand", small, List.of(new User("t", "test", null)), ev);
    EvaluateOptions o = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("x"), "cdsr-sampled", List.of("pop"), null)
        .withBootstrap(0, 0).withKs(List.of(1, 5));
    // training popularity: i0 = 3, i1 = 3, i4 = 1, i5 = 1, i6 = 1, i2 = i3 = 0
    // sampled: candidates = all of A (i0, i1, i2, i3), the history item i1 included; i2 (0) ties with i3 and is
    // placed after it, behind i0 and i1 → rank 4
    Report r = Evaluation.evaluate(d, o, Progress.NONE);
    assertEquals(0.25, r.metric("pop", "overall", "MRR"), 1e-12);
    assertEquals(1.0, r.metric("pop", "overall", "HR@5"), 1e-12);
    assertEquals(1, (int) r.metric("pop", "domain:A", "users"));
    // full: candidates = A less the history (i0, i2, i3) → rank 3
    Report f = Evaluation.evaluate(d, o.withProtocol("cdsr-full"), Progress.NONE);
    assertEquals(1 / 3.0, f.metric("pop", "overall", "MRR"), 1e-12);
    JsonNode split = f.json().path("split");
    assertTrue(split.path("ranking").asText().contains("target's domain"), split.toString());
    assertTrue(r.json().path("split").path("ranking").asText().contains("999"));
    assertTrue(r.markdown().contains("999 items drawn"));
  }
}
