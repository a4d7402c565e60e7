package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
  @TempDir Path dir;

  @Test
  void aRequestInFlightWhenShutdownBeginsIsAnsweredAndItsWritesKept() throws Exception {
    Path db = TestStore.create(dir);
    ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES));
    // Encoding 100 new items keeps the request busy for a second or more.
    StringBuilder items = new StringBuilder("[");
    for (int i = 0; i < 100; i++) {
      if (i > 0) items.append(',');
      items.append("{\"id\":\"gadget").append(i).append("\",\"domain\":\"kitchen\",\"title\":\"Gadget number ")
          .append(i).append(" for slicing, dicing and grating vegetables in a small kitchen\"}");
    }
    HttpRequest upsert = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/items"))
        .header("Authorization", "Bearer key-0123456789abcdef").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(items.append(']').toString())).build();
    CompletableFuture<HttpResponse<String>> answer =
        HttpClient.newHttpClient().sendAsync(upsert, HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (server.inFlight() == 0 && !answer.isDone() && System.nanoTime() < deadline) Thread.sleep(5);
    assertTrue(server.inFlight() > 0, "the upsert should still be running");
    server.close();
    HttpResponse<String> response = answer.get();
    assertEquals(200, response.statusCode(), response.body());
    try (Store store = Stores.openExisting(db.toString())) {
      assertEquals(108, store.counts().items());
    }
  }
}
