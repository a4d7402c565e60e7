package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /onboarding reads the categories a sentence names and serves what the fans of those categories took. */
class OnboardingServeTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /**
   * Sci-Fi fans all took "Moon Station", a title that says nothing of space; romance fans took "Paris Letters".
   * A newcomer who loves science fiction gets Moon Station first, one who loves romance Paris Letters.
   */
  @Test
  void statedTasteServesWhatTheFansOfTheNamedCategoryTook() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("items.jsonl"), String.join("\n",
        item("moon", "Moon Station", "Sci-Fi"), item("alien", "Alien", "Sci-Fi"), item("stars", "Star Voyage", "Sci-Fi"),
        item("paris", "Paris Letters", "Romance"), item("notting", "Notting Hill", "Romance"),
        item("wed", "The Wedding Date", "Romance"), item("laugh", "Big Laughs", "Comedy")), StandardCharsets.UTF_8);
    List<String> events = new ArrayList<>();
    for (int u = 0; u < 6; u++) {
      boolean scifi = u < 3;
      events.add(event("u" + u, scifi ? "moon" : "paris", 1));
      events.add(event("u" + u, scifi ? (u == 0 ? "alien" : "stars") : (u == 3 ? "notting" : "wed"), 2));
      events.add(event("u" + u, "laugh", 3));
    }
    events.add(event("u6", "laugh", 1)); // the most popular item overall is a comedy
    events.add(event("u7", "laugh", 1));
    Files.writeString(data.resolve("events.jsonl"), String.join("\n", events), StandardCharsets.UTF_8);
    Path db = dir.resolve("onboarding.db");
    try (Store store = Stores.open(db.toString())) {
      Importer.run(store, ImportFormat.GENERIC, data, ErrorPolicy.REJECT, Progress.NONE);
      StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
    }
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "key-0123456789abcdef", false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0))) {
      String base = "http://127.0.0.1:" + server.port();
      assertEquals("moon", first(base, "I love science fiction films"));
      assertEquals("paris", first(base, "I like romantic movies"));
    }
  }

  private static String item(String id, String title, String category) {
    return "{\"id\":\"" + id + "\",\"domain\":\"movies\",\"title\":\"" + title + "\",\"categories\":[\"" + category
        + "\"]}";
  }

  private static String event(String user, String item, int position) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"purchase\",\"position\":" + position + "}";
  }

  private static String first(String base, String text) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/onboarding"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\",\"k\":1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode items = new ObjectMapper().readTree(r.body()).get("items");
    return items.get(0).get("item").asText();
  }
}
