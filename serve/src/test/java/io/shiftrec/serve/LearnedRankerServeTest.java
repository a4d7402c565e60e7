package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.learn.TextAdapter;
import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.core.Recommendation;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.ranker.RankerArtifact;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server ranks with the newest learned ranker saved in its store. */
class LearnedRankerServeTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /**
   * A ranker whose one feature is ItemKNN, with a neighbour list the text cannot guess (Alien → Pride and
   * Prejudice): a user who rated Alien gets the romance first, for the collaborative reason.
   */
  @Test
  void servesTheSavedRanker() throws Exception {
    Path db = TestStore.create(dir);
    saveAlienToPrideRanker(db);
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0))) {
      String base = "http://127.0.0.1:" + server.port();
      assertEquals("shiftrec-learned v1", get(base + "/health").get("model").asText());
      JsonNode answer = get(base + "/users/ann/recommendations?k=1&explain=true");
      assertEquals("shiftrec-learned v1", answer.get("model").asText());
      JsonNode first = answer.get("items").get(0);
      assertEquals("pride", first.get("item").asText());
      assertTrue(first.get("reason").asText().endsWith("(often chosen together)"), first.toString());
    }
  }

  /**
   * With a ranker, the server ranks every user with events ahead of their requests, and an event still reaches the
   * user's next answer at once: it drops what was ranked ahead (the answer cache is off, so the ranked candidates
   * answer).
   */
  @Test
  void usersAreRankedAheadAndAnEventStillReachesTheNextAnswer() throws Exception {
    Path db = TestStore.create(dir);
    saveAlienToPrideRanker(db);
    int withEvents = 0;
    try (Store store = Stores.openExisting(db.toString())) {
      for (io.shiftrec.core.User u : store.users()) if (store.eventCount(u.id()) > 0) withEvents++;
    }
    ServeConfig config = new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0).withUserCache(new ServeConfig.UserCache(100, false, true));
    try (ShiftRecServer server = ShiftRecServer.start(config)) {
      String base = "http://127.0.0.1:" + server.port();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (get(base + "/health").get("ranked_users").asInt() < withEvents && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(withEvents, get(base + "/health").get("ranked_users").asInt());
      assertEquals("pride", get(base + "/users/ann/recommendations?k=1").get("items").get(0).get("item").asText());
      HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/events"))
          .header("Authorization", "Bearer key-0123456789abcdef").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("[{\"user\":\"ann\",\"item\":\"pride\",\"type\":\"rating\","
              + "\"value\":5,\"timestamp\":" + (System.currentTimeMillis() / 1000) + "}]")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());
      for (JsonNode item : get(base + "/users/ann/recommendations?k=5").get("items")) {
        assertTrue(!item.get("item").asText().equals("pride"), "pride is ann's now: " + item);
      }
    }
  }

  /**
   * A user deleted by another process (another server on the same database) is forgotten by this one at its next
   * look at the store, although it kept them ranked ahead: they are answered as a stranger, never from their history.
   */
  @Test
  void aUserDeletedByAnotherProcessIsForgotten() throws Exception {
    Path db = TestStore.create(dir);
    saveAlienToPrideRanker(db);
    ServeConfig config = new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0).withLifecycle(1, 0);
    try (ShiftRecServer server = ShiftRecServer.start(config)) {
      String base = "http://127.0.0.1:" + server.port();
      assertEquals("shiftrec-learned v1", get(base + "/users/ann/recommendations?k=1").get("model").asText());
      try (Store other = Stores.openExisting(db.toString()); Store.Transaction tx = other.begin()) {
        assertTrue(tx.deleteUser("ann"));
        tx.commit();
      }
      long deadline = System.nanoTime() + 20_000_000_000L;
      String model = "";
      while (System.nanoTime() < deadline) {
        model = get(base + "/users/ann/recommendations?k=1&offset=" + (System.nanoTime() % 7)).get("model").asText();
        if (model.equals("fallback")) break;
        Thread.sleep(50);
      }
      assertEquals("fallback", model, "ann was deleted: no recommendations from her history");
    }
  }

  /**
   * A ranker whose one feature is the popularity of the user's group: kitchen people took the pan, film people Pride
   * and Prejudice. The server reads the user's attributes from the store, and ranks them again when they change.
   */
  @Test
  void theUsersGroupReachesTheRankerAndAChangeOfGroupRanksThemAgain() throws Exception {
    Path db = TestStore.create(dir);
    try (Store store = Stores.openExisting(db.toString())) {
      List<Item> items = store.items();
      String[] ids = new String[items.size()];
      for (int i = 0; i < ids.length; i++) ids[i] = items.get(i).id();
      GroupPopularity.Builder groups = GroupPopularity.builder(ids.length, List.of("team"));
      for (int u = 0; u < 20; u++) {
        groups.add(Map.of("team", "kitchen"), List.of(ids).indexOf("pan"));
        groups.add(Map.of("team", "films"), List.of(ids).indexOf("pride"));
      }
      RankerArtifact ranker = new RankerArtifact(new String[] {"group-popularity"}, new double[] {1}, 5, 0, false, ids,
          1, 1f, 1f, new float[ids.length], ItemGraph.empty(ids.length), ItemGraph.empty(ids.length),
          new int[ids.length], "", null, false, null, 0.3, 0, null, groups.build());
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), ranker.toBytes());
    }
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0,
        "key-0123456789abcdef", false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0))) {
      String base = "http://127.0.0.1:" + server.port();
      put(base + "/users/ann", "{\"attributes\":{\"team\":\"kitchen\"}}");
      assertEquals("pan", get(base + "/users/ann/recommendations?k=1").get("items").get(0).get("item").asText());
      put(base + "/users/ann", "{\"attributes\":{\"team\":\"films\"}}");
      assertEquals("pride", get(base + "/users/ann/recommendations?k=1").get("items").get(0).get("item").asText());
    }
  }

  private static void put(String uri, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).PUT(HttpRequest.BodyPublishers
        .ofString(body)).header("Authorization", "Bearer key-0123456789abcdef")
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /**
   * A taste carried across domains says where it came from: a kitchen item recommended for a film rating names the
   * user's films, in both of its forms.
   */
  @Test
  void aReasonFromAnotherDomainSaysWhichOne() throws Exception {
    Path db = TestStore.create(dir);
    saveNeighbourRanker(db, "alien", "knife");
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0,
        "key-0123456789abcdef", false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0))) {
      String base = "http://127.0.0.1:" + server.port();
      JsonNode first = get(base + "/users/ann/recommendations?k=1&explain=true&domain=kitchen").get("items").get(0);
      assertEquals("knife", first.get("item").asText());
      assertEquals("From your movies: because you rated “Alien (1979)” 5★ (often chosen together)",
          first.get("reason").asText());
      JsonNode same = get(base + "/users/ann/recommendations?k=1&explain=true&domain=movies").get("items").get(0);
      assertTrue(!same.get("reason").asText().startsWith("From your"), same.toString());
    }
  }

  /**
   * Saves a ranker whose one feature is ItemKNN, with one neighbour list: Alien → Pride and Prejudice.
   */
  private static void saveAlienToPrideRanker(Path db) {
    saveNeighbourRanker(db, "alien", "pride");
  }

  /** Saves a ranker whose one feature is ItemKNN, with one neighbour list: {@code from} → {@code to}. */
  private static void saveNeighbourRanker(Path db, String fromId, String toId) {
    try (Store store = Stores.openExisting(db.toString())) {
      List<Item> items = store.items();
      String[] ids = new String[items.size()];
      int alien = -1, pride = -1;
      for (int i = 0; i < ids.length; i++) {
        ids[i] = items.get(i).id();
        if (ids[i].equals(fromId)) alien = i;
        if (ids[i].equals(toId)) pride = i;
      }
      int[] offsets = new int[ids.length + 1];
      for (int i = alien + 1; i <= ids.length; i++) offsets[i] = 1;
      RankerArtifact ranker = new RankerArtifact(new String[] {"itemknn"}, new double[] {1}, 5, 0, false, ids, 1, 1f, 1f,
          new float[ids.length], new ItemGraph(offsets, new int[] {pride}, new float[] {0.9f}),
          ItemGraph.empty(ids.length), new int[ids.length], "", null);
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), ranker.toBytes());
    }
  }

  /**
   * A ranker saved with a text adapter (here a random map): the server builds interests, ranks and finds similar
   * items in the adapted space, exactly as the same artefact does offline.
   */
  @Test
  void servesARankerInItsTextAdaptersSpace() throws Exception {
    Path db = TestStore.create(dir);
    Catalog catalog;
    RankerArtifact ranker;
    List<Event> history;
    try (Store store = Stores.openExisting(db.toString())) {
      catalog = StoreEncoding.catalog(store, Progress.NONE);
      int n = catalog.size();
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) ids[i] = catalog.item(i).id();
      Catalog.Space space = catalog.spaces().values().iterator().next();
      int d = space.dimension;
      SplittableRandom random = new SplittableRandom(3);
      float[] wt = new float[d * d];
      for (int j = 0; j < wt.length; j++) wt[j] = (float) random.nextGaussian();
      AdapterArtifact adapter = new AdapterArtifact(List.of(new AdapterArtifact.Part(space.model,
          new TextAdapter(TextAdapter.Config.defaults(), d, wt, new int[0], new float[0]), new String[0], null)));
      ranker = new RankerArtifact(new String[] {ShiftRecModel.ADAPTER}, new double[] {1}, 5, 0, false, ids, 1, 1f,
          1f, new float[n], ItemGraph.empty(n), ItemGraph.empty(n), new int[n], "", adapter);
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), ranker.toBytes());
      history = store.eventsOf("bob");
    }
    InterestRecommender offline = InterestRecommender.withDefaults(catalog,
        LearnedRanking.Trained.of(ranker, "v"));
    List<String> expected = new ArrayList<>();
    for (Recommendation r : offline.recommend(history, 3, null, false, 0)) expected.add(r.item().id());
    Catalog adapted = offline.catalog();
    int alien = adapted.indexOf("alien"), nearest = -1;
    for (int i = 0; i < adapted.size(); i++) {
      if (i != alien && adapted.spaceOf(i) != null
          && (nearest < 0 || adapted.similarity(alien, i) > adapted.similarity(alien, nearest))) {
        nearest = i;
      }
    }
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0))) {
      String base = "http://127.0.0.1:" + server.port();
      List<String> answer = new ArrayList<>();
      for (JsonNode item : get(base + "/users/bob/recommendations?k=3&diversity=0").get("items")) {
        answer.add(item.get("item").asText());
      }
      assertEquals(expected, answer);
      assertEquals(adapted.item(nearest).id(),
          get(base + "/items/alien/similar?k=1").get("items").get(0).get("item").asText());
    }
  }

  private static JsonNode get(String uri) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }
}
