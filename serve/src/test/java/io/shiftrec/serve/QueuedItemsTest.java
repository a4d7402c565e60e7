package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuedItemsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void queuedItemWritesAreStoredAtOnceAndRecommendableSoonAfter() throws Exception {
    Path db = TestStore.create(dir);
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 2))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> tooBig = post(base, "[" + item("q1") + "," + item("q2") + "," + item("q3") + "]");
      assertEquals(413, tooBig.statusCode(), tooBig.body());
      assertTrue(tooBig.body().contains("item queue"), tooBig.body());
      assertEquals(8, items(db), "a refused batch writes nothing");

      HttpResponse<String> accepted = post(base, "[" + item("q1") + "," + item("q2") + "]");
      assertEquals(202, accepted.statusCode(), accepted.body());
      assertEquals(10, items(db), "answered once stored");
      long deadline = System.nanoTime() + 60_000_000_000L;
      int status = 404;
      while (status != 200 && System.nanoTime() < deadline) {
        status = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/items/q2/similar?k=3")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) Thread.sleep(50);
      }
      assertEquals(200, status, "the queued item became recommendable");
      JsonNode health = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(10, health.get("items").asInt());
    }
  }

  private static String item(String id) {
    return "{\"id\":\"" + id + "\",\"domain\":\"kitchen\",\"title\":\"Bamboo cutting board " + id + "\"}";
  }

  private static HttpResponse<String> post(String base, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/items")).header("Authorization", "Bearer key-0123456789abcdef")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long items(Path db) {
    try (Store store = Stores.openExisting(db.toString())) {
      return store.counts().items();
    }
  }
}
