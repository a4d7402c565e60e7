package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the configured origins' pages may call the API from a browser; OPTIONS says what a path answers. */
class CorsTest {
  private static final String KEY = "key-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void onlyAllowedOriginsGetTheCorsHeaders() throws Exception {
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(TestStore.create(dir).toString(), "127.0.0.1",
        0, KEY, false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0, 0, 0, Set.of("https://shop.example")))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(base + "/events"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://shop.example")
          .header("Access-Control-Request-Method", "POST"));
      assertEquals(204, preflight.statusCode());
      assertEquals("https://shop.example", header(preflight, "Access-Control-Allow-Origin"));
      assertEquals("POST, OPTIONS", header(preflight, "Access-Control-Allow-Methods"));
      assertTrue(header(preflight, "Access-Control-Allow-Headers").contains("Authorization"));

      HttpResponse<String> stranger = send(HttpRequest.newBuilder(URI.create(base + "/users/ann/recommendations"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
          .header("Access-Control-Request-Method", "GET"));
      assertEquals(204, stranger.statusCode());
      assertEquals("GET, OPTIONS", header(stranger, "Allow"));
      assertEquals("", header(stranger, "Access-Control-Allow-Origin"));
      assertEquals("", header(stranger, "Access-Control-Allow-Methods"));

      HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/users/ann/recommendations"))
          .header("Origin", "https://shop.example"));
      assertEquals(200, read.statusCode());
      assertEquals("https://shop.example", header(read, "Access-Control-Allow-Origin"));
      assertEquals("", header(send(HttpRequest.newBuilder(URI.create(base + "/health"))
          .header("Origin", "https://evil.example")), "Access-Control-Allow-Origin"));
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse("");
  }
}
