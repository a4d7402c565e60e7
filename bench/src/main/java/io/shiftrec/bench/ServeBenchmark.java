package io.shiftrec.bench;

import io.shiftrec.serve.LiveCatalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.candidates.ShiftRecModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
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
 * Drives a server process on loopback with wrk ({@link WrkLoad}) and prints throughput, its ratio to {@code /health}
 * of the same server in the same run, and latency percentiles: recommendations, a 90/10 read/write mix and similar
 * items, with and without what the server keeps per user; then, one request at a time, how soon an event reaches
 * the next recommendation, and item writes. Writes go to the store given, so run it on a copy. {@link Load} is the
 * JVM client the one-at-a-time probes and the other server benchmarks use.
 */
public final class ServeBenchmark {
  private static final int WARMUP_SECONDS = 3;
  /**
   * Recommendations are warmed longer: ranked on every request, they reach their speed only after some 20 s of
   * compilation (docs/BENCHMARKS.md, "Server").
   */
  private static final int RANKING_WARMUP_SECONDS = 20;
  private static final int INDEX_WAIT_SECONDS = 300;
  private static final int EVENT_PROBES = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServeBenchmark() {}

  /**
   * The ids of the store's users with events (those the trained model ranks; a user without any is answered by the
   * fallback chain) and of its items, which the load picks from.
   */
  static List<List<String>> usersAndItems(String db) {
    List<String> users = new ArrayList<>();
    List<String> items = new ArrayList<>();
    try (Store store = Stores.openExisting(db)) {
      for (User u : store.users()) if (store.eventCount(u.id()) > 0) users.add(u.id());
      for (Item i : store.items()) items.add(i.id());
    }
    if (users.isEmpty() || items.isEmpty()) {
      throw new IllegalArgumentException("the store needs items and users with events");
    }
    return List.of(users, items);
  }

  /** One kind of request's latencies (nanoseconds) and failures in a run. */
  record Tally(long[] nanos, int count, long failures) {}

  /** What a server keeps per user in each measured configuration: its settings. */
  private static final List<Map.Entry<String, Map<String, String>>> MODES = List.of(
      Map.entry("nothing kept, every request ranked", Map.of("SHIFTREC_ANSWER_CACHE", "false",
          "SHIFTREC_CANDIDATE_CACHE", "false")),
      Map.entry("answer cache off", Map.of("SHIFTREC_ANSWER_CACHE", "false")),
      Map.entry("default (answers and candidates kept)", Map.of()));

