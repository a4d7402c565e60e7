package io.shiftrec.bench;

import io.shiftrec.serve.LiveCatalog;
import io.shiftrec.serve.ServeConfig;
import io.shiftrec.serve.ShiftRecServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.candidates.ShiftRecModel;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Drives a server on loopback from a fixed number of client threads, each sending its next request when the last
 * was answered, and prints latency percentiles and throughput: recommendations alone, then 90% recommendations with
 * 10% single-event writes. Writes go to the store given, so run it on a copy.
 */
public final class ServeBenchmark {
  private static final int WARMUP_SECONDS = 3;
  private static final int INDEX_WAIT_SECONDS = 300;
  private static final int EVENT_PROBES = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServeBenchmark() {}

  /** The store's user ids and item ids, which the load picks from. */
  static List<List<String>> usersAndItems(String db) {
    List<String> users = new ArrayList<>();
    List<String> items = new ArrayList<>();
    try (Store store = Stores.openExisting(db)) {
      for (User u : store.users()) users.add(u.id());
      for (Item i : store.items()) items.add(i.id());
    }
    if (users.isEmpty() || items.isEmpty()) throw new IllegalArgumentException("the store needs users and items");
    return List.of(users, items);
  }

  /** One kind of request's latencies (nanoseconds) and failures in a run. */
  record Tally(long[] nanos, int count, long failures) {}

