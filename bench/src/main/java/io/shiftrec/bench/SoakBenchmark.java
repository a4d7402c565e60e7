package io.shiftrec.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A long 90/10 read/write run against a server in a process of its own, so its memory is the server's alone: every
 * minute the errors and the server's resident memory, and per window the latency percentiles. Flat memory after the
 * warm-up and zero errors are the targets. Writes are stored: run it on a copy.
 */
public final class SoakBenchmark {
  private static final double WRITE_SHARE = 0.1;

  private SoakBenchmark() {}

  /**
   * @param serverCommand the command that runs {@code shiftrec serve --db <db> --port 0} (its output must say
   *     "listening on http://127.0.0.1:PORT")
   */
  public static void run(PrintStream out, String db, List<String> serverCommand, int minutes, int windowMinutes,
                         int concurrency, long seed) throws Exception {
    List<List<String>> ids = ServeBenchmark.usersAndItems(db);
    List<String> users = ids.get(0), items = ids.get(1);
    String key = UUID.randomUUID().toString();
    try (ServerProcess server = ServerProcess.start(serverCommand, key, java.util.Map.of())) {
      int port = server.port();
      Path log = server.log();
      ServeBenchmark.Load load = new ServeBenchmark.Load(HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build(), "http://127.0.0.1:" + port, key, users, items);
      out.printf("%s: %,d users, %,d items; server pid %d (log %s); %d client threads, 90/10 read/write, %d min in"
          + " windows of %d min, on %d cores%n", db, users.size(), items.size(), server.pid(), log, concurrency,
          minutes, windowMinutes, Runtime.getRuntime().availableProcessors());
      out.printf("%-8s %9s %7s %7s %9s %9s %9s %9s %9s %9s%n", "minute", "requests", "req/s", "errors",
          "read p50", "read p99", "read max", "write p99", "write max", "RSS MiB");
      out.printf("%-8d %9s %7s %7s %9s %9s %9s %9s %9s %9.0f%n", 0, "", "", "", "", "", "", "", "",
          server.rssMiB());
      List<ServeBenchmark.Tally> window = new ArrayList<>();
      long errors = 0, requests = 0;
      List<String> windows = new ArrayList<>();
      for (int minute = 1; minute <= minutes; minute++) {
        ServeBenchmark.Tally[] t = load.drive(concurrency, 60, WRITE_SHARE, seed + minute);
        ServeBenchmark.Tally both = ServeBenchmark.merge(t[0], t[1]);
        long[] reads = sorted(t[0]), writes = sorted(t[1]);
        errors += both.failures();
        requests += both.count();
        out.printf("%-8d %,9d %7.0f %7d %9.2f %9.2f %9.2f %9.2f %9.2f %9.0f%n", minute, both.count(),
            both.count() / 60.0, both.failures(), ServeBenchmark.percentile(reads, 0.50),
            ServeBenchmark.percentile(reads, 0.99), ServeBenchmark.percentile(reads, 1.0),
            ServeBenchmark.percentile(writes, 0.99), ServeBenchmark.percentile(writes, 1.0), server.rssMiB());
        window.add(both);
        if (window.size() == windowMinutes || minute == minutes) {
          ServeBenchmark.Tally all = window.stream().reduce(ServeBenchmark::merge).orElseThrow();
          long[] w = sorted(all);
          windows.add(String.format("minutes %d-%d: %,d requests, %d errors, p50 %.2f ms, p99 %.2f ms", minute
              - window.size() + 1, minute, all.count(), all.failures(), ServeBenchmark.percentile(w, 0.50),
              ServeBenchmark.percentile(w, 0.99)));
          window.clear();
        }
        if (!server.isAlive()) throw new IllegalStateException("the server died; its log: " + log);
      }
      out.println();
      for (String w : windows) out.println(w);
      out.printf("total: %,d requests, %d errors%n", requests, errors);
    }
  }

  private static long[] sorted(ServeBenchmark.Tally t) {
    long[] nanos = Arrays.copyOf(t.nanos(), t.count());
    Arrays.sort(nanos);
    return nanos;
  }
}
