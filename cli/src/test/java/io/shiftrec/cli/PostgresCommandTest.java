package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.cli.ShiftRecCommandTest.Run;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.store.postgres.PostgresTestDatabases;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a PostgreSQL store ({@code --store jdbc:postgresql://…}, or the same URL as {@code --db}), on the
 * test server of {@link PostgresTestDatabases}: what they do on a store file, and never a password in what they print.
 */
class PostgresCommandTest {
  @RegisterExtension static final PostgresTestDatabases databases = new PostgresTestDatabases();

  @TempDir Path dir;

  /** Twelve films, ten users who each watched six of them. */
  private Path dataset() throws Exception {
    return CopyCommandTest.films(dir);
  }

  @Test
  void importRecommendTrainAndCheckThroughAStoreUrl() throws Exception {
    String url = databases.urlFor("commands");
    String password = url.substring(url.indexOf("password=") + "password=".length());
    Path data = dataset();

    Run imported = ShiftRecCommandTest.run("import", "--store", url, "--format", "generic", "--path", data.toString());
    assertEquals(0, imported.code(), imported.err());
    assertTrue(imported.out().contains("12 items, 10 users, 60 events"), imported.out());
    assertFalse(imported.out().contains(password) || imported.err().contains(password), "the password is not shown");
    Run again = ShiftRecCommandTest.run("import", "--db", url, "--format", "generic", "--path", data.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("12 items, 10 users, 60 events"), "a second import stores nothing twice");

    Run rec = ShiftRecCommandTest.run("recommend", "--store", url, "--user", "u0", "-k", "3", "--explain");
    assertEquals(0, rec.code(), rec.err());
    assertTrue(rec.out().contains("Recommendations for user u0 (6 events in history; ranked by shiftrec):"),
        rec.out());
    assertTrue(rec.out().contains(" 3. "), rec.out());

    Run trained = ShiftRecCommandTest.run("train", "--store", url, "--no-validation");
    assertEquals(0, trained.code(), trained.err());
    assertTrue(trained.out().contains("saved shiftrec-learned version 1 (active): 10 users, 12 items, 60 interactions"),
        trained.out());
    Run ranked = ShiftRecCommandTest.run("recommend", "--store", url, "--user", "u0", "-k", "3", "--json");
    assertEquals(0, ranked.code(), ranked.err());
    assertTrue(ranked.out().contains("\"model\" : \"shiftrec-learned v1\""), ranked.out());
    assertTrue(ShiftRecCommandTest.run("models", "list", "--store", url).out().contains("1        *"));
    assertEquals(0, ShiftRecCommandTest.run("profile", "--store", url, "--user", "u0").code());
    Run checked = ShiftRecCommandTest.run("check", "--store", url);
    assertEquals(0, checked.code(), checked.err());
    assertTrue(checked.out().contains("every stored row keeps the rules"), checked.out());

    Path out = dir.resolve("recs.jsonl");
    Run exported = ShiftRecCommandTest.run("export-recommendations", "--store", url, "--out", out.toString(), "-k",
        "2");
    assertEquals(0, exported.code(), exported.err());
    assertEquals(10, Files.readAllLines(out).size());

    try (Store store = Stores.openExisting(url)) {
      assertEquals(new Store.Counts(12, 10, 60, store.counts().embeddings()), store.counts());
      assertTrue(store.counts().embeddings() >= 12, "the items were encoded into the database");
    }
  }

  @Test
  void aMissingDatabaseFailsInOneLineWithoutThePassword() {
    String url = PostgresTestDatabases.withDatabase(databases.urlFor("present"), "shiftrec_no_such_db");
    Run missing = ShiftRecCommandTest.run("recommend", "--store", url, "--user", "u0");
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("shiftrec recommend: cannot open store jdbc:postgresql://")
        && missing.err().contains("shiftrec_no_such_db") && missing.err().strip().lines().count() == 1, missing.err());
    String password = url.substring(url.indexOf("password=") + "password=".length());
    assertFalse(missing.err().contains(password), missing.err());
  }

  /** A server on the database: it answers, makes no apps (they are store files), and logs no password. */
  @Test
  void aServerOnTheDatabaseServesAndMakesNoApps() throws Exception {
    String url = databases.urlFor("serve");
    String password = url.substring(url.indexOf("password=") + "password=".length());
    assertEquals(0, ShiftRecCommandTest.run("import", "--store", url, "--format", "generic", "--path",
        dataset().toString()).code());
    Path log = dir.resolve("serve.log");
    CrashSafetyTest.Server server = CrashSafetyTest.Server.start(url, log);
    try {
      HttpResponse<String> recs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          server.uri("/users/u0/recommendations?k=2")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, recs.statusCode(), recs.body());
      assertTrue(recs.body().contains("\"user\":\"u0\""), recs.body());
      HttpResponse<String> app = server.post("/apps", "{\"name\":\"shop\"}");
      assertEquals(409, app.statusCode(), app.body());
      assertTrue(app.body().contains("apps-need-a-file-store"), app.body());
    } finally {
      server.kill9();
    }
    String logged = Files.readString(log);
    assertTrue(logged.contains("password=***"), logged);
    assertFalse(logged.contains(password), logged);
  }

  /**
   * Two servers on one database, following it every 10 s (the default): an event posted to one changes what the
   * other answers within two seconds, because the database tells every server of each commit.
   */
  @Test
  void anEventPostedToOneServerChangesTheOthersAnswerAtOnce() throws Exception {
    String url = databases.urlFor("two");
    assertEquals(0, ShiftRecCommandTest.run("import", "--store", url, "--format", "generic", "--path",
        dataset().toString()).code());
    CrashSafetyTest.Server a = CrashSafetyTest.Server.start(url, dir.resolve("a.log"));
    CrashSafetyTest.Server b = CrashSafetyTest.Server.start(url, dir.resolve("b.log"));
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ask = HttpRequest.newBuilder(b.uri("/users/u0/recommendations?k=3")).build();
      String before = http.send(ask, HttpResponse.BodyHandlers.ofString()).body(); // b keeps u0's interests now
      java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"item\":\"([^\"]+)\"").matcher(before);
      StringBuilder events = new StringBuilder("[");
      for (int n = 0; ids.find(); n++) { // u0 takes what b recommends: b may recommend none of it again
        events.append(n == 0 ? "" : ",").append("{\"user\":\"u0\",\"item\":\"").append(ids.group(1))
            .append("\",\"type\":\"purchase\",\"timestamp\":").append(System.currentTimeMillis() / 1000 - 100 + n).append('}');
      }
      assertTrue(events.length() > 1, before);
      long start = System.nanoTime();
      assertEquals(200, a.post("/events", events.append(']').toString()).statusCode());
      String after = before;
      while (after.equals(before) && System.nanoTime() - start < 5_000_000_000L) {
        Thread.sleep(20);
        after = http.send(ask, HttpResponse.BodyHandlers.ofString()).body();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertFalse(after.equals(before), "b still answers as before after " + millis + " ms");
      assertTrue(millis < 2_000, "b changed after " + millis + " ms");
    } finally {
      a.kill9();
      b.kill9();
    }
  }

  /**
   * Two servers on one database: an item written to one is similar to others and recommended by the other, and a
   * model activated on one is served by the other, each within the follower's look at the store.
   */
  @Test
  void anItemWrittenAndAModelActivatedOnOneServerAreServedByTheOther() throws Exception {
    String url = databases.urlFor("items_models");
    assertEquals(0, ShiftRecCommandTest.run("import", "--store", url, "--format", "generic", "--path",
        dataset().toString()).code());
    assertEquals(0, ShiftRecCommandTest.run("train", "--store", url, "--no-validation").code());
    assertEquals(0, ShiftRecCommandTest.run("train", "--store", url, "--no-validation", "--seed", "7").code());
    CrashSafetyTest.Server a = CrashSafetyTest.Server.start(url, dir.resolve("a.log"));
    CrashSafetyTest.Server b = CrashSafetyTest.Server.start(url, dir.resolve("b.log"));
    try {
      String recommended = "/users/u0/recommendations?k=3&domain=documentaries";
      assertEquals("2", FollowTest.get(b, "/models").get("serving").asText());
      assertEquals(200, a.post("/items", "[{\"id\":\"late\",\"domain\":\"documentaries\",\"title\":\"A late"
          + " documentary\",\"text\":\"A story of space and aliens aboard a starship\"}]").statusCode());
      FollowTest.await(b, "/items/late/similar?k=3", similar -> similar.get("items").size() == 3);
      // the only item of its domain: recommended to a user who never met it once the other server knows it
      FollowTest.await(b, recommended, r -> r.get("items").size() == 1
          && r.get("items").get(0).get("item").asText().equals("late"));

      assertEquals(200, a.post("/models/1/activate", "").statusCode());
      FollowTest.await(b, "/models", m -> "1".equals(m.get("serving").asText()));
      assertEquals("shiftrec-learned v1", FollowTest.get(b, recommended).get("model").asText());
    } finally {
      a.kill9();
      b.kill9();
    }
  }

  /** Several processes on one database: a server follows what the command line trains, activates and imports. */
  @Test
  void theServerFollowsTheCommandLineOnTheSameDatabase() throws Exception {
    FollowTest.follows(dir, databases.urlFor("follow"));
  }

  /** SQLite to PostgreSQL and back: everything kept, the same recommendations from each, the same model serving. */
  @Test
  void aStoreCopiedToPostgresAndBackKeepsEverything() throws Exception {
    String file = dir.resolve("a.db").toString(), url = databases.urlFor("copy"), back = dir.resolve("b.db").toString();
    String password = url.substring(url.indexOf("password=") + "password=".length());
    CopyCommandTest.makeStore(dir, file);
    Run there = ShiftRecCommandTest.run("copy", "--from", file, "--to", url, "--batch", "5");
    assertEquals(0, there.code(), there.err());
    assertFalse(there.out().contains(password) || there.err().contains(password), "the password is not shown");
    CopyCommandTest.assertSameStore(file, url);
    Run again = ShiftRecCommandTest.run("copy", "--from", file, "--to", url);
    assertEquals(1, again.code());
    assertTrue(again.err().contains("is not empty") && !again.err().contains(password), again.err());
    Run home = ShiftRecCommandTest.run("copy", "--from", url, "--to", back);
    assertEquals(0, home.code(), home.err());
    CopyCommandTest.assertSameStore(file, back);
  }

  /** The PostgreSQL backup the documentation gives: pg_dump, then pg_restore into an empty database. */
  @Test
  void pgDumpAndPgRestoreKeepEverything() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("pg_dump") && onPath("pg_restore"),
        "pg_dump and pg_restore are not installed");
    String url = databases.urlFor("dumped"), restored = databases.urlFor("restored");
    Run made = ShiftRecCommandTest.run("copy", "--from", seeded(), "--to", url);
    assertEquals(0, made.code(), made.err());
    Path dump = dir.resolve("store.dump");
    exec("pg_dump", "--format=custom", "--file=" + dump, url.substring("jdbc:".length()));
    exec("pg_restore", "--no-owner", "--dbname=" + restored.substring("jdbc:".length()), dump.toString());
    CopyCommandTest.assertSameStore(url, restored);
    Run backup = ShiftRecCommandTest.run("backup", "--db", url, "--out", dir.resolve("x").toString());
    assertEquals(1, backup.code());
    assertTrue(backup.err().contains("pg_dump --format=custom"), backup.err());
  }

  private Path seededStore;

  /** A SQLite store made by {@link CopyCommandTest#makeStore}, once per test. */
  private String seeded() throws Exception {
    if (seededStore == null) {
      seededStore = dir.resolve("seed.db");
      CopyCommandTest.makeStore(dir, seededStore.toString());
    }
    return seededStore.toString();
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }

  private void exec(String... command) throws Exception {
    Path log = dir.resolve(command[0] + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertEquals(0, p.waitFor(), command[0] + ": " + Files.readString(log));
  }
}
