package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reasons rewritten by a language model, against a small in-process server that speaks the OpenAI chat-completions
 * protocol: what it is sent (never the user's own words unless allowed), what it answers, and the templates when it
 * is slow, failing or talking nonsense.
 */
class GeneratedReasonsTest {
  private static final String KEY = "test-key-0123456789";
  private static final String MODEL_KEY = "model-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  HttpServer model;
  /** What the model was sent: each request's body and Authorization header. */
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final List<String> keys = new CopyOnWriteArrayList<>();
  /** How the model answers the facts it is sent: the chat message's content, or null for a 500. */
  volatile Function<List<String>, String> answer;
  volatile long delayMillis;

  @BeforeEach
  void startModel() throws Exception {
    model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    model.createContext("/v1/chat/completions", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      bodies.add(new String(in, StandardCharsets.UTF_8));
      keys.add(exchange.getRequestHeaders().getFirst("Authorization"));
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      JsonNode request = JSON.readTree(in);
      List<String> facts = List.of(JSON.readValue(request.get("messages").get(1).get("content").asText(), String[].class));
      String content = answer.apply(facts);
      byte[] out = content == null ? new byte[0] : JSON.writeValueAsBytes(Map.of("choices",
          List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content)))));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(content == null ? 500 : 200, out.length == 0 ? -1 : out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    model.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a slow answer holds up no other
    model.start();
    answer = facts -> json(facts.stream().map(f -> "✎ " + f).toList());
  }

  @AfterEach
  void stopModel() {
    model.stop(0);
  }

  private ShiftRecServer server(int timeoutMillis, boolean personalText) throws Exception {
    ServeConfig.ReasonModel reasons = new ServeConfig.ReasonModel("http://127.0.0.1:" + model.getAddress().getPort()
        + "/v1/", "tiny-model", MODEL_KEY, timeoutMillis, personalText);
    return ShiftRecServer.start(new ServeConfig(TestStore.create(dir).toString(), "127.0.0.1", 0, KEY, false, 64 * 1024,
        0, 0, 0, Set.of(), ServeConfig.DEFAULT_FOLLOW_SECONDS, 0, true, Map.of(), reasons));
  }

  private static JsonNode get(ShiftRecServer server, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static void post(ShiftRecServer server, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> reasons(JsonNode answer) {
    return answer.get("items").findValuesAsText("reason");
  }

  @Test
  void reasonsAreRewrittenFromTheFactsAndKeptForTheNextAnswer() throws Exception {
    try (ShiftRecServer server = server(2_000, false)) {
      List<String> rewritten = reasons(get(server, "/users/ann/recommendations?k=2&explain=true"));
      assertFalse(rewritten.isEmpty());
      for (String r : rewritten) assertTrue(r.startsWith("✎ Because you rated “Alien (1979)” 5★"), r);
      assertEquals(1, bodies.size());
      assertEquals("Bearer " + MODEL_KEY, keys.get(0));
      JsonNode sent = JSON.readTree(bodies.get(0));
      assertEquals("tiny-model", sent.get("model").asText());
      assertEquals(rewritten, reasons(get(server, "/users/ann/recommendations?k=2&explain=true")));
      assertEquals(1, bodies.size(), "the same reasons again cost no call");
      get(server, "/users/ann/recommendations?k=2");
      assertEquals(1, bodies.size(), "no reasons asked, no call");
      get(server, "/users/ann/recommendations?k=2&explain=true&lang=zh");
      assertTrue(bodies.get(1).contains("Simplified Chinese") && bodies.get(1).contains("因为你给《Alien (1979)》打了5星"),
          bodies.get(1));
    }
  }

  @Test
  void theUsersOwnWordsAreNeverSentUnlessAllowed() throws Exception {
    String review = "[{\"user\":\"zoe\",\"item\":\"notting\",\"type\":\"review\",\"value\":5,\"timestamp\":1000,"
        + "\"text\":\"my secret words about London\"}]";
    try (ShiftRecServer server = server(2_000, false)) {
      post(server, "/events", review);
      List<String> rewritten = reasons(get(server, "/users/zoe/recommendations?k=3&explain=true"));
      assertFalse(rewritten.isEmpty());
      assertFalse(String.join("", bodies).contains("secret words"), "a review's text stays on the server");
      assertTrue(String.join("", bodies).contains("Because you reviewed “Notting Hill (1999)”"), bodies.toString());
    }
    bodies.clear();
    try (ShiftRecServer server = server(2_000, true)) {
      post(server, "/events", review);
      get(server, "/users/zoe/recommendations?k=3&explain=true");
      assertTrue(String.join("", bodies).contains("secret words"), "sent when reasons_personal_text=true");
    }
  }

  @Test
  void aSlowFailingOrNonsensicalModelLeavesTheTemplates() throws Exception {
    try (ShiftRecServer server = server(300, false)) {
      delayMillis = 3_000;
      long start = System.nanoTime();
      List<String> slow = reasons(get(server, "/users/ann/recommendations?k=2&explain=true"));
      assertTrue((System.nanoTime() - start) / 1e6 < 2_500, "the latency budget holds");
      for (String r : slow) assertTrue(r.startsWith("Because you rated"), r);
      delayMillis = 0;
      List<Function<List<String>, String>> failures = List.of(facts -> null, // a 500
          facts -> "Sure! Here are your reasons.", facts -> json(java.util.Collections.nCopies(facts.size() + 1, "one too many")),
          facts -> json(java.util.Collections.nCopies(facts.size(), 42)));
      for (Function<List<String>, String> failure : failures) {
        answer = failure;
        int calls = bodies.size();
        for (String r : reasons(get(server, "/users/ann/recommendations?k=2&explain=true&diversity=0." + calls))) {
          assertTrue(r.startsWith("Because"), r);
        }
        assertEquals(calls + 1, bodies.size(), "the model was asked, and its answer refused");
      }
      answer = facts -> "```json\n" + json(facts.stream().map(f -> "fenced " + f).toList()) + "\n```";
      for (String r : reasons(get(server, "/users/ann/recommendations?k=2&explain=true&diversity=0.5"))) {
        assertTrue(r.startsWith("fenced Because"), r);
      }
    }
  }

  @Test
  void templatesSpeakTheLanguageAskedForAndOthersAreRefused() throws Exception {
    answer = facts -> null;
    try (ShiftRecServer server = server(2_000, false)) {
      for (String r : reasons(get(server, "/users/ann/recommendations?k=2&explain=true&lang=zh"))) {
        assertTrue(r.startsWith("因为你给《Alien (1979)》打了5星"), r);
      }
      for (String r : reasons(get(server, "/users/stranger/recommendations?k=2&explain=true&lang=zh"))) {
        assertEquals("大家都喜欢", r);
      }
      JsonNode refused = get(server, "/users/ann/recommendations?lang=fr");
      assertEquals(400, refused.get("status").asInt());
      assertEquals("lang", refused.get("parameter").asText());
    }
  }
}