  /**
   * Runs every measurement, printing a table, and returns the headline figures (the model, and per run p50, p90,
   * p99 in ms and requests a second) for a machine-readable summary.
   */
  public static Map<String, Object> run(PrintStream out, String db, int concurrency, int seconds, long seed,
                                        int itemQueue) throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    List<List<String>> ids = usersAndItems(db);
    List<String> users = ids.get(0), items = ids.get(1);
    String key = UUID.randomUUID().toString();
    try (ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db, "127.0.0.1", 0, key, false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES, itemQueue))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String retrieval = awaitIndex(client, base);
      figures.put("model", retrieval);
      figures.put("users", users.size());
      figures.put("items", items.size());
      figures.put("concurrency", concurrency);
      figures.put("seconds", seconds);
      Load load = new Load(client, base, key, users, items);
      out.printf("%s: %,d users, %,d items, model %s; %d client threads, %d s per run after %d s warm-up, on %d"
          + " cores%n", db, users.size(), items.size(), retrieval, concurrency, seconds, WARMUP_SECONDS,
          Runtime.getRuntime().availableProcessors());
      out.printf("%-22s %-10s %9s %9s %9s %9s %9s %8s%n", "run", "requests", "count", "req/s", "p50 ms", "p90 ms",
          "p99 ms", "failed");
      for (double writeShare : new double[] {0.0, 0.1}) {
        String name = writeShare == 0 ? "recommend" : "90/10 read/write";
        load.drive(concurrency, WARMUP_SECONDS, writeShare, seed);
        Tally[] t = load.drive(concurrency, seconds, writeShare, seed + 1);
        long total = t[0].count() + t[1].count();
        print(out, name, "all", merge(t[0], t[1]), total / (double) seconds);
        figures.put(writeShare == 0 ? "recommend" : "read_write_90_10", summary(merge(t[0], t[1]), seconds));
        if (writeShare > 0) {
          print(out, "", "recommend", t[0], t[0].count() / (double) seconds);
          print(out, "", "events", t[1], t[1].count() / (double) seconds);
        }
      }
      out.println();
      eventToRecommendation(out, load, seed);
      out.println();
      itemUpserts(out, load, seconds, itemQueue);
    }
    return figures;
  }

  /** p50, p90, p99 (ms), requests a second and failures of one run. */
  private static Map<String, Object> summary(Tally t, int seconds) {
    long[] sorted = Arrays.copyOf(t.nanos(), t.count());
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_ms", round(percentile(sorted, 0.50)));
    m.put("p90_ms", round(percentile(sorted, 0.90)));
    m.put("p99_ms", round(percentile(sorted, 0.99)));
    m.put("per_second", Math.round(t.count() / (double) seconds));
    m.put("failed", t.failures());
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * Item writes, one client: batches of new items posted back to back. With synchronous writes each answer means
   * the items are encoded and recommendable; with a queue it means they are stored, and the last column says how
   * long after the last answer every written item was in the catalogue. Refused = 503s of a full queue.
   */
  private static void itemUpserts(PrintStream out, Load load, int seconds, int itemQueue) throws Exception {
    out.printf("item upserts, one client, %d s per batch size, %s%n", seconds, itemQueue == 0
        ? "synchronous: encoded and recommendable when answered" : "queued (room for " + itemQueue + " items)");
    out.printf("%-22s %-10s %9s %9s %9s %9s %9s %8s %12s%n", "batch", "", "requests", "items/s", "p50 ms", "p90 ms",
        "p99 ms", "refused", "all in (ms)");
    HttpRequest health = HttpRequest.newBuilder(URI.create(load.base() + "/health")).build();
    long catalogue = JSON.readTree(load.client().send(health, HttpResponse.BodyHandlers.ofString()).body())
        .path("items").asLong();
    int next = 0;
    // ids of this run only: on a store benchmarked before, reused ids would update items, never grow the catalogue
    String prefix = "bench-item-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    for (int batch : new int[] {1, 32}) {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      long[] nanos = new long[1 << 10];
      int n = 0, refused = 0;
      while (System.nanoTime() < deadline) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch; i++) {
          if (i > 0) body.append(',');
          body.append("{\"id\":\"").append(prefix).append(next + i).append("\",\"domain\":\"bench\",\"title\":\"")
              .append(TITLES[(next + i) % TITLES.length]).append(' ').append(next + i).append("\"}");
        }
        HttpRequest upsert = HttpRequest.newBuilder(URI.create(load.base() + "/items"))
            .header("Authorization", "Bearer " + load.key()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build();
        long start = System.nanoTime();
        int status = load.client().send(upsert, HttpResponse.BodyHandlers.discarding()).statusCode();
        long took = System.nanoTime() - start;
        if (status == 503) {
          refused++;
          continue;
        }
        if (status != 200 && status != 202) throw new IllegalStateException("POST /items answered " + status);
        next += batch;
        if (n == nanos.length) nanos = Arrays.copyOf(nanos, n * 2);
        nanos[n++] = took;
      }
      long lastAnswer = System.nanoTime();
      while (JSON.readTree(load.client().send(health, HttpResponse.BodyHandlers.ofString()).body()).path("items")
          .asLong() < catalogue + next) {
        Thread.sleep(10);
      }
      double allIn = (System.nanoTime() - lastAnswer) / 1e6;
      long[] sorted = Arrays.copyOf(nanos, n);
      Arrays.sort(sorted);
      out.printf("%-22s %-10s %,9d %9.1f %9.2f %9.2f %9.2f %8d %12.0f%n", batch + " item" + (batch == 1 ? "" : "s"),
          "", n, n * (double) batch / seconds, percentile(sorted, 0.50), percentile(sorted, 0.90),
          percentile(sorted, 0.99), refused, allIn);
    }
  }

  /** Titles of the items the benchmark writes, varied so each is encoded anew. */
  private static final String[] TITLES = {"Stainless steel saucepan with glass lid", "Paperback thriller set in Oslo",
      "Documentary about deep sea creatures", "Organic green tea, loose leaf", "Space opera trilogy, first volume"};

  /**
   * What one event adds to the user's next recommendation, one request at a time: per user, a recommendation
   * (answered from memory when asked before), then an event, then the recommendation that must take it in.
   */
  private static void eventToRecommendation(PrintStream out, Load load, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed + 2);
    int n = Math.min(EVENT_PROBES, load.users().size());
    long[][] nanos = new long[3][n];
    for (int i = 0; i < n; i++) {
      String user = load.users().get(random.nextInt(load.users().size()));
      HttpRequest recommend = load.recommend(user);
      load.client().send(recommend, HttpResponse.BodyHandlers.discarding()); // interests built, answer kept
      nanos[0][i] = timed(load, recommend);
      nanos[1][i] = timed(load, load.event(user, random));
      nanos[2][i] = timed(load, recommend);
    }
    out.printf("one user at a time, %d users: after an event the next recommendation takes it in%n", n);
    String[] names = {"repeat recommend", "event", "next recommend"};
    for (int r = 0; r < 3; r++) {
      long[] sorted = nanos[r].clone();
      Arrays.sort(sorted);
      out.printf("%-22s %-10s %,9d %9s %9.2f %9.2f %9.2f%n", names[r], "", n, "", percentile(sorted, 0.50),
          percentile(sorted, 0.90), percentile(sorted, 0.99));
    }
  }

  private static long timed(Load load, HttpRequest request) throws Exception {
    long start = System.nanoTime();
    int status = load.client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status != 200) throw new IllegalStateException(request.uri() + " answered " + status);
    return System.nanoTime() - start;
  }

  /**
   * Waits (up to {@value #INDEX_WAIT_SECONDS} s) for the server to finish indexing the catalogue, so the runs
   * measure the steady state; returns the model and the retrieval the server reports. A server ranking with a
   * learned ranker builds no index: it scores the whole catalogue.
   */
  private static String awaitIndex(HttpClient client, String base) throws Exception {
    long deadline = System.nanoTime() + INDEX_WAIT_SECONDS * 1_000_000_000L;
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/health")).build();
    while (true) {
      JsonNode health = JSON.readTree(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
      String retrieval = health.path("retrieval").asText();
      String model = health.path("model").asText();
      if (retrieval.equals("ann") || health.path("items").asLong() < LiveCatalog.INDEX_FROM_ITEMS
          || !model.equals(ShiftRecModel.NAME) || System.nanoTime() > deadline) {
        return model + ", retrieval " + retrieval;
      }
      Thread.sleep(500);
    }
  }

  static Tally merge(Tally a, Tally b) {
    long[] all = Arrays.copyOf(a.nanos(), a.count() + b.count());
    System.arraycopy(b.nanos(), 0, all, a.count(), b.count());
    return new Tally(all, all.length, a.failures() + b.failures());
  }

  private static void print(PrintStream out, String run, String requests, Tally t, double perSecond) {
    long[] sorted = Arrays.copyOf(t.nanos(), t.count());
    Arrays.sort(sorted);
    out.printf("%-22s %-10s %,9d %9.0f %9.2f %9.2f %9.2f %8d%n", run, requests, t.count(), perSecond,
        percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), t.failures());
  }

  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  /**
   * The requests: recommendations for random users, and one new event for a random user and item. With
   * {@code freshAnswers}, each recommendation asks for a random k from 10 to 50, so the server's per-user answer
   * cache (a few answers per user) seldom has it and the ranker runs.
   */
  record Load(HttpClient client, String base, String key, List<String> users, List<String> items,
              boolean freshAnswers) {
    Load(HttpClient client, String base, String key, List<String> users, List<String> items) {
      this(client, base, key, users, items, false);
    }

    /** Runs for {@code seconds}; returns the tallies of recommendations and of writes. */
    Tally[] drive(int threads, int seconds, double writeShare, long seed) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      List<Future<Tally[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SplittableRandom random = new SplittableRandom(seed * 1_000 + t);
        futures.add(pool.submit(() -> worker(random, deadline, writeShare)));
      }
      Tally reads = new Tally(new long[0], 0, 0), writes = new Tally(new long[0], 0, 0);
      for (Future<Tally[]> f : futures) {
        Tally[] t = f.get();
        reads = merge(reads, t[0]);
        writes = merge(writes, t[1]);
      }
      pool.shutdown();
      return new Tally[] {reads, writes};
    }

    private Tally[] worker(SplittableRandom random, long deadline, double writeShare) {
      long[][] nanos = {new long[1 << 12], new long[1 << 12]};
      int[] counts = new int[2];
      long[] failures = new long[2];
      while (System.nanoTime() < deadline) {
        boolean write = random.nextDouble() < writeShare;
        String user = users.get(random.nextInt(users.size()));
        HttpRequest request = write ? event(user, random)
            : recommend(user, freshAnswers ? 10 + random.nextInt(41) : 10);
        int kind = write ? 1 : 0;
        long start = System.nanoTime();
        int status;
        try {
          status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
          status = -1;
        }
        long took = System.nanoTime() - start;
        if (status != 200) failures[kind]++;
        if (counts[kind] == nanos[kind].length) nanos[kind] = Arrays.copyOf(nanos[kind], counts[kind] * 2);
        nanos[kind][counts[kind]++] = took;
      }
      return new Tally[] {new Tally(nanos[0], counts[0], failures[0]), new Tally(nanos[1], counts[1], failures[1])};
    }

    HttpRequest recommend(String user) {
      return recommend(user, 10);
    }

    HttpRequest recommend(String user, int k) {
      return HttpRequest.newBuilder(URI.create(base + "/users/" + encode(user) + "/recommendations?k=" + k)).build();
    }

    HttpRequest event(String user, SplittableRandom random) {
      String body = "[{\"user\":\"" + user + "\",\"item\":\""
          + items.get(random.nextInt(items.size())) + "\",\"type\":\"click\",\"timestamp\":"
          + System.currentTimeMillis() / 1000 + "}]"; // now: after any dataset's events, and plausible
      return HttpRequest.newBuilder(URI.create(base + "/events")).header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String encode(String id) {
      return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
