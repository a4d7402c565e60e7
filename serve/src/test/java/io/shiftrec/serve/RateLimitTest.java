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
    // 1 request a second for an address, burst 2; 1,000 for the key.
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(TestStore.create(dir).toString(), "127.0.0.1",
        0, KEY, false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0, 1000, 1, java.util.Set.of()))) {
      URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
      int allowed = 0;
      HttpResponse<String> refused = null;
      long start = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) allowed++;
        else if (refused == null) refused = r;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // a burst of two, then one a second however slow this machine is
      assertTrue(allowed <= 2 + Math.ceil(seconds), allowed + " of 10 allowed in " + seconds + " s");
      assertTrue(refused != null, "ten calls in " + seconds + " s, none refused");
      assertEquals(429, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()) >= 1,
          refused.headers().toString());
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> keyed = HTTP.send(HttpRequest.newBuilder(health).header("Authorization", "Bearer " + KEY)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keyed.statusCode(), "the key has a budget of its own");
      }
      int wrongKeyRefused = 0;
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> wrongKey = HTTP.send(HttpRequest.newBuilder(health)
            .header("Authorization", "Bearer not-the-key-at-all").build(), HttpResponse.BodyHandlers.ofString());
        if (wrongKey.statusCode() == 429) wrongKeyRefused++;
      }
      assertTrue(wrongKeyRefused > 0, "a wrong key spends the address's budget");
    }
  }
}
