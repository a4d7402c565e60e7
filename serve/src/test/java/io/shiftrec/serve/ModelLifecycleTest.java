package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.ranker.Models;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.ranker.RecommendRequest;
import io.shiftrec.core.TrainingData;
import io.shiftrec.train.Training;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine: the server ranks exactly as {@code evaluate} scores the same model, and it follows the model registry
 * and other writers of its store without a restart.
 */
class ModelLifecycleTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "key-0123456789abcdef";
  private static final String[] GENRES = {"space alien starship", "london love romance", "kitchen knife pan"};
  private static final int PER_GENRE = 15;
  private static final int USERS = 120;

  @TempDir static Path dir;
  private static Path db;

  /** Three genres of items whose text tells them apart; user u rates eight items of genre u % 3, in order. */
  @BeforeAll
  static void trainedStore() {
    db = dir.resolve("lifecycle.db");
    try (Store store = Stores.open(db.toString())) {
      List<Item> items = new ArrayList<>();
      for (int g = 0; g < GENRES.length; g++) {
        for (int i = 0; i < PER_GENRE; i++) {
          items.add(new Item("g" + g + "i" + i, g == 2 ? "kitchen" : "movies", "Title " + g + "." + i,
              "A story of " + GENRES[g] + " number " + i, List.of("genre" + g), "en", Map.of()));
        }
      }
      List<Event> events = new ArrayList<>();
      SplittableRandom random = new SplittableRandom(11);
      for (int u = 0; u < USERS; u++) {
        int g = u % GENRES.length;
        int[] taken = random.ints(0, PER_GENRE).distinct().limit(8).toArray();
        for (int t = 0; t < taken.length; t++) {
          events.add(new Event("u" + u, "g" + g + "i" + taken[t], EventType.RATING, 4 + random.nextInt(2),
              1_700_000_000L + u * 100L + t, null, null, null, Map.of()));
        }
      }
      try (Store.Transaction tx = store.begin()) {
        tx.upsertItems(items);
        tx.insertEvents(events);
        tx.commit();
      }
      StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
      Training.run(store, settings(42), Progress.NONE);
    }
  }

  private static Training.Settings settings(long seed) {
    return new Training.Settings(List.of(LearnedRankerModel.NAME), seed, false, true);
  }

  /** The parity test: for a sample of users, the server's top 10 is what the evaluator ranks first. */
  @Test
  void theServersTopTenIsWhatTheEvaluatorScores() throws Exception {
    LearnedRankerModel evaluated = (LearnedRankerModel) Models.create(LearnedRankerModel.NAME);
    TrainingData train;
    long version;
    try (Store store = Stores.openExisting(db.toString())) { // the store as it is now: other tests write to it
      version = Training.run(store, settings(42), Progress.NONE).get(0).version();
      Catalog catalog = StoreEncoding.catalog(store, Progress.NONE);
      List<Event> events = new ArrayList<>();
      store.forEachEvent(events::add);
      train = TrainingData.fromEvents(catalog, events);
      evaluated.fit(train, 42);
      assertArrayEquals(store.artifact(RankerArtifact.NAME, version).orElseThrow().data(),
          evaluated.artifact().toBytes(), "the evaluator fits the model train saved");
    }
    try (ShiftRecServer server = start()) {
      float[] scores = new float[train.numItems()];
      for (int u = 0; u < USERS; u += 7) {
        evaluated.score(u, scores);
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        JsonNode answer = get(server, "/users/" + train.userId(u) + "/recommendations?k=10&diversity=0");
        assertEquals("shiftrec-learned v" + version, answer.get("model").asText());
        List<String> served = new ArrayList<>();
        for (JsonNode item : answer.get("items")) served.add(item.get("item").asText());
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < served.size(); r++) expected.add(train.catalog().item(order[r]).id());
        assertEquals(10, served.size());
        assertEquals(expected, served, "user " + train.userId(u));
      }
      // the batch export answers as the server does, document for document (scores and reasons included)
      try (Store store = Stores.openExisting(db.toString()); BatchRecommendations batch = new BatchRecommendations(store)) {
        RecommendRequest request = new RecommendRequest(10, 0, null, null, java.util.Set.of(), List.of(), true, 0.2, null);
        for (int u = 0; u < USERS; u += 5) {
          String user = train.userId(u);
          JsonNode answer = get(server, "/users/" + user + "/recommendations?k=10&explain=true");
          assertEquals(answer, JSON.valueToTree(batch.forUser(user, request)), "user " + user);
        }
        JsonNode stranger = get(server, "/users/stranger/recommendations?k=10&explain=true");
        assertEquals(stranger, JSON.valueToTree(batch.forUser("stranger", request)));
      }
    }
  }

  @Test
  void versionsAreListedActivatedAndRolledBackAndAnUnservableOneIsRefused() throws Exception {
    try (ShiftRecServer server = start(); Store other = Stores.openExisting(db.toString())) {
      JsonNode models = get(server, "/models");
      long newest = other.artifactVersions(RankerArtifact.NAME).size();
      assertEquals(Long.toString(newest), models.get("active").asText());
      assertEquals(models.get("active"), models.get("serving"));
      JsonNode first = models.get("versions").get(0);
      assertTrue(first.get("active").asBoolean() && first.has("data") && first.has("settings"), first.toString());
      assertTrue(first.get("data").get("event_seq").asLong() > 0, first.toString());

      // another process trains: the server switches within its follow interval
      Training.run(other, settings(7), Progress.NONE);
      String trained = Long.toString(newest + 1);
      awaitModels(server, m -> m.get("serving").asText().equals(trained));
      assertEquals("shiftrec-learned v" + trained,
          get(server, "/users/u1/recommendations?k=3").get("model").asText());

      // rollback through the API: served at once
      HttpResponse<String> rollback = post(server, "/models/1/activate", KEY);
      assertEquals(200, rollback.statusCode(), rollback.body());
      assertEquals("1", JSON.readTree(rollback.body()).get("serving").asText());
      assertEquals("shiftrec-learned v1", get(server, "/users/u1/recommendations?k=3").get("model").asText());
      assertEquals(1L, other.activeVersion(RankerArtifact.NAME).orElseThrow());

      // a version that cannot be read is refused; the active one stays
      long broken = other.putArtifact(RankerArtifact.NAME, Map.of("model", "shiftrec-learned"), new byte[] {1, 2, 3});
      HttpResponse<String> refused = post(server, "/models/" + broken + "/activate", KEY);
      assertEquals(422, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertEquals("1", get(server, "/models").get("active").asText());
      // activated behind the server's back: still refused, the served version stays
      other.activate(RankerArtifact.NAME, broken);
      Thread.sleep(2_500);
      JsonNode after = get(server, "/models");
      assertEquals(Long.toString(broken), after.get("active").asText());
      assertEquals("1", after.get("serving").asText());

      assertEquals(404, post(server, "/models/99/activate", KEY).statusCode());
      assertEquals(404, post(server, "/models/latest/activate", KEY).statusCode());
      assertEquals(401, post(server, "/models/1/activate", null).statusCode());
      other.activate(RankerArtifact.NAME, 1); // a servable version stays active for the other tests
    }
  }

  /** Items and events another process writes are served within the follow interval, without a restart. */
  @Test
  void itemsAndEventsWrittenByAnotherProcessAreServed() throws Exception {
    try (ShiftRecServer server = start(); Store other = Stores.openExisting(db.toString())) {
      JsonNode before = get(server, "/users/u0/recommendations?k=3&diversity=0");
      String top = before.get("items").get(0).get("item").asText();
      try (Store.Transaction tx = other.begin()) {
        tx.upsertItems(List.of(new Item("g0new", "movies", "Return of the starship",
            "A story of space alien starship, the sequel", List.of("genre0"), "en", Map.of())));
        tx.insertEvents(List.of(new Event("u0", top, EventType.RATING, 5, 1_800_000_000L, null, null, null,
            Map.of())));
        tx.commit();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean itemServed = false, eventTaken = false;
      while (System.nanoTime() < deadline && !(itemServed && eventTaken)) {
        Thread.sleep(200);
        itemServed = send(server, "GET", "/items/g0new/similar?k=3", KEY).statusCode() == 200;
        JsonNode now = get(server, "/users/u0/recommendations?k=3&diversity=0");
        eventTaken = !now.get("items").get(0).get("item").asText().equals(top);
      }
      assertTrue(itemServed, "the imported item is served");
      assertTrue(eventTaken, "the imported event changed the user's recommendations");
      JsonNode similar = get(server, "/items/g0new/similar?k=3");
      assertFalse(similar.get("items").isEmpty());
    }
  }

  /** With train_every, enough new events retrain the ranker in the background; the new version then serves. */
  @Test
  void trainEveryRetrainsInTheBackgroundAndServesTheNewVersion() throws Exception {
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0).withLifecycle(1, 30))) {
      int before = get(server, "/models").get("versions").size();
      StringBuilder events = new StringBuilder("[");
      for (int e = 0; e < 30; e++) {
        if (e > 0) events.append(',');
        events.append("{\"user\":\"u").append(e).append("\",\"item\":\"g").append(e % GENRES.length)
            .append("i").append(e % PER_GENRE).append("\",\"type\":\"click\",\"timestamp\":1780000000}");
      }
      HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
          + "/events")).header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(events + "]")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());
      awaitModels(server, m -> m.get("versions").size() == before + 1
          && m.get("serving").asText().equals(m.get("versions").get(0).get("version").asText()));
      JsonNode newest = get(server, "/models").get("versions").get(0);
      assertTrue(newest.get("data").get("events").asLong() >= USERS * 8 + 30, newest.toString());
    }
  }

  private static ShiftRecServer start() throws Exception {
    return ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0).withLifecycle(1, 0));
  }

  private static void awaitModels(ShiftRecServer server, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = get(server, "/models");
      if (done.test(last)) return;
      Thread.sleep(200);
    }
    throw new AssertionError("the server did not take the change in: " + last);
  }

  private static JsonNode get(ShiftRecServer server, String path) throws Exception {
    HttpResponse<String> r = send(server, "GET", path, KEY);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> post(ShiftRecServer server, String path, String key) throws Exception {
    return send(server, "POST", path, key);
  }

  private static HttpResponse<String> send(ShiftRecServer server, String method, String path, String key)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
