package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Past its burst a client gets 429 with Retry-After; the key's budget and an address's are kept apart. */
class RateLimitTest {
  private static final String KEY = "key-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aClientPastItsBurstIsToldWhenToComeBack() throws Exception {
    // 1 request a second for an address, burst 2; 1,000 for the key. Refill within the test adds at most a request.
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(TestStore.create(dir).toString(), "127.0.0.1",
        0, KEY, false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0, 1000, 1, java.util.Set.of()))) {
      URI health = URI.create("http://127.0.0.1:" + server.port() + "/users/ann/recommendations");
      int limited = 0;
      HttpResponse<String> last = null;
      for (int i = 0; i < 6; i++) {
        last = HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        if (last.statusCode() == 429) limited++;
      }
      assertTrue(limited >= 3, "six calls in a moment, a burst of two: " + limited + " refused");
      assertEquals(429, last.statusCode());
      assertTrue(last.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()) >= 1, last.headers().toString());
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> keyed = HTTP.send(HttpRequest.newBuilder(health).header("Authorization", "Bearer " + KEY)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keyed.statusCode(), "the key has a budget of its own");
      }
      HttpResponse<String> wrongKey = HTTP.send(HttpRequest.newBuilder(health)
          .header("Authorization", "Bearer not-the-key-at-all").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(429, wrongKey.statusCode(), "a wrong key spends the address's budget");
    }
  }
}
