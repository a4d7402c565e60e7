package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.recommend.ItemGraph;
import io.shiftrec.recommend.RankerArtifact;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    try (Store store = Stores.openExisting(db.toString())) {
      List<Item> items = store.items();
      String[] ids = new String[items.size()];
      int alien = -1, pride = -1;
      for (int i = 0; i < ids.length; i++) {
        ids[i] = items.get(i).id();
        if (ids[i].equals("alien")) alien = i;
        if (ids[i].equals("pride")) pride = i;
      }
      int[] offsets = new int[ids.length + 1];
      for (int i = alien + 1; i <= ids.length; i++) offsets[i] = 1;
      RankerArtifact ranker = new RankerArtifact(new String[] {"itemknn"}, new double[] {1}, 5, 0, false, ids, 1, 1f, 1f,
          new float[ids.length], new ItemGraph(offsets, new int[] {pride}, new float[] {0.9f}),
          ItemGraph.empty(ids.length), new int[ids.length], "");
      store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), ranker.toBytes());
    }
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, "k", false,
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

  private static JsonNode get(String uri) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }
}