  /**
   * Runs every measurement against a server process per configuration ({@link #MODES}), printing a table, and
   * returns the figures for a machine-readable summary. Each configuration's runs are measured beside {@code /health}
   * of the same server just before each run, as ratios; the last (the default) also measures how soon an event reaches
   * the next recommendation and item writes.
   *
   * @param java the java executable and its options (the heap) for the server
   * @param serve the rest of the server's command line: class path, main class, {@code serve --db DB --port 0}
   * @param profiles when not null, each server records a flight recording into this folder, summarised after it
   */
  public static Map<String, Object> run(PrintStream out, String db, List<String> java, List<String> serve,
                                        int connections, int seconds, long seed, int itemQueue, Path profiles)
      throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    List<List<String>> ids = usersAndItems(db);
    List<String> users = ids.get(0), items = ids.get(1);
    String key = UUID.randomUUID().toString();
    figures.put("users", users.size());
    figures.put("items", items.size());
    figures.put("connections", connections);
    figures.put("seconds", seconds);
    Map<String, Object> modes = new LinkedHashMap<>();
    figures.put("modes", modes);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int m = 0; m < MODES.size(); m++) {
      String mode = MODES.get(m).getKey();
      boolean last = m == MODES.size() - 1;
      Map<String, String> settings = new LinkedHashMap<>(MODES.get(m).getValue());
      if (itemQueue > 0) settings.put("SHIFTREC_ITEM_QUEUE", Integer.toString(itemQueue));
      List<String> command = new ArrayList<>(java);
      Path recording = profiles == null ? null : profiles.resolve("serve-" + (m + 1) + ".jfr");
      if (recording != null) {
        command.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
      }
      command.addAll(serve);
      Map<String, Object> row = new LinkedHashMap<>();
      List<FlightProfile.Window> windows = new ArrayList<>();
      try (ServerProcess server = ServerProcess.start(command, key, settings)) {
        String base = "http://127.0.0.1:" + server.port();
        String model = awaitReady(client, base, !"false".equals(settings.get("SHIFTREC_CANDIDATE_CACHE")));
        figures.put("model", model);
        if (m == 0) {
          out.printf("%s: %,d users, %,d items; wrk, %d connections, %d s per run after warming each kind of read"
              + " (%d s, recommendations %d s), on %d cores; the server in a process of its own%n", db, users.size(),
              items.size(), connections, seconds, WARMUP_SECONDS, RANKING_WARMUP_SECONDS,
              Runtime.getRuntime().availableProcessors());
        }
        out.printf("%n%s (server pid %d, log %s; %s)%n", mode, server.pid(), server.log(), model);
        out.printf("%-26s %9s %9s %11s %9s %9s %9s %8s%n", "run", "req/s", "/health", "of /health", "p50 ms",
            "p90 ms", "p99 ms", "failed");
        WrkLoad wrk = new WrkLoad(base, key, users, items);
        wrk.get("/health", connections, WARMUP_SECONDS); // warm, as every run after it is
        wrk.recommend(connections, RANKING_WARMUP_SECONDS, seed);
        wrk.similar(connections, WARMUP_SECONDS, seed);
        Runs runs = new Runs(out, row, windows, () -> wrk.get("/health", connections, Math.max(1, seconds / 2)));
        runs.measure("recommend, k = 10", "recommend", () -> wrk.recommend(connections, seconds, seed + 1));
        runs.measure("90/10 read/write", "read_write_90_10", () -> wrk.readWrite(connections, seconds, 0.1, seed + 2));
        runs.measure("similar items, k = 10", "similar", () -> wrk.similar(connections, seconds, seed + 3));
        row.put("rss_mib", Math.round(server.rssMiB()));
        row.put("peak_rss_mib", Math.round(server.peakRssMiB()));
        out.printf("server memory: resident %.0f MiB now, %.0f MiB at most%n", server.rssMiB(), server.peakRssMiB());
        if (last) {
          figures.put("recommend", row.get("recommend"));
          Load load = new Load(client, base, key, users, items);
          out.println();
          figures.put("event_to_recommendation", eventToRecommendation(out, load, seed));
          out.println();
          itemUpserts(out, load, seconds, itemQueue);
        }
      }
      modes.put(mode, row);
      if (recording != null) {
        out.println();
        FlightProfile.print(out, recording, windows, 8);
      }
    }
    return figures;
  }

  /**
   * One server's runs, each measured right after a run of {@code /health} half as long, its reference: the machine's
   * speed drifts within a minute, so each ratio compares two stretches a few seconds apart. Each run is printed, put
   * in the figures under its key, and its stretch of time noted for the profile.
   */
  private static final class Runs {
    private final PrintStream out;
    private final Map<String, Object> figures;
    private final List<FlightProfile.Window> windows;
    private final java.util.concurrent.Callable<WrkLoad.Figures> health;

    Runs(PrintStream out, Map<String, Object> figures, List<FlightProfile.Window> windows,
         java.util.concurrent.Callable<WrkLoad.Figures> health) {
      this.out = out;
      this.figures = figures;
      this.windows = windows;
      this.health = health;
    }

    void measure(String label, String key, java.util.concurrent.Callable<WrkLoad.Figures> run) throws Exception {
      Instant started = Instant.now();
      WrkLoad.Figures reference = health.call();
      if (windows.isEmpty()) windows.add(new FlightProfile.Window("/health", started, Instant.now())); // one: alike
      started = Instant.now();
      WrkLoad.Figures f = run.call();
      windows.add(new FlightProfile.Window(label, started, Instant.now()));
      Map<String, Object> summary = summary(f, reference);
      summary.put("health_per_second", Math.round(reference.perSecond()));
      figures.put(key, summary);
      print(out, label, f, reference);
    }
  }

  private static Map<String, Object> summary(WrkLoad.Figures f, WrkLoad.Figures health) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_ms", round(f.p50()));
    m.put("p90_ms", round(f.p90()));
    m.put("p99_ms", round(f.p99()));
    m.put("per_second", Math.round(f.perSecond()));
    m.put("of_health", Math.round(f.perSecond() / health.perSecond() * 10_000) / 10_000.0);
    m.put("failed", f.failed());
    return m;
  }

  private static void print(PrintStream out, String run, WrkLoad.Figures f, WrkLoad.Figures health) {
    out.printf("%-26s %,9.0f %,9.0f %11.4f %9.2f %9.2f %9.2f %8d%n", run, f.perSecond(), health.perSecond(),
        f.perSecond() / health.perSecond(), f.p50(), f.p90(), f.p99(), f.failed());
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
  private static Map<String, Object> eventToRecommendation(PrintStream out, Load load, long seed)
      throws Exception {
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
    Map<String, Object> figures = new LinkedHashMap<>();
    for (int r = 0; r < 3; r++) {
      long[] sorted = nanos[r].clone();
      Arrays.sort(sorted);
      out.printf("%-22s %-10s %,9d %9s %9.2f %9.2f %9.2f%n", names[r], "", n, "", percentile(sorted, 0.50),
          percentile(sorted, 0.90), percentile(sorted, 0.99));
      figures.put(names[r].replace(' ', '_'), Map.of("p50_ms", round(percentile(sorted, 0.50)), "p99_ms",
          round(percentile(sorted, 0.99))));
    }
    return figures;
  }

  private static long timed(Load load, HttpRequest request) throws Exception {
    long start = System.nanoTime();
    int status = load.client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status != 200) throw new IllegalStateException(request.uri() + " answered " + status);
    return System.nanoTime() - start;
  }

  /**
   * Waits (up to {@value #INDEX_WAIT_SECONDS} s) for the server to finish what it does ahead of requests, so the runs
   * measure the steady state: the catalogue's ANN index without a learned ranker; with one, and with
   * {@code rankedAhead}, ranking its users (done once the count of ranked users stays put for three seconds). Returns
   * the model and the retrieval the server reports.
   */
  private static String awaitReady(HttpClient client, String base, boolean rankedAhead) throws Exception {
    long deadline = System.nanoTime() + INDEX_WAIT_SECONDS * 1_000_000_000L;
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/health")).build();
    long lastRanked = -1;
    int still = 0;
    while (true) {
      JsonNode health = JSON.readTree(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
      String retrieval = health.path("retrieval").asText();
      String model = health.path("model").asText();
      long ranked = health.path("ranked_users").asLong();
      still = ranked > 0 && ranked == lastRanked ? still + 1 : 0;
      lastRanked = ranked;
      boolean ready = model.equals(ShiftRecModel.NAME)
          ? retrieval.equals("ann") || health.path("items").asLong() < LiveCatalog.INDEX_FROM_ITEMS
          : !rankedAhead || still >= 3;
      if (ready || System.nanoTime() > deadline) {
        return model + ", retrieval " + retrieval + (ranked > 0 ? ", " + ranked + " users ranked ahead" : "");
      }
      Thread.sleep(1_000);
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
