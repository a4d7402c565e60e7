package io.shiftrec.bench;

import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.core.Recommendation;

import io.shiftrec.core.Event;
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.UserInterests;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recommendations through the ANN index against the exact scan, for real users, in one run: how much of the scan's
 * top {@value #K} the indexed recommender returns, and the latency of one call each (interests already built, as a
 * server keeps them). Both lists rank by relevance alone (diversity 0) so they can be compared item by item.
 */
public final class RetrievalBenchmark {
  static final int K = 10;

  private RetrievalBenchmark() {}

  /** One line of the table; times in microseconds. */
  public record Row(String method, double buildSeconds, double overlap, double meanMicros, double p50Micros,
                    double p99Micros) {}

  public static List<Row> run(PrintStream out, InterestRecommender scan, List<List<Event>> histories,
                              AnnIndex.Params params, long seed) {
    long b0 = System.nanoTime();
    InterestRecommender indexed = scan.indexed(params, seed);
    double build = (System.nanoTime() - b0) / 1e9;
    List<UserInterests> users = new ArrayList<>(histories.size());
    for (List<Event> h : histories) {
      UserInterests u = scan.interests(h, TextVectors.NONE);
      if (!u.profiles().isEmpty()) users.add(u);
    }
    out.printf(Locale.ROOT, "Retrieval benchmark: %,d catalogue items, %,d users with interests, top %d, "
        + "M %d, beam %d, ef %d%n", scan.catalog().size(), users.size(), K, params.maxDegree(), params.beamWidth(),
        params.efSearch());
    for (int w = 0; w < Math.min(users.size(), 50); w++) { // warm-up
      scan.recommend(users.get(w), K, null, false, 0);
      indexed.recommend(users.get(w), K, null, false, 0);
    }
    long[] scanNanos = new long[users.size()], indexedNanos = new long[users.size()];
    double overlap = 0;
    for (int u = 0; u < users.size(); u++) {
      long t0 = System.nanoTime();
      List<Recommendation> exact = scan.recommend(users.get(u), K, null, false, 0);
      long t1 = System.nanoTime();
      List<Recommendation> approx = indexed.recommend(users.get(u), K, null, false, 0);
      long t2 = System.nanoTime();
      scanNanos[u] = t1 - t0;
      indexedNanos[u] = t2 - t1;
      Set<String> truth = new HashSet<>();
      for (Recommendation r : exact) truth.add(r.item().id());
      int hits = 0;
      for (Recommendation r : approx) if (truth.contains(r.item().id())) hits++;
      overlap += truth.isEmpty() ? 1 : hits / (double) truth.size();
    }
    overlap /= Math.max(1, users.size());
    List<Row> rows = List.of(
        new Row("exact scan", 0, 1, AnnBenchmark.mean(scanNanos) / 1e3,
            AnnBenchmark.percentile(scanNanos, 0.5) / 1e3, AnnBenchmark.percentile(scanNanos, 0.99) / 1e3),
        new Row("ANN per interest", build, overlap, AnnBenchmark.mean(indexedNanos) / 1e3,
            AnnBenchmark.percentile(indexedNanos, 0.5) / 1e3, AnnBenchmark.percentile(indexedNanos, 0.99) / 1e3));
    out.println("| method           | build s | top-10 overlap with scan | mean us | p50 us |  p99 us |");
    out.println("|------------------|--------:|-------------------------:|--------:|-------:|--------:|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %-16s | %7.1f | %24.4f | %7.0f | %6.0f | %7.0f |%n", r.method(), r.buildSeconds(),
          r.overlap(), r.meanMicros(), r.p50Micros(), r.p99Micros());
    }
    return rows;
  }
}
