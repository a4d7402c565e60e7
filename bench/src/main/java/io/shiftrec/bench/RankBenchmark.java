package io.shiftrec.bench;

import io.shiftrec.core.Event;
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.InterestRecommender;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What one ranking by the learned ranker costs: the work a server does for a user whose ranked candidates it does not
 * keep (after their event, or with nothing kept), for real users of a store, their interests built beforehand. First
 * one thread ranks one user after another, as on an idle machine (a ranking may then use the other cores:
 * {@code IdleCore}), for the latency of one ranking; then every thread ranks at once, as on a busy server, for the
 * rankings a second the machine sustains.
 */
public final class RankBenchmark {
  private RankBenchmark() {}

  /** Milliseconds per ranking on an idle machine, and rankings a second with {@code threads} ranking at once. */
  public record Result(int users, int passes, double meanMillis, double p50Millis, double p90Millis, double p99Millis,
                       int threads, double busyPerSecond) {}

  public static Result run(PrintStream out, InterestRecommender recommender, List<List<Event>> histories, int passes,
                           int threads) throws Exception {
    if (!recommender.ranks()) throw new IllegalArgumentException("the store has no trained ranker: run train first");
    List<UserInterests> users = new ArrayList<>();
    for (List<Event> h : histories) if (!h.isEmpty()) users.add(recommender.interests(h, TextVectors.NONE));
    if (users.isEmpty()) throw new IllegalArgumentException("no user of the store has events");
    out.printf(Locale.ROOT, "Ranking benchmark: %s over %,d items, %,d users with events, %d passes after one of"
        + " warm-up%n", recommender.model(), recommender.catalog().size(), users.size(), passes);
    for (UserInterests u : users) recommender.rankedCandidates(u); // warm-up: compiled code, caches
    long[] nanos = new long[users.size() * passes];
    for (int p = 0, n = 0; p < passes; p++) {
      for (UserInterests u : users) {
        long t0 = System.nanoTime();
        recommender.rankedCandidates(u);
        nanos[n++] = System.nanoTime() - t0;
      }
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        running.add(pool.submit(() -> {
          for (int p = 0; p < passes; p++) {
            for (int u = first; u < users.size(); u += threads) recommender.rankedCandidates(users.get(u));
          }
        }));
      }
      for (Future<?> f : running) f.get();
    } finally {
      pool.shutdown();
    }
    double perSecond = (double) users.size() * passes / ((System.nanoTime() - start) / 1e9);
    Result r = new Result(users.size(), passes, mean, percentile(sorted, 0.5), percentile(sorted, 0.9),
        percentile(sorted, 0.99), threads, perSecond);
    out.printf(Locale.ROOT, "one at a time: mean %.2f ms, p50 %.2f, p90 %.2f, p99 %.2f ms per ranking%n",
        r.meanMillis(), r.p50Millis(), r.p90Millis(), r.p99Millis());
    out.printf(Locale.ROOT, "%d threads at once: %,.0f rankings a second%n", threads, perSecond);
    return r;
  }

  private static double percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
  }
}
