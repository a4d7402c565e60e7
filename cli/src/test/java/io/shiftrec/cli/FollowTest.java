package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running server follows what the command line does to its store, each in a process of its own: a model trained
 * by {@code train}, items and events imported by {@code import}, and a rollback by {@code models activate} are all
 * served within 60 seconds, without a restart.
 */
class FollowTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void theServerFollowsTrainImportAndActivateByTheCommandLine() throws Exception {
    follows(dir, dir.resolve("follow.db").toString());
  }

  /** The whole story on the store at {@code db} (a file, or a database server), with {@code dir} for files. */
  static void follows(Path dir, String db) throws Exception {
    Path first = Files.createDirectories(dir.resolve("first"));
    writeStore(first);
    ShiftRecCommandTest.Run imported = ShiftRecCommandTest.run("import", "--db", db, "--format", "generic", "--path",
        first.toString());
    assertEquals(0, imported.code(), imported.err());
    CrashSafetyTest.Server server = CrashSafetyTest.Server.start(db, dir.resolve("serve.log"));
    try {
      assertTrue(get(server, "/models").get("active").isNull(), "nothing trained yet");
      String before = topItem(server, "u0");

      run(dir, "train", "--db", db, "--no-validation");
      await(server, "/models", m -> "1".equals(m.get("serving").asText()));
      assertEquals("shiftrec-learned v1", get(server, "/users/u0/recommendations?k=3").get("model").asText());
      run(dir, "train", "--db", db, "--no-validation", "--seed", "7");
      await(server, "/models", m -> "2".equals(m.get("serving").asText()));
      run(dir, "models", "activate", "1", "--db", db);
      await(server, "/models", m -> "1".equals(m.get("serving").asText()) && m.get("versions").size() == 2);

      Path second = Files.createDirectories(dir.resolve("second"));
      Files.writeString(second.resolve("items.csv"), "id,domain,title,text\nlate,movies,A late film,"
          + "A story of space and aliens aboard a starship\n", StandardCharsets.UTF_8);
      Files.writeString(second.resolve("events.csv"), "user,item,type,value,timestamp\nu0," + before
          + ",rating,5,9000\n", StandardCharsets.UTF_8);
      run(dir, "import", "--db", db, "--format", "generic", "--path", second.toString());
      await(server, "/items/late/similar?k=3", similar -> similar.get("items").size() > 0);
      await(server, "/users/u0/recommendations?k=3&diversity=0",
          r -> !r.get("items").get(0).get("item").asText().equals(before));
    } finally {
      server.kill9();
    }
  }

  /** Thirty items of three kinds whose text tells them apart; sixty users who each rate five items of one kind. */
  private static void writeStore(Path data) throws Exception {
    String[] kinds = {"space and aliens aboard a starship", "love and romance in London", "knives and pans"};
    StringBuilder items = new StringBuilder("id,domain,title,text\n");
    for (int i = 0; i < 30; i++) {
      items.append('i').append(i).append(",movies,Title ").append(i).append(",A story of ").append(kinds[i % 3])
          .append('\n');
    }
    StringBuilder events = new StringBuilder("user,item,type,value,timestamp\n");
    for (int u = 0; u < 60; u++) {
      for (int t = 0; t < 5; t++) {
        int item = (u % 3) + 3 * ((u * 7 + t * 2) % 10);
        events.append('u').append(u).append(",i").append(item).append(",rating,").append(4 + (u + t) % 2)
            .append(',').append(1000 + u * 10 + t).append('\n');
      }
    }
    Files.writeString(data.resolve("items.csv"), items, StandardCharsets.UTF_8);
    Files.writeString(data.resolve("events.csv"), events, StandardCharsets.UTF_8);
  }

  /** {@code shiftrec ARGS} in a process of its own, which must succeed. */
  private static void run(Path dir, String... args) throws Exception {
    Path log = Files.createTempFile(dir, args[0], ".log");
    Process p = CrashSafetyTest.launch(log, args);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", args) + " did not end");
    assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + Files.readString(log));
  }

  private static String topItem(CrashSafetyTest.Server server, String user) throws Exception {
    return get(server, "/users/" + user + "/recommendations?k=1&diversity=0").get("items").get(0).get("item")
        .asText();
  }

  /** Polls a route until its answer passes {@code done}, for at most {@link #WITHIN}. */
  static void await(CrashSafetyTest.Server server, String path, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri(path))
          .header("Authorization", "Bearer " + CrashSafetyTest.KEY).build(), HttpResponse.BodyHandlers.ofString());
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200 && done.test(JSON.readTree(r.body()))) return;
      Thread.sleep(250);
    }
    throw new AssertionError(path + " did not show the change within " + WITHIN.toSeconds() + " s: " + last);
  }

  static JsonNode get(CrashSafetyTest.Server server, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri(path))
        .header("Authorization", "Bearer " + CrashSafetyTest.KEY).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }
}
