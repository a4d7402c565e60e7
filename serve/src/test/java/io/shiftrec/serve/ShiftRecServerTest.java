package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.core.Recommendation;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP on an ephemeral port, every answer checked against the OpenAPI document. */
class ShiftRecServerTest {
  private static final String KEY = "test-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path db;
  static ShiftRecServer server;
  static JsonNode openApi;
  /** Documented operations ("GET /users/{id}/profile") the tests called, with the statuses they saw. */
  static final Map<String, Set<Integer>> exercised = new ConcurrentHashMap<>();
  static final Set<String> HTTP_METHODS = Set.of("GET", "PUT", "POST", "PATCH", "DELETE");

  record Response(int status, String contentType, String body, JsonNode json, HttpHeaders headers) {}

  @BeforeAll
  static void start() throws Exception {
    db = TestStore.create(dir);
    server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false, 64 * 1024));
    openApi = JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri("/openapi.json")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static Response call(String method, String path, byte[] body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(java.time.Duration.ofSeconds(60));
    if (key != null) b.header("Authorization", "Bearer " + key);
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    String type = r.headers().firstValue("Content-Type").orElse("");
    JsonNode json = type.contains("json") && !r.body().isEmpty() ? JSON.readTree(r.body()) : null;
    Response response = new Response(r.statusCode(), type, r.body(), json, r.headers());
    checkAgainstOpenApi(method, path, response);
    return response;
  }

  static Response call(String method, String path, String body, String key) throws Exception {
    return call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), key);
  }

  static Response get(String path) throws Exception {
    return call("GET", path, (byte[]) null, null);
  }

  static long embeddings() {
    try (Store store = Stores.openExisting(db.toString())) {
      return store.counts().embeddings();
    }
  }

  static long events() {
    try (Store store = Stores.openExisting(db.toString())) {
      return store.counts().events();
    }
  }

  // ------------------------------------------------------------------------------------------------ the API

  @Test
  void healthMetricsAndOpenApiAnswer() throws Exception {
    assertEquals(200, get("/health").status());
    assertEquals(200, get("/openapi.json").status());
    Response metrics = get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("shiftrec_http_requests_total"), metrics.body());
  }

  /**
   * The registry lists what is saved and switches on activation. The ranker saved here reads the interests alone,
   * so it orders items as the server did without it and the other tests are unaffected by the order they run in.
   */
  @Test
  void theModelRegistryListsAndActivatesVersions() throws Exception {
    Response none = call("GET", "/models", (byte[]) null, KEY);
    assertEquals(200, none.status(), none.body());
    Response before = get("/users/ann/recommendations?k=2"); // answered, and the answer kept
    assertEquals(200, before.status(), before.body());
    long saved;
    try (Store store = Stores.openExisting(db.toString())) {
      String[] ids = store.items().stream().map(io.shiftrec.core.Item::id).toArray(String[]::new);
      int n = ids.length;
      RankerArtifact interestsAlone = new RankerArtifact(new String[] {"shiftrec"}, new double[] {1}, 5, 0, false,
          ids, 1, 1f, 1f, new float[n], ItemGraph.empty(n), ItemGraph.empty(n), new int[n], "", null);
      saved = store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), interestsAlone.toBytes());
    }
    Response activated = call("POST", "/models/" + saved + "/activate", (byte[]) null, KEY);
    assertEquals(200, activated.status(), activated.body());
    assertEquals(Long.toString(saved), activated.json().get("active").asText());
    assertEquals(Long.toString(saved), activated.json().get("serving").asText());
    Response listed = call("GET", "/models", (byte[]) null, KEY);
    assertTrue(listed.json().get("versions").get(0).get("serving").asBoolean(), listed.body());
    // the same space as before, so the user's interests stay; the answer kept from the old model does not
    assertEquals("shiftrec-learned v" + saved, get("/users/ann/recommendations?k=2").json().get("model").asText());
    assertEquals(401, call("POST", "/models/" + saved + "/activate", (byte[]) null, null).status());
    assertEquals(404, call("POST", "/models/0/activate", (byte[]) null, KEY).status());
  }

  @Test
  void writesNeedTheKey() throws Exception {
    String event = "[{\"user\":\"ann\",\"item\":\"aliens\",\"type\":\"view\",\"timestamp\":2000}]";
    Response none = call("POST", "/events", event, null);
    assertEquals(401, none.status());
    assertProblem(none);
    Response wrong = call("POST", "/events", event, "not-the-key");
    assertEquals(403, wrong.status());
    assertProblem(wrong);
    assertEquals(401, call("DELETE", "/users/ann", (byte[]) null, null).status());
    assertEquals(403, call("POST", "/items", "[]", "nope").status());
  }

  @Test
  void personalDataNeedsTheKeyEvenWithOpenReadsAndIsNeverCached() throws Exception {
    assertEquals(200, get("/users/ann/recommendations").status(), "this server opens reads");
    for (String path : List.of("/users/ann/profile", "/users/ann/export")) {
      Response none = get(path);
      assertEquals(401, none.status(), path);
      assertProblem(none);
      HttpResponse<String> keyed = HTTP.send(HttpRequest.newBuilder(uri(path))
          .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, keyed.statusCode(), path);
      assertEquals("no-store", keyed.headers().firstValue("Cache-Control").orElse(null), path);
    }
  }

  @Test
  void badInputIsRejectedAsProblemsNamingTheFieldAndWritesNothing() throws Exception {
    long before = events();
    Response wrongType = call("POST", "/events", "[{\"user\":\"ann\",\"item\":\"aliens\",\"type\":\"view\","
        + "\"timestamp\":2001},{\"user\":\"ann\",\"item\":\"predator\",\"type\":\"rating\",\"value\":\"five\","
        + "\"timestamp\":2002}]", KEY);
    assertEquals(400, wrongType.status());
    assertProblem(wrongType);
    assertTrue(wrongType.json().get("detail").asText().startsWith("events[1]: field 'value'"), wrongType.body());
    assertEquals(1, wrongType.json().get("errors").get(0).get("index").asInt());
    assertEquals(before, events(), "a batch with a bad row writes nothing");

    Response unknownItem = call("POST", "/events", "[{\"user\":\"ann\",\"item\":\"nope\",\"type\":\"view\","
        + "\"timestamp\":2001}]", KEY);
    assertEquals(400, unknownItem.status());
    assertTrue(unknownItem.json().get("detail").asText().contains("unknown item 'nope'"), unknownItem.body());

    byte[] brokenUtf8 = {'[', '{', '"', 'u', 's', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'};
    Response broken = call("POST", "/events", brokenUtf8, KEY);
    assertEquals(400, broken.status());
    assertTrue(broken.json().get("detail").asText().contains("UTF-8"), broken.body());

    Response malformed = call("POST", "/items", "[{\"id\":", KEY);
    assertEquals(400, malformed.status());
    assertTrue(malformed.json().get("detail").asText().startsWith("malformed JSON"), malformed.body());
    assertEquals(400, call("POST", "/items", "{\"id\":\"x\"}", KEY).status());
    Response missingTitle = call("POST", "/items", "[{\"id\":\"x\",\"domain\":\"movies\"}]", KEY);
    assertTrue(missingTitle.json().get("detail").asText().contains("'title'"), missingTitle.body());

    Response tooLarge = call("POST", "/events", "[" + " ".repeat(70 * 1024) + "]", KEY);
    assertEquals(413, tooLarge.status());
    assertProblem(tooLarge);

    Response badK = get("/users/ann/recommendations?k=zero");
    assertEquals(400, badK.status());
    assertEquals("k", badK.json().get("parameter").asText());
    assertEquals(400, get("/users/ann/recommendations?diversity=2").status());
    assertEquals(400, get("/users/ann/recommendations?domain=books").status());
    Response onboardingType = call("POST", "/onboarding", "{\"text\":42}", (String) null);
    assertEquals("text", onboardingType.json().get("parameter").asText());
    assertEquals(before, events());
  }

  @Test
  void unknownIdsAre404sNamingTheId() throws Exception {
    for (String path : List.of("/users/nobody/profile", "/users/nobody/export", "/users/nobody", "/items/nobody")) {
      Response r = call("GET", path, (byte[]) null, KEY);
      assertEquals(404, r.status(), path);
      assertProblem(r);
      assertTrue(r.json().get("detail").asText().contains("'nobody'"), r.body());
    }
    Response item = get("/items/nothing/similar");
    assertEquals(404, item.status());
    assertEquals("nothing", item.json().get("item").asText());
    assertEquals(404, call("DELETE", "/users/nobody", (byte[]) null, KEY).status());
    assertEquals(404, call("DELETE", "/items/nothing", (byte[]) null, KEY).status());
    assertEquals(404, call("PATCH", "/items/nothing", "{\"hidden\":true}", KEY).status());
    Response route = get("/no/such/route");
    assertEquals(404, route.status());
    assertProblem(route);
  }

  @Test
  void recommendationsProfileSimilarAndOnboarding() throws Exception {
    Response recs = get("/users/ann/recommendations?k=2&domain=movies&explain=true");
    assertEquals(200, recs.status());
    assertEquals("aliens", recs.json().get("items").get(0).get("item").asText(), recs.body());
    assertTrue(recs.json().get("items").get(0).get("reason").asText().contains("Alien (1979)"), recs.body());
    Response profile = call("GET", "/users/ann/profile", (byte[]) null, KEY);
    assertEquals(200, profile.status());
    assertEquals(2, profile.json().get("events").asInt());
    Response similar = get("/items/alien/similar?k=2");
    assertEquals(200, similar.status());
    assertEquals("aliens", similar.json().get("items").get(0).get("item").asText(), similar.body());
    Response onboarding = call("POST", "/onboarding", "{\"text\":\"romantic comedies set in London\",\"k\":2}",
        (String) null);
    assertEquals(200, onboarding.status());
    String first = onboarding.json().get("items").get(0).get("item").asText();
    assertTrue(Set.of("notting", "love").contains(first), onboarding.body());
    assertEquals("bge-small-en-v1.5", onboarding.json().get("model").asText());

    // the same taste in Chinese, on this English catalogue: read by the Chinese model, carried into the English space
    Response chinese = call("POST", "/onboarding", "{\"text\":\"我喜欢发生在伦敦的浪漫喜剧\",\"k\":2}", (String) null);
    assertEquals(200, chinese.status());
    assertEquals("bge-small-zh-v1.5", chinese.json().get("model").asText(), chinese.body());
    assertEquals("bge-small-en-v1.5", chinese.json().get("space").asText(), chinese.body());
    assertTrue(Set.of("notting", "love").contains(chinese.json().get("items").get(0).get("item").asText()),
        chinese.body());

    // a language the bundled models do not read is refused by name, never answered with a guess
    Response japanese = call("POST", "/onboarding", "{\"text\":\"ロンドンが舞台のラブコメが好きです\"}", (String) null);
    assertEquals(422, japanese.status(), japanese.body());
    assertEquals("urn:shiftrec:problem:unsupported-language", japanese.json().get("type").asText());
    assertEquals("Japanese", japanese.json().get("language").asText());
    Response korean = get("/users/nobody-yet/recommendations?text="
        + java.net.URLEncoder.encode("런던 배경의 로맨틱 코미디를 좋아해요", java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(422, korean.status(), korean.body());
    assertEquals("Korean", korean.json().get("language").asText());
  }

  @Test
  void upsertedItemsAreEncodedAndRecommendableAtOnce() throws Exception {
    Response written = call("POST", "/items", "[{\"id\":\"wok\",\"domain\":\"kitchen\",\"title\":\"Carbon Steel Wok\","
        + "\"text\":\"A wok for stir-frying vegetables at high heat.\"}]", KEY);
    assertEquals(200, written.status(), written.body());
    Response similar = get("/items/wok/similar?k=2&domain=kitchen");
    assertEquals(200, similar.status());
    assertEquals(2, similar.json().get("items").size(), similar.body());

    // a Chinese item upserted into this English catalogue joins its one space, as a rebuild from the store places it
    Response chinese = call("POST", "/items", "[{\"id\":\"guo\",\"domain\":\"kitchen\",\"title\":\"碳钢炒锅\","
        + "\"text\":\"一口用于大火爆炒蔬菜的炒锅。\"}]", KEY);
    assertEquals(200, chinese.status(), chinese.body());
    Response across = get("/items/guo/similar?k=1&domain=kitchen");
    assertEquals(200, across.status(), across.body());
    assertEquals("wok", across.json().get("items").get(0).get("item").asText(), across.body());
    Response stated = call("POST", "/onboarding", "{\"text\":\"我想要一口炒锅\",\"k\":1}", (String) null);
    assertEquals("bge-small-en-v1.5", stated.json().get("space").asText(), stated.body());
  }

  @Test
  void anEventChangesTheUsersNextRecommendation() throws Exception {
    String before = get("/users/eve/recommendations?k=3").json().get("items").toString();
    Response posted = call("POST", "/events", "[{\"user\":\"eve\",\"item\":\"alien\",\"type\":\"rating\",\"value\":5,"
        + "\"timestamp\":1100},{\"user\":\"eve\",\"item\":\"predator\",\"type\":\"rating\",\"value\":5,"
        + "\"timestamp\":1101}]", KEY);
    assertEquals(200, posted.status(), posted.body());
    assertEquals(2, posted.json().get("stored").asInt());
    String after = get("/users/eve/recommendations?k=3").json().get("items").toString();
    assertNotEquals(before, after);
    assertTrue(after.contains("\"aliens\""), after);
  }

  /** What a recommender built afresh from the store answers for the user: the server must agree exactly. */
  static List<String> rebuilt(String user) {
    try (Store store = Stores.openExisting(db.toString())) {
      // as the server ranks: by the registry's active ranker when there is one (another test activates one)
      InterestRecommender recommender = InterestRecommender.withDefaults(StoreEncoding.catalog(store, Progress.NONE),
          LearnedRanking.Trained.active(store, refused -> { }));
      List<Event> history = store.eventsOf(user);
      var interests = recommender.interests(history,
          StoreEncoding.behaviourText(store, recommender.catalog(), history, Progress.NONE));
      List<String> out = new ArrayList<>();
      for (Recommendation r : recommender.recommend(interests, 4, null, true, 0.2)) {
        out.add(r.item().id() + " " + (float) r.score() + " " + (r.reason() == null ? "" : r.reason()));
      }
      return out;
    }
  }

  static List<String> served(String user) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode n : get("/users/" + user + "/recommendations?k=4&explain=true").json().get("items")) {
      out.add(n.get("item").asText() + " " + n.get("score").floatValue() + " " + n.path("reason").asText());
    }
    return out;
  }

  @Test
  void eventsUpdateTheUsersInterestsInPlaceAsARebuildWould() throws Exception {
    String ivy = "[{\"user\":\"ivy\",\"item\":\"alien\",\"type\":\"rating\",\"value\":5,\"timestamp\":2000},"
        + "{\"user\":\"ivy\",\"item\":\"notting\",\"type\":\"review\",\"value\":5,\"timestamp\":2001,"
        + "\"text\":\"a warm romantic comedy in London\"}]";
    assertEquals(200, call("POST", "/events", ivy, KEY).status());
    assertEquals(rebuilt("ivy"), served("ivy")); // built from the store, then kept
    assertEquals(200, call("POST", "/events", "[{\"user\":\"ivy\",\"item\":\"pride\",\"type\":\"rating\","
        + "\"value\":4,\"timestamp\":2002},{\"user\":\"ivy\",\"type\":\"search\",\"timestamp\":2003,"
        + "\"text\":\"cast iron cookware\"}]", KEY).status());
    assertEquals(rebuilt("ivy"), served("ivy")); // updated in place
    assertEquals(200, call("POST", "/events", "[{\"user\":\"ivy\",\"item\":\"knife\",\"type\":\"purchase\","
        + "\"timestamp\":1500}]", KEY).status());
    assertEquals(rebuilt("ivy"), served("ivy")); // out of clock order: rebuilt
  }

  @Test
  void aContextServesTheInterestsShownInThatScenario() throws Exception {
    assertEquals(200, call("POST", "/events", "[{\"user\":\"zed\",\"item\":\"alien\",\"type\":\"rating\",\"value\":5,"
        + "\"timestamp\":3000,\"context\":{\"device\":\"tv\"}},{\"user\":\"zed\",\"item\":\"notting\","
        + "\"type\":\"rating\",\"value\":5,\"timestamp\":3001,\"context\":{\"device\":\"phone\"}}]", KEY).status());
    String tv = get("/users/zed/recommendations?k=2&domain=movies&context%5Bdevice%5D=tv").json().get("items").toString();
    String phone = get("/users/zed/recommendations?k=2&domain=movies&context[device]=phone").json().get("items")
        .toString();
    assertTrue(tv.contains("\"aliens\"") && tv.contains("\"predator\""), tv);
    assertTrue(phone.contains("\"love\"") && phone.contains("\"pride\""), phone);
    String unseen = get("/users/zed/recommendations?k=2&domain=movies&context[device]=radio").json().get("items")
        .toString();
    assertEquals(get("/users/zed/recommendations?k=2&domain=movies").json().get("items").toString(), unseen,
        "a scenario the user was never in falls back to all their interests");
    assertFalse(tv.contains("\"alien\"") || phone.contains("\"alien\""), "seen items stay out in every scenario");
    Response bad = get("/users/zed/recommendations?context=tv");
    assertEquals(400, bad.status());
    assertTrue(bad.json().get("detail").asText().contains("context"), bad.body());
    // a key no request can match on purpose is refused, not ignored
    Response unknownKey = get("/users/zed/recommendations?context[colour]=red");
    assertEquals(400, unknownKey.status());
    assertTrue(unknownKey.contentType().startsWith("application/problem+json"), unknownKey.contentType());
    assertTrue(unknownKey.json().get("detail").asText().contains("unknown context key 'colour'"), unknownKey.body());
    Response badHour = get("/users/zed/recommendations?context[hour]=25");
    assertEquals(400, badHour.status());
    assertTrue(badHour.json().get("detail").asText().contains("is not an hour of the day"), badHour.body());
  }

  @Test
  void deletingAUserRemovesEveryTrace() throws Exception {
    long vectorsBefore = embeddings();
    assertEquals(200, call("POST", "/events", "[{\"user\":\"gone\",\"item\":\"pan\",\"type\":\"review\","
        + "\"value\":5,\"timestamp\":1002,\"text\":\"seasoned it twice, now nothing sticks\"}]", KEY).status());
    assertEquals(200, get("/users/gone/recommendations?explain=true").status());
    assertEquals(vectorsBefore + 1, embeddings(), "the review's vector is cached");
    assertEquals(3, call("GET", "/users/gone/export", (byte[]) null, KEY).json().get("events").size());
    long before = events();
    assertEquals(204, call("DELETE", "/users/gone", (byte[]) null, KEY).status());
    assertEquals(404, call("GET", "/users/gone/export", (byte[]) null, KEY).status());
    assertEquals(404, call("GET", "/users/gone", (byte[]) null, KEY).status());
    assertEquals("fallback", get("/users/gone/recommendations").json().get("model").asText(), "a stranger now");
    assertEquals(before - 3, events());
    assertEquals(vectorsBefore, embeddings(), "the review's vector went with the user");
    try (Store store = Stores.openExisting(db.toString())) {
      assertTrue(store.user("gone").isEmpty());
    }
  }

  @Test
  void concurrentWritersAndReadersAllSucceedAndEveryEventIsStored() throws Exception {
    long before = events();
    int writers = 4, batches = 10, perBatch = 5, readers = 4, reads = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String user = "writer" + w;
      results.add(pool.submit(() -> {
        List<Integer> statuses = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          StringBuilder body = new StringBuilder("[");
          for (int e = 0; e < perBatch; e++) {
            if (e > 0) body.append(',');
            body.append("{\"user\":\"").append(user).append("\",\"item\":\"").append(e % 2 == 0 ? "alien" : "love")
                .append("\",\"type\":\"click\",\"timestamp\":").append(10_000 + b * perBatch + e).append('}');
          }
          statuses.add(call("POST", "/events", body.append(']').toString(), KEY).status());
        }
        return statuses;
      }));
    }
    for (int r = 0; r < readers; r++) {
      results.add(pool.submit(() -> {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < reads; i++) statuses.add(get("/users/bob/recommendations?k=3").status());
        return statuses;
      }));
    }
    for (Future<List<Integer>> f : results) {
      for (int status : f.get(120, TimeUnit.SECONDS)) assertEquals(200, status);
    }
    pool.shutdown();
    assertEquals(before + (long) writers * batches * perBatch, events());
  }

  @Test
  void anAcknowledgedEventSurvivesKill9() throws Exception {
    Path copy = TestStore.create(dir.resolve("durable"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        ServerProcess.class.getName(), copy.toString(), KEY).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      int port = -1;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("port ")) {
          port = Integer.parseInt(line.substring(5).trim());
          break;
        }
      }
      if (port < 0) fail("the server process ended without listening");
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
          .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("[{\"user\":\"durable\",\"item\":\"alien\",\"type\":\"view\","
              + "\"timestamp\":5000},{\"user\":\"durable\",\"item\":\"pan\",\"type\":\"cart\",\"timestamp\":5001}]"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertFalse(process.isAlive());
    try (Store store = Stores.openExisting(copy.toString())) {
      assertEquals(2, store.eventsOf("durable").size());
    }
  }

  // ------------------------------------------------------------------------------------------------ items and users

  @Test
  void anItemCanBeReadListedReplacedPatchedAndDeleted() throws Exception {
    Response alien = get("/items/alien");
    assertEquals(200, alien.status(), alien.body());
    assertEquals("Alien (1979)", alien.json().get("title").asText());
    assertFalse(alien.json().get("hidden").asBoolean());
    assertTrue(alien.json().has("created_at"), alien.body());

    String start = java.time.Instant.now().minusMillis(1).toString();
    Response put = call("PUT", "/items/kettle", "{\"domain\":\"kitchen\",\"title\":\"Electric Kettle\","
        + "\"text\":\"A kettle that boils water for tea in two minutes.\",\"attributes\":{\"price\":25}}", KEY);
    assertEquals(200, put.status(), put.body());
    assertEquals("kettle", put.json().get("id").asText());
    assertTrue(ids(get("/items/pan/similar?k=10")).contains("kettle"), "a put item is similar at once");
    assertEquals(List.of("kettle"), ids(get("/users/ann/recommendations?k=10&filter="
        + encode("created_at >= \"" + start + "\""))), "only what was stored since");
    assertEquals("kettle", ids(get("/users/ann/recommendations?k=1&boost=" + encode("5:updated_at >= \"" + start + "\"")))
        .get(0), "newer items lifted");
    Response wrongId = call("PUT", "/items/kettle", "{\"id\":\"pot\",\"domain\":\"kitchen\",\"title\":\"Pot\"}", KEY);
    assertEquals(400, wrongId.status());
    assertEquals("id", wrongId.json().get("parameter").asText());
    Response noTitle = call("PUT", "/items/pot", "{\"domain\":\"kitchen\"}", KEY);
    assertEquals(400, noTitle.status(), noTitle.body());
    assertTrue(noTitle.json().get("detail").asText().contains("title"), noTitle.body());
    assertEquals(404, get("/items/pot").status(), "a refused put writes nothing");

    Response patched = call("PATCH", "/items/kettle", "{\"attributes\":{\"price\":30,\"colour\":\"red\"},"
        + "\"text\":null}", KEY);
    assertEquals(200, patched.status(), patched.body());
    assertEquals("Electric Kettle", patched.json().get("title").asText());
    assertEquals(30, patched.json().get("attributes").get("price").asInt());
    assertEquals("red", patched.json().get("attributes").get("colour").asText());
    assertFalse(patched.json().has("text"), patched.body());
    Response badPatch = call("PATCH", "/items/kettle", "{\"hidden\":\"yes\"}", KEY);
    assertEquals(400, badPatch.status());
    assertEquals("hidden", badPatch.json().get("parameter").asText());
    assertEquals(400, call("PATCH", "/items/kettle", "{\"colour\":\"red\"}", KEY).status(), "unknown field");

    assertEquals(200, call("POST", "/events", "[{\"user\":\"tea\",\"item\":\"kettle\",\"type\":\"purchase\","
        + "\"timestamp\":1000},{\"user\":\"tea\",\"item\":\"pan\",\"type\":\"view\",\"timestamp\":1001}]", KEY).status());
    assertEquals(2, call("GET", "/users/tea", (byte[]) null, KEY).json().get("events").asInt());
    long embeddingsBefore = embeddings();
    assertEquals(204, call("DELETE", "/items/kettle", (byte[]) null, KEY).status());
    assertEquals(1, call("GET", "/users/tea", (byte[]) null, KEY).json().get("events").asInt(), "its events went too");
    assertFalse(call("GET", "/users/tea/export", (byte[]) null, KEY).body().contains("kettle"));
    assertFalse(ids(get("/users/tea/recommendations?k=10")).contains("kettle"));
    assertEquals(404, get("/items/kettle").status());
    assertFalse(ids(get("/items/pan/similar?k=10")).contains("kettle"), "a deleted item is similar no more");
    assertTrue(embeddings() < embeddingsBefore, "its text vector is gone");
    assertEquals(404, call("DELETE", "/items/kettle", (byte[]) null, KEY).status());
  }

  @Test
  void itemListsPageByCursorAndFilter() throws Exception {
    List<String> all = new ArrayList<>();
    String cursor = "";
    do {
      Response page = get("/items?limit=3&cursor=" + cursor);
      assertEquals(200, page.status(), page.body());
      assertTrue(page.json().get("data").size() <= 3);
      for (JsonNode item : page.json().get("data")) all.add(item.get("id").asText());
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
    } while (cursor != null);
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(null);
    assertEquals(sorted, all, "id order");
    assertTrue(all.containsAll(List.of("alien", "aliens", "knife", "pan", "pride")), all.toString());
    assertEquals(all.size(), Set.copyOf(all).size(), "no item twice");
    for (JsonNode item : get("/items?domain=kitchen&limit=100").json().get("data")) {
      assertEquals("kitchen", item.get("domain").asText());
    }
    assertEquals(0, get("/items?updated_since=2999-01-01T00:00:00Z").json().get("data").size());
    assertEquals(400, get("/items?cursor=!!!").status());
    assertEquals(400, get("/items?limit=0").status());
    assertEquals(400, get("/items?updated_since=yesterday").status());
  }

  @Test
  void aHiddenItemIsNeverRecommendedButKeepsItsHistory() throws Exception {
    assertEquals("aliens", ids(get("/users/ann/recommendations?k=2&domain=movies")).get(0));
    Response hidden = call("PATCH", "/items/aliens", "{\"hidden\":true}", KEY);
    assertEquals(200, hidden.status(), hidden.body());
    assertTrue(hidden.json().get("hidden").asBoolean());
    try {
      assertFalse(ids(get("/users/ann/recommendations?k=5&domain=movies")).contains("aliens"));
      assertFalse(ids(get("/items/alien/similar?k=10")).contains("aliens"));
      assertFalse(ids(get("/users/stranger/recommendations?k=10")).contains("aliens"));
      assertTrue(get("/items/aliens").json().get("hidden").asBoolean());
    } finally {
      assertEquals(200, call("PATCH", "/items/aliens", "{\"hidden\":false}", KEY).status());
    }
    assertEquals("aliens", ids(get("/users/ann/recommendations?k=2&domain=movies")).get(0), "shown again");
  }

  @Test
  void usersCanBeReadListedAndGivenAttributes() throws Exception {
    Response ann = call("GET", "/users/ann", (byte[]) null, KEY);
    assertEquals(200, ann.status(), ann.body());
    assertEquals(2, ann.json().get("events").asInt());
    assertEquals(401, get("/users/ann").status(), "a user's data needs the key");
    Response put = call("PUT", "/users/newcomer", "{\"attributes\":{\"age\":31,\"city\":\"Leeds\"}}", KEY);
    assertEquals(200, put.status(), put.body());
    assertEquals(31, put.json().get("attributes").get("age").asInt());
    assertEquals(0, put.json().get("events").asInt());
    assertEquals(400, call("PUT", "/users/newcomer", "{\"attributes\":[1]}", KEY).status());
    List<String> all = new ArrayList<>();
    String cursor = "";
    do {
      Response page = call("GET", "/users?limit=2&cursor=" + cursor, (byte[]) null, KEY);
      assertEquals(200, page.status(), page.body());
      for (JsonNode user : page.json().get("data")) all.add(user.get("id").asText());
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
    } while (cursor != null);
    assertTrue(all.containsAll(List.of("ann", "bob", "eve", "newcomer")), all.toString());
  }

  // ------------------------------------------------------------------------------------------------ keys

  @Test
  void keysHaveScopesAndAreMadeListedAndRevokedByAnAdminKey() throws Exception {
    Response made = call("POST", "/keys", "{\"scope\":\"read\",\"label\":\"web page\"}", KEY);
    assertEquals(201, made.status(), made.body());
    String read = made.json().get("key").asText();
    String readId = made.json().get("id").asText();
    String write = call("POST", "/keys", "{\"scope\":\"write\"}", KEY).json().get("key").asText();

    assertEquals(200, call("GET", "/users/ann/recommendations", (byte[]) null, read).status());
    Response narrow = call("POST", "/events", "[]", read);
    assertEquals(403, narrow.status());
    assertEquals("urn:shiftrec:problem:insufficient-scope", narrow.json().get("type").asText());
    assertEquals("write", narrow.json().get("needs").asText());
    assertEquals(403, call("GET", "/users/ann/profile", (byte[]) null, read).status(), "personal data needs write");
    assertEquals(200, call("POST", "/events", "[]", write).status());
    assertEquals(200, call("GET", "/users/ann/profile", (byte[]) null, write).status());
    assertEquals(403, call("POST", "/keys", "{\"scope\":\"admin\"}", write).status(), "a write key makes no keys");
    assertEquals(403, call("POST", "/models/1/activate", (byte[]) null, write).status(), "nor activates models");

    Response list = call("GET", "/keys", (byte[]) null, KEY);
    assertEquals(200, list.status(), list.body());
    assertFalse(list.body().contains(read) || list.body().contains(write) || list.body().contains(KEY),
        "no key is ever shown again");
    JsonNode settings = list.json().get("keys").get(0);
    assertEquals("settings", settings.get("source").asText());
    assertEquals("admin", settings.get("scope").asText());
    assertEquals(422, call("DELETE", "/keys/" + settings.get("id").asText(), (byte[]) null, KEY).status());

    assertEquals(204, call("DELETE", "/keys/" + readId, (byte[]) null, KEY).status());
    assertEquals(403, call("GET", "/users/ann/profile", (byte[]) null, read).status(), "revoked");
    assertEquals(404, call("DELETE", "/keys/" + readId, (byte[]) null, KEY).status());
    assertEquals("scope", call("POST", "/keys", "{\"scope\":\"root\"}", KEY).json().get("parameter").asText());
  }

  // ------------------------------------------------------------------------------------------------ apps

  @Test
  void appsKeepTheirDataModelsAndKeysApart() throws Exception {
    ShiftRecServer other = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false, 64 * 1024, 0)
        .withLifecycle(1, 0)); // a second server on the same store and apps folder
    Response made = call("POST", "/apps", "{\"name\":\"shop\"}", KEY);
    assertEquals(201, made.status(), made.body());
    String shopKey = made.json().get("key").get("key").asText();
    try {
      assertEquals(200, awaitStatus(other, "/apps/shop/models", shopKey, 200), "the other server serves the new app");
      assertEquals(409, call("POST", "/apps", "{\"name\":\"shop\"}", KEY).status());
      assertEquals("name", call("POST", "/apps", "{\"name\":\"Shop!\"}", KEY).json().get("parameter").asText());
      assertTrue(call("GET", "/apps", (byte[]) null, KEY).json().get("apps").toString().contains("shop"));

      Response written = call("POST", "/apps/shop/items", "[{\"id\":\"teapot\",\"domain\":\"kitchen\","
          + "\"title\":\"Teapot\",\"text\":\"A porcelain teapot for loose-leaf tea.\"},{\"id\":\"cups\","
          + "\"domain\":\"kitchen\",\"title\":\"Tea Cups\",\"text\":\"Six porcelain cups for tea.\"}]", shopKey);
      assertEquals(200, written.status(), written.body());
      assertEquals(200, call("POST", "/apps/shop/events", "[{\"user\":\"ann\",\"item\":\"teapot\","
          + "\"type\":\"purchase\",\"timestamp\":1000}]", shopKey).status());
      assertEquals(List.of("cups"), ids(call("GET", "/apps/shop/users/ann/recommendations", (byte[]) null, shopKey)));
      assertEquals(List.of("teapot", "cups"), ids(call("GET", "/apps/shop/users/stranger/recommendations", (byte[]) null,
          shopKey)), "a new app's newcomers get what was taken, then what is new, at once");
      assertEquals(1, call("GET", "/apps/shop/users/ann", (byte[]) null, shopKey).json().get("events").asInt());
      assertEquals(2, call("GET", "/users/ann", (byte[]) null, KEY).json().get("events").asInt(), "the default ann");
      assertEquals(404, get("/items/teapot").status(), "the shop's items are not the default app's");
      assertEquals(404, call("GET", "/apps/shop/items/alien", (byte[]) null, shopKey).status());
      assertEquals(200, get("/apps/default/items/alien").status(), "default names the default app");

      assertEquals(403, call("POST", "/apps/shop/events", "[]", KEY).status(), "the default app's key is not the shop's");
      assertEquals(403, call("POST", "/events", "[]", shopKey).status(), "nor the shop's key the default app's");
      assertEquals(403, call("GET", "/apps", (byte[]) null, shopKey).status(), "apps are the default app's admin's");
      JsonNode models = call("GET", "/apps/shop/models", (byte[]) null, shopKey).json();
      assertEquals(0, models.get("versions").size(), "no model trained in the shop");
      assertEquals(404, call("POST", "/apps/shop/models/1/activate", (byte[]) null, shopKey).status());
      Response unknown = call("GET", "/apps/nowhere/items/alien", (byte[]) null, KEY);
      assertEquals(404, unknown.status());
      assertEquals("nowhere", unknown.json().get("app").asText());
    } finally {
      assertEquals(204, call("DELETE", "/apps/shop", (byte[]) null, KEY).status());
    }
    assertEquals(404, call("GET", "/apps/shop/health", (byte[]) null, shopKey).status());
    assertFalse(java.nio.file.Files.exists(db.resolveSibling("serve-apps").resolve("shop.db")), "its store is gone");
    assertEquals(404, call("DELETE", "/apps/shop", (byte[]) null, KEY).status());
    try {
      assertEquals(404, awaitStatus(other, "/apps/shop/models", shopKey, 404), "and the other server drops it");
    } finally {
      other.close();
    }
  }

  /** The status {@code server} answers for {@code path}, once it is {@code wanted} or after 10 s. */
  static int awaitStatus(ShiftRecServer server, String path, String key, int wanted) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int status;
    do {
      status = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
          .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status != wanted) Thread.sleep(100);
    } while (status != wanted && System.nanoTime() < deadline);
    return status;
  }

  // ------------------------------------------------------------------------------------------------ requests

  @Test
  void aRequestExcludesFiltersBoostsAndPages() throws Exception {
    String base = "/users/ann/recommendations?diversity=0&k=";
    List<String> top = ids(get(base + "3"));
    assertEquals(3, top.size());
    assertFalse(ids(get(base + "3&exclude=" + top.get(0))).contains(top.get(0)));
    assertEquals(top.subList(1, 3), ids(get(base + "2&offset=1")), "a page is a slice of the same list");
    for (JsonNode item : get(base + "5&filter=" + encode("domain = \"kitchen\"")).json().get("items")) {
      assertEquals("kitchen", item.get("domain").asText());
    }
    List<String> boosted = ids(get(base + "1&boost=" + encode("5:domain = \"kitchen\"")));
    assertTrue(Set.of("knife", "pan").contains(boosted.get(0)), boosted.toString());
    Response badFilter = get(base + "3&filter=" + encode("colour = \"red\""));
    assertEquals(400, badFilter.status());
    assertEquals("filter", badFilter.json().get("parameter").asText());
    assertTrue(badFilter.json().get("detail").asText().contains("colour"), badFilter.body());
    assertEquals("boost", get(base + "3&boost=lots").json().get("parameter").asText());
    assertEquals("offset", get(base + "3&offset=-1").json().get("parameter").asText());
  }

  @Test
  void aUserWithNoHistoryGetsTheFallbackChain() throws Exception {
    Response stranger = get("/users/stranger/recommendations?k=4&explain=true");
    assertEquals(200, stranger.status(), stranger.body());
    assertEquals("fallback", stranger.json().get("model").asText());
    assertEquals(4, stranger.json().get("items").size());
    assertEquals("notting", stranger.json().get("items").get(0).get("item").asText(), "the most taken first");
    assertTrue(stranger.json().get("items").get(0).get("reason").asText().startsWith("Popular"), stranger.body());
    for (JsonNode item : get("/users/stranger/recommendations?k=3&domain=kitchen").json().get("items")) {
      assertEquals("kitchen", item.get("domain").asText());
    }
    Response worded = get("/users/stranger/recommendations?k=2&explain=true&text="
        + encode("romantic comedies set in London"));
    assertEquals(200, worded.status(), worded.body());
    JsonNode first = worded.json().get("items").get(0);
    assertTrue(Set.of("notting", "love", "pride").contains(first.get("item").asText()), worded.body());
    assertEquals("Matches what you wrote", first.get("reason").asText());
    ServeConfig strict = new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false, 64 * 1024, 0, 0, 0, Set.of(),
        ServeConfig.DEFAULT_FOLLOW_SECONDS, 0, false, Map.of(), null);
    try (ShiftRecServer refusing = ShiftRecServer.start(strict)) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + refusing.port()
          + "/users/stranger/recommendations")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, r.statusCode(), "unknown_users=not_found");
    }
  }

  static List<String> ids(Response r) {
    assertEquals(200, r.status(), r.body());
    List<String> ids = new ArrayList<>();
    for (JsonNode item : r.json().get("items")) ids.add(item.get("item").asText());
    return ids;
  }

  static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------------ OpenAPI

  static void assertProblem(Response r) {
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    for (String field : List.of("type", "title", "status", "detail")) assertTrue(r.json().has(field), r.body());
    assertEquals(r.status(), r.json().get("status").asInt());
  }

  /**
   * Every answer must be documented: its path and method, its status, its required headers, and (for JSON) its
   * members, which must be the documented ones with the documented types.
   */
  static void checkAgainstOpenApi(String method, String path, Response r) {
    if (openApi == null) return;
    String bare = path.replaceAll("\\?.*", "");
    boolean inApp = bare.matches("/apps/[^/]+/.+");
    if (inApp) { // the second server of the document: /apps/{app} and the same paths
      if (r.status() == 404 && r.json() != null && r.json().path("type").asText().endsWith(":unknown-app")) return;
      bare = bare.replaceFirst("^/apps/[^/]+", "");
    }
    String template = null;
    for (Iterator<String> it = openApi.get("paths").fieldNames(); it.hasNext(); ) {
      String candidate = it.next();
      JsonNode servers = openApi.get("paths").get(candidate).path("servers");
      if (inApp && servers.size() == 1) continue; // a deployment route: at the root only
      if (bare.matches(candidate.replaceAll("\\{[^}]+}", "[^/]+"))) template = candidate;
    }
    if (template == null) {
      assertEquals(404, r.status(), "undocumented path " + path);
      return;
    }
    JsonNode operation = openApi.get("paths").get(template).get(method.toLowerCase());
    assertTrue(operation != null, "undocumented operation " + method + " " + template);
    JsonNode documented = operation.get("responses").get(Integer.toString(r.status()));
    assertTrue(documented != null, method + " " + template + " answered undocumented status " + r.status());
    documented = resolve(documented);
    exercised.computeIfAbsent(method + " " + template, k -> ConcurrentHashMap.newKeySet()).add(r.status());
    String where = method + " " + template + " " + r.status();
    for (Iterator<Map.Entry<String, JsonNode>> it = documented.path("headers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> h = it.next();
      JsonNode header = resolve(h.getValue());
      if (!header.path("required").asBoolean()) continue;
      String value = r.headers().firstValue(h.getKey()).orElse(null);
      assertTrue(value != null, where + ": no " + h.getKey() + " header");
      JsonNode schema = resolve(header.path("schema"));
      if (schema.path("type").asText().equals("integer")) {
        assertTrue(value.matches("\\d+"), where + ": " + h.getKey() + " is not an integer: " + value);
      } else {
        conforms(schema, JsonNodeFactory.instance.textNode(value), where + " " + h.getKey());
      }
    }
    JsonNode content = documented.get("content");
    if (content == null) return;
    String mediaType = r.contentType().replaceAll(";.*", "").trim();
    assertTrue(content.has(mediaType), where + " answered " + mediaType);
    if (r.json() != null) conforms(content.get(mediaType).get("schema"), r.json(), method + " " + template);
  }

  /** The object a {@code $ref} names, or the node itself. */
  static JsonNode resolve(JsonNode node) {
    for (int i = 0; i < 16 && node.has("$ref"); i++) node = openApi.at(node.get("$ref").asText().substring(1));
    return node;
  }

  /**
   * Whether a value matches a schema: type, required members, no member the schema does not name (unless it allows
   * more with {@code additionalProperties}), enum, and {@code nullable}.
   */
  static void conforms(JsonNode schema, JsonNode value, String where) {
    schema = resolve(schema);
    if (value.isNull() && schema.path("nullable").asBoolean()) return;
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) listed |= allowed.equals(value);
      assertTrue(listed, where + ": " + value + " is none of " + schema.get("enum"));
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        assertTrue(value.isObject(), where + ": expected an object, got " + value);
        for (JsonNode required : schema.path("required")) {
          assertTrue(value.has(required.asText()), where + ": missing required '" + required.asText() + "' in "
              + value);
        }
        JsonNode properties = schema.path("properties");
        JsonNode more = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> m = it.next();
          if (properties.has(m.getKey())) {
            conforms(properties.get(m.getKey()), m.getValue(), where + "." + m.getKey());
          } else if (more.isObject()) {
            conforms(more, m.getValue(), where + "." + m.getKey());
          } else {
            // a schema that names no members (a free-form object) takes any
            assertTrue(properties.isMissingNode() || more.asBoolean(false), where + ": undocumented member '"
                + m.getKey() + "' in " + value);
          }
        }
      }
      case "array" -> {
        assertTrue(value.isArray(), where + ": expected an array, got " + value);
        for (JsonNode element : value) conforms(schema.get("items"), element, where + "[]");
      }
      case "string" -> assertTrue(value.isTextual(), where + ": expected a string, got " + value);
      case "integer" -> assertTrue(value.isIntegralNumber(), where + ": expected an integer, got " + value);
      case "number" -> assertTrue(value.isNumber(), where + ": expected a number, got " + value);
      case "boolean" -> assertTrue(value.isBoolean(), where + ": expected a boolean, got " + value);
      default -> { }
    }
  }

  /** Every example in the document (request bodies, answers, headers) matches the schema it illustrates. */
  @Test
  void theDocumentsExamplesMatchTheirSchemas() {
    List<String> checked = new ArrayList<>();
    examples(openApi, "#", checked);
    assertTrue(checked.size() >= 30, "examples checked: " + checked);
  }

  private static void examples(JsonNode node, String where, List<String> checked) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) examples(node.get(i), where + "/" + i, checked);
      return;
    }
    if (!node.isObject()) return;
    // a media type or a header: a schema with an example or named examples beside it
    if (node.has("schema") && !where.contains("/properties/")) {
      if (node.has("example")) {
        conforms(node.get("schema"), node.get("example"), where + "/example");
        checked.add(where + "/example");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("examples").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode example = resolve(e.getValue());
        assertTrue(example.has("value"), where + "/examples/" + e.getKey() + ": no value");
        conforms(node.get("schema"), example.get("value"), where + "/examples/" + e.getKey());
        checked.add(where + "/examples/" + e.getKey());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> child = it.next();
      if (child.getKey().equals("example") || child.getKey().equals("examples")) continue;
      examples(child.getValue(), where + "/" + child.getKey().replace("~", "~0").replace("/", "~1"), checked);
    }
  }

  /**
   * Each operation asks for the key as its {@code security} says: one that lists only the bearer key refuses a
   * request without it (401) or with a wrong one (403) whatever the configuration; one that also lists the empty
   * requirement answers without the key on a server that opens reads, and refuses it (401) on one that does not;
   * one with no requirement ({@code security: []}) answers without the key everywhere.
   */
  @Test
  void everyOperationAsksForTheKeyAsItsSecuritySays() throws Exception {
    try (ShiftRecServer locked = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, true,
        64 * 1024))) {
      for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields(); paths.hasNext(); ) {
        Map.Entry<String, JsonNode> p = paths.next();
        for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
          Map.Entry<String, JsonNode> o = ops.next();
          String method = o.getKey().toUpperCase();
          if (!HTTP_METHODS.contains(method)) continue; // servers, parameters
          String operation = method + " " + p.getKey();
          JsonNode security = o.getValue().has("security") ? o.getValue().get("security") : openApi.path("security");
          boolean open = security.isEmpty();
          boolean optional = false;
          for (JsonNode requirement : security) optional |= requirement.isEmpty();
          for (JsonNode requirement : security) {
            for (Iterator<String> schemes = requirement.fieldNames(); schemes.hasNext(); ) {
              String scheme = schemes.next();
              assertTrue(openApi.at("/components/securitySchemes/" + scheme).isObject(), operation + ": " + scheme);
            }
          }
          String target = p.getKey().replaceAll("\\{[^}]+}", "nobody");
          int none = call(method, target, (byte[]) null, null).status();
          int wrong = call(method, target, (byte[]) null, "not-the-key-0123456789").status();
          if (open || optional) {
            assertTrue(none != 401 && none != 403, operation + " without the key: " + none);
            assertTrue(wrong != 401 && wrong != 403, operation + " with a wrong key: " + wrong);
          } else {
            assertEquals(401, none, operation + " without the key");
            assertEquals(403, wrong, operation + " with a wrong key");
          }
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + locked.port()
              + target)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
          if (open) {
            assertNotEquals(401, r.statusCode(), operation + " without the key, reads closed");
          } else {
            assertEquals(401, r.statusCode(), operation + " without the key, reads closed");
          }
        }
      }
    }
  }

  @AfterAll
  static void everyDocumentedOperationWasExercised() {
    List<String> missing = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase();
        if (!HTTP_METHODS.contains(method)) continue;
        String operation = method + " " + p.getKey();
        Set<Integer> seen = exercised.get(operation);
        if (seen == null || seen.stream().noneMatch(s -> s < 300)) missing.add(operation);
      }
    }
    assertTrue(missing.isEmpty(), "documented but never answered successfully in the tests: " + missing);
  }
}
