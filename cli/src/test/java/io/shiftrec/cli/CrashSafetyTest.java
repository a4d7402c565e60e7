package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.ranker.RankerArtifact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes killed with SIGKILL at seeded random moments: the server during single-event writes and during an
 * item batch, {@code import} and {@code train} midway. Each time the store opens afterwards and holds every
 * acknowledged write, and each unit of work whole or not at all. A corrupt saved model is passed over at start.
 */
class CrashSafetyTest {
  static final String KEY = "key-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  // ------------------------------------------------------------------------------------------------ the server

  @Test
  void everyAcknowledgedEventSurvivesKill9AtRandomMoments() throws Exception {
    String db = smallStore();
    Random random = new Random(7);
    Set<Long> acknowledged = new HashSet<>();
    long next = 10_000;
    for (int round = 0; round < 3; round++) {
      Server server = Server.start(db, dir.resolve("serve-" + round + ".log"));
      long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(1000));
      int before = acknowledged.size();
      try {
        // a random moment, but never before a few writes were acknowledged: on a loaded machine the first writes
        // of a fresh process can take longer than the whole window
        while (System.nanoTime() < killAt || acknowledged.size() - before < MIN_WRITES_PER_ROUND) {
          long ts = next++;
          HttpResponse<String> r = server.post("/events", "[{\"user\":\"writer\",\"item\":\"i1\",\"type\":\"click\","
              + "\"timestamp\":" + ts + "}]");
          assertEquals(200, r.statusCode(), r.body());
          acknowledged.add(ts);
        }
        // one more in flight while the process dies: it may or may not be kept, but nothing may break
        server.postAsync("/events", "[{\"user\":\"writer\",\"item\":\"i2\",\"type\":\"click\",\"timestamp\":"
            + next++ + "}]");
      } finally {
        server.kill9();
      }
      try (Store store = Stores.openExisting(db)) {
        Set<Long> stored = new HashSet<>();
        for (Event e : store.eventsOf("writer")) stored.add(e.timestamp());
        assertTrue(stored.containsAll(acknowledged), "round " + round + ": an acknowledged event was lost");
      }
    }
    assertTrue(acknowledged.size() >= 3 * MIN_WRITES_PER_ROUND, "the writes ran: " + acknowledged.size());
  }

  private static final int MIN_WRITES_PER_ROUND = 5;

  @Test
  void anItemBatchKilledMidwayIsStoredWholeOrNotAtAll() throws Exception {
    String db = smallStore();
    long before = counts(db).items();
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 60; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"id\":\"gadget").append(i).append("\",\"domain\":\"kitchen\","
          + "\"title\":\"Gadget number ").append(i).append(" for slicing, dicing and grating vegetables\"}");
    }
    String body = batch.append(']').toString();
    Random random = new Random(11);
    for (int round = 0; round < 2; round++) {
      Server server = Server.start(db, dir.resolve("items-" + round + ".log"));
      try {
        server.postAsync("/items", body);
        Thread.sleep(100 + random.nextInt(900));
      } finally {
        server.kill9();
      }
      long items = counts(db).items();
      assertTrue(items == before || items == before + 60, "round " + round + ": " + items + " items");
    }
  }

  @Test
  void aCorruptSavedModelIsPassedOverForThePreviousOne() throws Exception {
    String db = smallStore();
    try (Store store = Stores.openExisting(db)) {
      byte[] good = ranker(store.items()).toBytes();
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), good);
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME),
          Arrays.copyOf(good, good.length / 2)); // cut short, as a full disk would leave it
      byte[] garbage = good.clone();
      for (int i = 8; i < garbage.length; i += 7) garbage[i] ^= 0x5A;
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), garbage);
    }
    Path log = dir.resolve("corrupt.log");
    Server server = Server.start(db, log);
    try {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(server.uri("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("shiftrec-learned v1", new ObjectMapper().readTree(health.body()).get("model").asText());
      String said = Files.readString(log);
      assertTrue(said.contains("shiftrec-learned v3 is unreadable") && said.contains("shiftrec-learned v2 is unreadable"),
          said);
    } finally {
      server.kill9();
    }
  }

  /**
   * The store on a disk of 2 MiB (a private tmpfs, through user and mount namespaces) filled by batches of events
   * with long texts: the batch that does not fit is refused whole with 507, every acknowledged one is kept, and
   * reads go on.
   */
  @Test
  void aFullDiskRefusesTheBatchWholeAndKeepsServing() throws Exception {
    assumeTrue(privateMountsWork(), "needs 'unshare -rm' to give the store a small disk of its own");
    String db = smallStore();
    Path disk = Files.createDirectories(dir.resolve("disk"));
    String full = disk.resolve("full.db").toString();
    Server server = Server.start(List.of("unshare", "-rm", "sh", "-c",
        "mount -t tmpfs -o size=2m tmpfs \"$0\" && cp \"$1\" \"$0/full.db\" && shift && exec \"$@\"",
        disk.toString(), db), full, dir.resolve("full.log"));
    try {
      int acknowledged = 0;
      int status = 0;
      for (int batch = 0; batch < 40 && status != 507; batch++) {
        StringBuilder body = new StringBuilder("[");
        for (int e = 0; e < 50; e++) {
          body.append(e == 0 ? "" : ",").append("{\"user\":\"filler\",\"item\":\"i1\",\"type\":\"review\","
              + "\"timestamp\":").append(2000 + batch * 50 + e).append(",\"text\":\"").append(batch).append('-')
              .append(e).append(' ').append("words of a long review ".repeat(700)).append("\"}");
        }
        HttpResponse<String> r = server.post("/events", body.append(']').toString());
        status = r.statusCode();
        if (status == 200) acknowledged += 50;
        else assertEquals(507, status, r.body());
        if (status == 507) {
          assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
          assertTrue(r.body().contains("store-full"), r.body());
        }
      }
      assertEquals(507, status, "2 MiB should not hold 40 batches of 850 KB");
      assertTrue(acknowledged > 0, "the first batch fits");
      HttpResponse<String> export = HTTP.send(HttpRequest.newBuilder(server.uri("/users/filler/export"))
          .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, export.statusCode(), export.body());
      assertEquals(acknowledged, new ObjectMapper().readTree(export.body()).get("events").size(),
          "every acknowledged event, none of the refused batch");
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(server.uri("/users/ann/recommendations?k=3")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "reads go on");
    } finally {
      server.kill9();
    }
  }

  private static boolean privateMountsWork() {
    try {
      Process p = new ProcessBuilder("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt")
          .redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------------------------ the commands

  @Test
  void anImportKilledMidwayLeavesAllOrNothing() throws Exception {
    Path data = Files.createDirectories(dir.resolve("big"));
    writeItems(data, 20);
    StringBuilder events = new StringBuilder("user,item,type,timestamp\n");
    int n = 300_000;
    for (int e = 0; e < n; e++) {
      events.append('u').append(e % 5000).append(",i").append(e % 20).append(",view,").append(1000 + e).append('\n');
    }
    Files.writeString(data.resolve("events.csv"), events, StandardCharsets.UTF_8);
    Random random = new Random(3);
    boolean killedMidway = false;
    for (int round = 0; round < 3; round++) {
      String db = dir.resolve("import-" + round + ".db").toString();
      Process p = launch(dir.resolve("import-" + round + ".log"), "import", "--db", db, "--format", "generic",
          "--path", data.toString(), "--no-encode");
      Thread.sleep(500 + random.nextInt(2500));
      killedMidway |= p.isAlive();
      kill9(p);
      if (Files.notExists(Path.of(db))) continue; // killed before it opened the store
      Store.Counts after = counts(db);
      boolean none = after.items() == 0 && after.events() == 0;
      boolean all = after.items() == 20 && after.events() == n;
      assertTrue(none || all, "round " + round + ": " + after);
      // the store takes the same import afterwards, whole
      assertEquals(0, ShiftRecCommandTest.run("import", "--db", db, "--format", "generic", "--path",
          data.toString(), "--no-encode").code());
      assertEquals(n, counts(db).events());
    }
    assertTrue(killedMidway, "at least one import was killed while it ran");
  }

  @Test
  void aTrainingKilledMidwayLeavesTheModelsBeforeIt() throws Exception {
    Path data = Files.createDirectories(dir.resolve("cf"));
    writeItems(data, 300);
    StringBuilder events = new StringBuilder("user,item,type,timestamp\n");
    Random r = new Random(5);
    for (int u = 0; u < 3000; u++) {
      for (int e = 0; e < 20; e++) events.append('u').append(u).append(",i").append(r.nextInt(300)).append(",view,")
          .append(1000 + e).append('\n');
    }
    Files.writeString(data.resolve("events.csv"), events, StandardCharsets.UTF_8);
    String db = dir.resolve("train.db").toString();
    assertEquals(0, ShiftRecCommandTest.run("import", "--db", db, "--format", "generic", "--path", data.toString(),
        "--no-encode").code());
    String spec = "ials:factors=32:iterations=3";
    assertEquals(0, ShiftRecCommandTest.run("train", "--db", db, "--models", spec, "--no-validation").code());
    Process p = launch(dir.resolve("train.log"), "train", "--db", db, "--models",
        "ials:factors=64:iterations=5000", "--no-validation"); // minutes: killed long before it ends
    Thread.sleep(1500 + new Random(9).nextInt(1500));
    assertTrue(p.isAlive(), "the training should still run when it is killed");
    kill9(p);
    try (Store store = Stores.openExisting(db)) {
      Store.Artifact latest = store.latestArtifact("ials").orElseThrow();
      assertEquals(1, latest.version(), "the killed training saved nothing");
    }
    ShiftRecCommandTest.Run again = ShiftRecCommandTest.run("train", "--db", db, "--models", spec, "--no-validation");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("saved ials version 2"), again.out());
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Twenty items of two domains, a few events, imported and encoded by the command line. */
  private String smallStore() throws Exception {
    Path data = Files.createDirectories(dir.resolve("small"));
    writeItems(data, 20);
    Files.writeString(data.resolve("events.csv"), "user,item,type,timestamp\nann,i1,view,1000\nann,i2,view,1001\n"
        + "bob,i3,purchase,1000\n", StandardCharsets.UTF_8);
    String db = dir.resolve("small.db").toString();
    ShiftRecCommandTest.Run imported = ShiftRecCommandTest.run("import", "--db", db, "--format", "generic", "--path",
        data.toString());
    assertEquals(0, imported.code(), imported.err());
    return db;
  }

  private static void writeItems(Path data, int count) throws IOException {
    StringBuilder items = new StringBuilder("id,domain,title\n");
    for (int i = 0; i < count; i++) {
      items.append('i').append(i).append(',').append(i % 2 == 0 ? "movies" : "kitchen").append(",Thing number ")
          .append(i).append(i % 2 == 0 ? " a film about space" : " a pan for the kitchen").append('\n');
    }
    Files.writeString(data.resolve("items.csv"), items, StandardCharsets.UTF_8);
  }

  /** A ranker of one part, ItemKNN with no neighbours, over the store's items. */
  private static RankerArtifact ranker(List<Item> items) {
    String[] ids = items.stream().map(Item::id).toArray(String[]::new);
    return new RankerArtifact(new String[] {"itemknn"}, new double[] {1}, 5, 0, false, ids, 1, 1f, 1f,
        new float[ids.length], ItemGraph.empty(ids.length), ItemGraph.empty(ids.length), new int[ids.length], "",
        null);
  }

  private static Store.Counts counts(String db) {
    try (Store store = Stores.openExisting(db)) {
      return store.counts();
    }
  }

  static Process launch(Path log, String... args) throws IOException {
    return launch(List.of(), log, args);
  }

  /** {@code shiftrec ARGS} in a JVM of its own, behind {@code wrapper} (a command that ends by running the rest). */
  private static Process launch(List<String> wrapper, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
        System.getProperty("java.class.path"), ShiftRec.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SHIFTREC_API_KEY", KEY);
    builder.environment().put("SHIFTREC_READS_NEED_KEY", "false");
    return builder.start();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process did not die");
  }

  /** {@code shiftrec serve} in a process of its own, on any free port. */
  record Server(Process process, int port) {
    static Server start(String db, Path log) throws Exception {
      return start(List.of(), db, log);
    }

    static Server start(List<String> wrapper, String db, Path log) throws Exception {
      Process p = launch(wrapper, log, "serve", "--db", db, "--port", "0");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        Matcher m = LISTENING.matcher(Files.readString(log));
        if (m.find()) return new Server(p, Integer.parseInt(m.group(1)));
        if (!p.isAlive()) fail("the server ended before it listened: " + Files.readString(log));
        Thread.sleep(50);
      }
      CrashSafetyTest.kill9(p);
      throw new AssertionError("the server did not listen within 120 s: " + Files.readString(log));
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpRequest request(String path, String body) {
      return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + KEY)
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpResponse<String> post(String path, String body) throws Exception {
      return HTTP.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    void postAsync(String path, String body) {
      HTTP.sendAsync(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    void kill9() throws InterruptedException {
      CrashSafetyTest.kill9(process);
    }
  }
}
