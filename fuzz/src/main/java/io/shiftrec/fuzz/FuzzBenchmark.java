package io.shiftrec.fuzz;

import io.shiftrec.serve.ServeConfig;
import io.shiftrec.serve.ShiftRecServer;

import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Fuzzed requests in bulk: starts the server on a store (two servers on it, one whose reads need the key, for the
 * requests about keys), sends {@link ApiFuzzer} requests one at a time on loopback, checks each answer with
 * {@link FuzzClient}, and prints answers by status, the defects by kind and grouped, and the slowest request. The
 * requests that pass write to the store: run it on a copy.
 */
public final class FuzzBenchmark {
  /** The servers' request body limit: small enough that bodies over it are cheap to send. */
  public static final long MAX_BODY = 1L << 20;
  private static final int KNOWN_IDS = 200;

  private FuzzBenchmark() {}

  /**
   * Runs up to {@code requests} requests or {@code maxSeconds}, whichever ends first. Request {@code i} is built from
   * a generator seeded with {@code seed} and {@code i} alone. After each write the server accepted, the reads of the
   * users and items it named are sent and checked too.
   *
   * @param log where every request with a defect is written in full (its number, the request, the answer), or null
   *
   * @return whether no request showed a defect
   */
  public static boolean run(PrintStream out, String db, int requests, long seed, int maxSeconds, int timeoutMillis,
                            Path log) throws Exception {
    List<String> users = new ArrayList<>(), items = new ArrayList<>();
    TreeSet<String> domains = new TreeSet<>();
    int userCount, itemCount;
    try (Store store = Stores.openExisting(db)) {
      List<User> allUsers = store.users();
      List<Item> allItems = store.items();
      userCount = allUsers.size();
      itemCount = allItems.size();
      for (int i = 0; i < allUsers.size() && users.size() < KNOWN_IDS; i += Math.max(1, allUsers.size() / KNOWN_IDS)) {
        users.add(allUsers.get(i).id());
      }
      for (int i = 0; i < allItems.size(); i++) {
        domains.add(allItems.get(i).domain());
        if (items.size() < KNOWN_IDS && i % Math.max(1, allItems.size() / KNOWN_IDS) == 0) {
          items.add(allItems.get(i).id());
        }
      }
    }
    if (users.isEmpty() || items.isEmpty()) throw new IllegalArgumentException("the store needs users and items");
    String key = UUID.randomUUID().toString();
    try (Store counts = Stores.openExisting(db);
         ShiftRecServer server = ShiftRecServer.start(new ServeConfig(db, "127.0.0.1", 0, key, false, MAX_BODY));
         ShiftRecServer locked = ShiftRecServer.start(new ServeConfig(db, "127.0.0.1", 0, key, true, MAX_BODY))) {
      byte[] openApi = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
      ApiFuzzer fuzzer = ApiFuzzer.fromOpenApi(openApi, key, new ApiFuzzer.Known(users, items,
          List.copyOf(domains)), MAX_BODY);
      FuzzClient open = new FuzzClient("127.0.0.1", server.port(), timeoutMillis, counts::counts, fuzzer);
      FuzzClient keyed = new FuzzClient("127.0.0.1", locked.port(), timeoutMillis, counts::counts, fuzzer);
      out.printf(Locale.ROOT, "%s: %,d users, %,d items; %d operations from /openapi.json; seed %d; up to %,d requests"
          + " or %d s, one at a time; each answer within %d ms; body limit %,d bytes; %d cores%n", db, userCount,
          itemCount, fuzzer.operations().size(), seed, requests, maxSeconds, timeoutMillis, MAX_BODY,
          Runtime.getRuntime().availableProcessors());
      FuzzReport report = new FuzzReport(key, 2);
      long start = System.nanoTime();
      long deadline = start + maxSeconds * 1_000_000_000L;
      int step = Math.max(1, requests / 10);
      int sent = 0, reads = 0;
      try (Writer defects = log == null ? Writer.nullWriter() : Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (int i = 0; i < requests && System.nanoTime() < deadline; i++) {
          SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
          ApiFuzzer.Request request = fuzzer.next(random);
          FuzzClient via = request.family() == ApiFuzzer.Family.AUTH ? keyed : open;
          FuzzClient.Result result = via.exchange(request);
          logged(defects, "#" + i, result, report, key);
          sent++;
          int n = 0;
          for (ApiFuzzer.Request read : fuzzer.readsAfter(request, result.response().status())) {
            logged(defects, "#" + i + "." + ++n, via.exchange(read), report, key);
            reads++;
          }
          if (sent % step == 0) {
            System.err.printf(Locale.ROOT, "  %,d requests, %,d reads after them, %,d with defects, %.0f s%n", sent,
                reads, report.failedRequests(), (System.nanoTime() - start) / 1e9);
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      print(out, report, sent, reads, requests, seconds, key);
      if (log != null && report.failedRequests() > 0) out.printf("%nevery request with a defect: %s%n", log);
      return report.failedRequests() == 0;
    }
  }

  private static void logged(Writer log, String number, FuzzClient.Result result, FuzzReport report, String key)
      throws IOException {
    report.add(result);
    if (!result.findings().isEmpty()) log.write(number + " " + result.describe(key) + "\n\n");
  }

  private static void print(PrintStream out, FuzzReport report, int sent, int reads, int requests, double seconds,
                            String key) {
    out.println();
    out.printf(Locale.ROOT, "%-34s %,d fuzzed and %,d reads after accepted writes in %.1f s (%.0f/s)%s%n",
        "requests", sent, reads, seconds, (sent + reads) / seconds, sent < requests ? ", stopped by the time limit" : "");
    out.printf(Locale.ROOT, "%-34s %s%n", "answers by status", report.statusLine());
    int fivexx = 0;
    for (Map.Entry<String, Integer> e : report.statuses().entrySet()) {
      if (e.getKey().startsWith("5")) fivexx += e.getValue();
    }
    out.printf(Locale.ROOT, "%-34s %,d (%,d of them defects: 505 to a request line that is not HTTP/1.x is not)%n",
        "5xx answers", fivexx, report.count(FuzzClient.Defect.SERVER_ERROR));
    out.printf(Locale.ROOT, "%-34s %,d%n", "hangs (no answer in time)", report.count(FuzzClient.Defect.HANG));
    out.printf(Locale.ROOT, "%-34s %,d (%,d requests got none at all, most cut off on purpose)%n",
        "closed without an answer", report.count(FuzzClient.Defect.NO_ANSWER), report.unanswered());
    out.printf(Locale.ROOT, "%-34s %,d%n", "stack traces in bodies", report.count(FuzzClient.Defect.STACK_TRACE));
    out.printf(Locale.ROOT, "%-34s %,d%n", "4xx not application/problem+json",
        report.count(FuzzClient.Defect.NOT_PROBLEM_JSON));
    out.printf(Locale.ROOT, "%-34s %,d%n", "JSON answers that do not parse", report.count(FuzzClient.Defect.MALFORMED_JSON));
    out.printf(Locale.ROOT, "%-34s %,d%n", "2xx answers off their schema", report.count(FuzzClient.Defect.SCHEMA_MISMATCH));
    out.printf(Locale.ROOT, "%-34s %,d%n", "refused writes that stored", report.count(FuzzClient.Defect.STORED_WHEN_REFUSED));
    FuzzClient.Result slowest = report.slowest();
    if (slowest != null) {
      out.printf(Locale.ROOT, "%-34s %.0f ms, %s -> %s%n", "slowest", slowest.response().nanos() / 1e6,
          slowest.request().describe(120, key).replace("\n", " |"),
          slowest.response().status() < 0 ? "no answer" : slowest.response().status());
    }
    out.printf(Locale.ROOT, "%-34s %,d (%d distinct)%n", "requests with defects", report.failedRequests(),
        report.groups());
    if (report.failedRequests() > 0) {
      out.println();
      out.print(report.defects());
    }
  }
}
