package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a careless or hostile client sends: each gets a 4xx problem naming what is wrong, never a 5xx, never an
 * HTML page, and writes nothing; and values an older version stored never break a user.
 */
class HostileInputTest {
  private static final String KEY = "test-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path db;
  static ShiftRecServer server;

  record Answer(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    db = TestStore.create(dir);
    // An older version stored these: a rating of 1e308 and a timestamp of 1e18, each for a user of its own.
    try (Store store = Stores.openExisting(db.toString()); Store.Transaction tx = store.begin()) {
      tx.insertEvents(List.of(
          new Event("ann", "predator", EventType.RATING, 1e308, 1500L, null, "movies", null, Map.of()),
          new Event("bob", "pride", EventType.VIEW, Double.NaN, 1_000_000_000_000_000_000L, null, "movies", null,
              Map.of())));
      tx.commit();
    }
    server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Answer send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + KEY).timeout(java.time.Duration.ofSeconds(30));
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    Answer a = new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path);
    return a;
  }

  static Answer post(String path, String body) throws Exception {
    return send("POST", path, "application/json", body);
  }

  static void assertProblem(Answer a, int status, String parameter) throws Exception {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType() + ": " + a.body());
    assertEquals(status, a.json().get("status").asInt(), a.body());
    if (parameter != null) assertEquals(parameter, a.json().path("parameter").asText(), a.body());
    assertFalse(a.body().contains("\tat ") || a.body().contains("Exception"), a.body());
  }

  static Store.Counts counts() {
    try (Store store = Stores.openExisting(db.toString())) {
      return store.counts();
    }
  }

  @Test
  void implausibleValuesAre422NamingTheFieldAndWriteNothing() throws Exception {
    Store.Counts before = counts();
    String ok = "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":1500}";
    Map<String, String> cases = Map.of(
        "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"rating\",\"value\":42,\"timestamp\":1500}", "value",
        "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"view\",\"value\":1e308,\"timestamp\":1500}", "value",
        "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":-5}", "timestamp",
        "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":1000000000000000000}", "timestamp",
        "{\"user\":\"newcomer\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":\"2999-01-01\"}", "timestamp",
        "{\"user\":\"" + "u".repeat(257) + "\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":1500}", "user",
        "{\"user\":\"a\\u0000b\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":1500}", "user",
        "{\"user\":\"a\\ud800\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":1500}", "user");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Answer a = post("/events", "[" + ok + "," + c.getKey() + "]");
      assertProblem(a, 422, c.getValue());
      assertEquals(1, a.json().get("errors").get(0).get("index").asInt(), a.body());
    }
    assertProblem(post("/items", "[{\"id\":\"" + "中".repeat(86) + "\",\"domain\":\"movies\",\"title\":\"T\"}]"), 422,
        "id");
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i <= ShiftRecServer.MAX_BATCH_EVENTS; i++) many.append(i == 0 ? "" : ",").append(ok);
    assertProblem(post("/events", many.append(']').toString()), 422, "events");
    assertEquals(before, counts());
    // The longest id is stored, read and erased through its URL.
    String longest = "é".repeat(128);
    assertEquals(200, post("/events", "[{\"user\":\"" + longest + "\",\"item\":\"alien\",\"type\":\"view\","
        + "\"timestamp\":1500}]").status());
    String path = "/users/" + java.net.URLEncoder.encode(longest, StandardCharsets.UTF_8);
    assertEquals(200, send("GET", path + "/export", null, null).status());
    assertEquals(204, send("DELETE", path, null, null).status());
    assertEquals(before, counts());
  }

  @Test
  void jsonBeyondTheParsersLimitsIs400() throws Exception {
    assertProblem(post("/events", "[".repeat(5000) + "]".repeat(5000)), 400, null);
    assertProblem(post("/onboarding", "{\"text\":\"films\",\"k\":" + "9".repeat(1100) + "}"), 400, null);
    assertProblem(post("/events", "[{\"user\":\"x\",\"item\":\"alien\",\"type\":\"view\",\"timestamp\":"
        + "1".repeat(1100) + "}]"), 400, null);
  }

  @Test
  void contentTypesMethodsAndSizesAreRefusedByName() throws Exception {
    assertProblem(send("POST", "/events", null, "[]"), 415, null);
    assertProblem(send("POST", "/events", "application/jsonx", "[]"), 415, null);
    assertProblem(send("POST", "/onboarding", "text/plain", "{\"text\":\"films\"}"), 415, null);
    assertEquals(200, send("POST", "/events", "application/json; charset=utf-8", "[]").status());
    Answer wrongMethod = send("PUT", "/events", "application/json", "[]");
    assertProblem(wrongMethod, 405, null);
    assertEquals("POST, OPTIONS", wrongMethod.raw().headers().firstValue("Allow").orElse(null));
    Answer user = send("POST", "/users/ann", "application/json", "{}");
    assertProblem(user, 405, null);
    assertEquals("GET, PUT, DELETE, OPTIONS", user.raw().headers().firstValue("Allow").orElse(null));
    assertProblem(send("GET", "/no/such/route", null, null), 404, null);
    assertProblem(send("GET", "/users/ann/recommendations?k=101", null, null), 400, "k");
    assertProblem(post("/onboarding", "{\"text\":\"" + "films ".repeat(1000) + "\"}"), 422, "text");
  }

  @Test
  void jettysOwnRefusalsAreProblemsToo() throws Exception {
    assertProblem(send("GET", "/users/" + "x".repeat(20_000) + "/export", null, null), 414, null);
    HttpRequest bigHeader = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
        .header("X-Padding", "p".repeat(20_000)).build();
    HttpResponse<String> r = HTTP.send(bigHeader, HttpResponse.BodyHandlers.ofString());
    assertProblem(new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r), 431,
        null);
    String garbage = raw("GARBAGE\r\n\r\n");
    assertTrue(garbage.startsWith("HTTP/1.1 400 "), garbage);
    assertTrue(garbage.contains("application/problem+json"), garbage);
    String nul = raw("GET /users/a%00b/export HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(nul.startsWith("HTTP/1.1 400 ") && nul.contains("application/problem+json"), nul);
  }

  @Test
  void storedImplausibleValuesAreSkippedNotServedAsErrors() throws Exception {
    for (String user : List.of("ann", "bob")) {
      assertEquals(200, send("GET", "/users/" + user + "/recommendations?k=3", null, null).status(), user);
      assertEquals(200, send("GET", "/users/" + user + "/profile", null, null).status(), user);
    }
    Answer ann = send("GET", "/users/ann/export", null, null);
    assertEquals(2, ann.json().get("events").size(), ann.body()); // the rating of 1e308 is not among them
  }

  /** Writes the bytes and reads the whole answer (the server closes after a malformed request). */
  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while (!answer.toString(StandardCharsets.ISO_8859_1).contains("}") && (n = in.read(buffer)) >= 0) {
        answer.write(buffer, 0, n);
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
