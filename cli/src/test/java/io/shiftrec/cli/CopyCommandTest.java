package io.shiftrec.cli;

import static io.shiftrec.cli.ShiftRecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.cli.ShiftRecCommandTest.Run;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shiftrec copy}: a whole store into an empty one, everything kept, and a non-empty target refused. */
class CopyCommandTest {
  @TempDir Path dir;

  /** Users whose recommendations a copy must give alike. */
  static final List<String> SOME_USERS = List.of("u0", "u3", "u7");

  /** Twelve films, ten users who each watched six of them: the folder of a generic dataset. */
  static Path films(Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    List<String> items = new ArrayList<>(List.of("id,domain,title,text"));
    String[] kinds = {"space and aliens aboard a starship", "love and romance in London", "a heist in the city"};
    for (int i = 0; i < 12; i++) items.add("m" + i + ",movies,Movie number " + i + ",A story of " + kinds[i % 3]);
    Files.writeString(data.resolve("items.csv"), String.join("\n", items), StandardCharsets.UTF_8);
    List<String> events = new ArrayList<>(List.of("user,item,type,timestamp"));
    for (int u = 0; u < 10; u++) for (int i = 0; i < 6; i++) events.add("u" + u + ",m" + ((u + i) % 12) + ",view," + i);
    Files.writeString(data.resolve("events.csv"), String.join("\n", events), StandardCharsets.UTF_8);
    return data;
  }

  /**
   * The {@link #films}, u0 with two more at one time (their order is arrival order), imported and encoded; trained
   * twice, the first version active; one film hidden; one API key.
   */
  static void makeStore(Path dir, String location) throws Exception {
    Path data = films(dir);
    Files.writeString(data.resolve("events.csv"), "\nu0,m11,view,9\nu0,m9,view,9", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    Run imported = run("import", "--db", location, "--format", "generic", "--path", data.toString());
    assertEquals(0, imported.code(), imported.err());
    Run first = run("train", "--db", location, "--no-validation");
    assertEquals(0, first.code(), first.err());
    Run second = run("train", "--db", location, "--no-validation", "--seed", "7", "--no-activate");
    assertEquals(0, second.code(), second.err());
    try (Store store = Stores.openExisting(location)) {
      try (Store.Transaction tx = store.begin()) {
        assertTrue(tx.setHidden("m4", true));
        tx.commit();
      }
      store.putApiKey(new Store.ApiKey("ops", new byte[32], "admin", "the operators", 1_700_000_000_000L));
      assertEquals(1, store.activeVersion("shiftrec-learned").orElseThrow());
      assertEquals(2, store.artifactVersions("shiftrec-learned").size());
    }
  }

  /** Asserts that {@code copy} holds what {@code original} does, and recommends alike. */
  static void assertSameStore(String original, String copy) {
    try (Store a = Stores.openExisting(original); Store b = Stores.openExisting(copy)) {
      assertEquals(a.counts(), b.counts());
      assertTrue(a.counts().embeddings() > 0 && a.counts().events() > 0, a.counts().toString());
      assertEquals(a.itemPage(new Store.ItemPage(null, 1000, null, null, 0)),
          b.itemPage(new Store.ItemPage(null, 1000, null, null, 0)), "items with their hidden state and times");
      assertEquals(a.users(), b.users());
      for (var user : a.users()) assertEquals(a.eventsOf(user.id()), b.eventsOf(user.id()), "events of " + user.id());
      List<Store.Embedding> ea = new ArrayList<>(), eb = new ArrayList<>();
      a.forEachEmbedding(ea::add);
      b.forEachEmbedding(eb::add);
      assertEquals(ea.size(), eb.size());
      for (int i = 0; i < ea.size(); i++) {
        assertEquals(ea.get(i).model() + ea.get(i).textHash(), eb.get(i).model() + eb.get(i).textHash());
        assertArrayEquals(ea.get(i).vector(), eb.get(i).vector());
      }
      assertEquals(a.artifactNames(), b.artifactNames());
      for (String name : a.artifactNames()) {
        assertEquals(a.artifactVersions(name), b.artifactVersions(name), "versions of " + name);
        for (Store.ArtifactInfo info : a.artifactVersions(name)) {
          assertArrayEquals(a.artifact(name, info.version()).orElseThrow().data(),
              b.artifact(name, info.version()).orElseThrow().data());
        }
        assertEquals(a.activeVersion(name), b.activeVersion(name), "active version of " + name);
      }
      assertEquals(a.apiKeys().size(), b.apiKeys().size());
      for (int i = 0; i < a.apiKeys().size(); i++) {
        Store.ApiKey ka = a.apiKeys().get(i), kb = b.apiKeys().get(i);
        assertEquals(List.of(ka.id(), ka.scope(), ka.label(), ka.createdAtMillis()),
            List.of(kb.id(), kb.scope(), kb.label(), kb.createdAtMillis()));
        assertArrayEquals(ka.sha256(), kb.sha256());
      }
    }
    for (String user : SOME_USERS) {
      Run ra = run("recommend", "--db", original, "--user", user, "-k", "5", "--json");
      Run rb = run("recommend", "--db", copy, "--user", user, "-k", "5", "--json");
      assertEquals(0, ra.code(), ra.err());
      assertEquals(0, rb.code(), rb.err());
      assertTrue(ra.out().contains("\"model\" : \"shiftrec-learned v1\""), ra.out());
      assertEquals(ra.out(), rb.out(), "recommendations for " + user);
    }
  }

  @Test
  void aCopyKeepsEverythingAndRecommendsAlike() throws Exception {
    String a = dir.resolve("a.db").toString(), b = dir.resolve("copies/b.db").toString();
    makeStore(dir, a);
    Run copied = run("copy", "--from", a, "--to", b, "--batch", "7");
    assertEquals(0, copied.code(), copied.err());
    assertTrue(copied.out().contains("12 items, 10 users, 62 events"), copied.out());
    assertTrue(copied.out().contains("3 model versions (2 models), 1 API keys"), copied.out());
    assertTrue(copied.err().contains("copy events"), "progress on stderr: " + copied.err());
    assertSameStore(a, b);
    Run checked = run("check", "--db", b);
    assertEquals(0, checked.code(), checked.out());
  }

  @Test
  void aStoreThatHoldsAnythingIsRefusedAsTarget() throws Exception {
    String a = dir.resolve("a.db").toString(), b = dir.resolve("b.db").toString();
    makeStore(dir, a);
    try (Store target = Stores.open(b)) {
      target.putApiKey(new Store.ApiKey("k", new byte[32], "read", null, 1L));
    }
    Run refused = run("copy", "--from", a, "--to", b);
    assertEquals(1, refused.code());
    assertEquals("shiftrec copy: the target store " + b + " is not empty (0 items, 0 users, 0 events, 0 embeddings,"
        + " 0 models, 1 API keys); copy only into an empty store", refused.err().strip());
    Run missing = run("copy", "--from", dir.resolve("typo.db").toString(), "--to", dir.resolve("c.db").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no store at"), missing.err());
  }
}
