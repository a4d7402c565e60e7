package io.shiftrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.serve.ServeConfig;
import io.shiftrec.serve.ShiftRecServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What a background training costs the requests a server answers meanwhile: recommendations (each for a random
 * user and a random k from 10 to 50, so the ranker runs rather than the answer cache) from a fixed number of client
 * threads before, during and after a training that {@code train_every} starts, with latency percentiles and
 * throughput for each phase. The events that start the training go to the store given, so run it on a copy.
 */
public final class RetrainBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARMUP_SECONDS = 3;
  /** How often the phase "during" checks whether the new version serves. */
  private static final int DURING_SLICE_SECONDS = 2;
  private static final int MAX_TRAINING_SECONDS = 3_600;

  private RetrainBenchmark() {}

  public static void run(PrintStream out, String db, int concurrency, int seconds, int events, long seed)
      throws Exception {
    List<List<String>> ids = ServeBenchmark.usersAndItems(db);
    List<String> users = ids.get(0), items = ids.get(1);
    String key = UUID.randomUUID().toString();
    ServeConfig config = new ServeConfig(db, "127.0.0.1", 0, key, false, ServeConfig.DEFAULT_MAX_REQUEST_BYTES, 0)
        .withLifecycle(1, events);
    try (ShiftRecServer server = ShiftRecServer.start(config)) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // a random k per request, so rankings are computed rather than answered from the per-user cache
      ServeBenchmark.Load load = new ServeBenchmark.Load(client, base, key, users, items, true);
      String before = serving(client, base, key);
      out.printf("%s: %,d users, %,d items, serving %s; %d client threads, train_every %,d, on %d cores%n", db,
          users.size(), items.size(), before, concurrency, events, Runtime.getRuntime().availableProcessors());
      out.printf("%-22s %-10s %9s %9s %9s %9s %9s %8s%n", "phase", "seconds", "count", "req/s", "p50 ms", "p90 ms",
          "p99 ms", "failed");
      load.drive(concurrency, WARMUP_SECONDS, 0, seed);
      ServeBenchmark.Tally idle = load.drive(concurrency, seconds, 0, seed + 1)[0];
      print(out, "before training", seconds, idle);

      postEvents(client, base, key, users, items, events, seed);
      long start = System.nanoTime();
      List<ServeBenchmark.Tally> during = new ArrayList<>();
      String now = before;
      while (now.equals(before) && System.nanoTime() - start < MAX_TRAINING_SECONDS * 1_000_000_000L) {
        during.add(load.drive(concurrency, DURING_SLICE_SECONDS, 0, seed + 2 + during.size())[0]);
        now = serving(client, base, key);
      }
      double trainingSeconds = (System.nanoTime() - start) / 1e9;
      ServeBenchmark.Tally whileTraining = new ServeBenchmark.Tally(new long[0], 0, 0);
      for (ServeBenchmark.Tally t : during) whileTraining = ServeBenchmark.merge(whileTraining, t);
      print(out, "during training", trainingSeconds, whileTraining);
      ServeBenchmark.Tally after = load.drive(concurrency, seconds, 0, seed + 10_000)[0];
      print(out, "after (" + now + ")", seconds, after);
      out.printf("the new version served %.0f s after the events that started its training%n", trainingSeconds);
    }
  }

  /** {@code count} click events for random users and items, in batches the API takes. */
  private static void postEvents(HttpClient client, String base, String key, List<String> users, List<String> items,
                                 int count, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    long now = System.currentTimeMillis() / 1000;
    for (int from = 0; from < count; from += 1_000) {
      StringBuilder body = new StringBuilder("[");
      for (int i = from; i < Math.min(count, from + 1_000); i++) {
        if (i > from) body.append(',');
        body.append("{\"user\":").append(JSON.writeValueAsString(users.get(random.nextInt(users.size()))))
            .append(",\"item\":").append(JSON.writeValueAsString(items.get(random.nextInt(items.size()))))
            .append(",\"type\":\"click\",\"timestamp\":").append(now).append('}');
      }
      HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/events")).header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body + "]")).build();
      int status = client.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status != 200) throw new IllegalStateException("POST /events answered " + status);
    }
  }

  private static String serving(HttpClient client, String base, String key) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/models")).header("Authorization", "Bearer " + key)
        .build();
    JsonNode models = JSON.readTree(client.send(get, HttpResponse.BodyHandlers.ofString()).body());
    return models.path("serving").isNull() ? "the interests alone" : "v" + models.path("serving").asText();
  }

  private static void print(PrintStream out, String phase, double seconds, ServeBenchmark.Tally t) {
    long[] sorted = java.util.Arrays.copyOf(t.nanos(), t.count());
    java.util.Arrays.sort(sorted);
    out.printf("%-22s %-10.0f %,9d %9.0f %9.2f %9.2f %9.2f %8d%n", phase, seconds, t.count(), t.count() / seconds,
        ServeBenchmark.percentile(sorted, 0.50), ServeBenchmark.percentile(sorted, 0.90),
        ServeBenchmark.percentile(sorted, 0.99), t.failures());
  }
}
