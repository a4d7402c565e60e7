package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shiftrec.core.Progress;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Baselines on the shared datasets: a benchmark, not part of the default test run. Run with
 * {@code mvn -o test -pl eval -Dtest=RealDataBenchmarkTest -Dshiftrec.eval.bench=true}; reports go to
 * eval/target/bench/.
 */
class RealDataBenchmarkTest {
  private static final List<String> MODELS = List.of("pop", "pop-domain", "itemknn");

  private static Path data(String name) {
    assumeTrue(Boolean.getBoolean("shiftrec.eval.bench"), "benchmark: set -Dshiftrec.eval.bench=true");
    String root = System.getProperty("shiftrec.data");
    assumeTrue(root != null, "no shiftrec.data");
    Path dir = Path.of(root, name);
    assumeTrue(Files.isDirectory(dir), "dataset " + name + " is absent");
    return dir;
  }

  private static void run(String dataset, ImportFormat format, String protocol) throws Exception {
    Path dir = data(dataset);
    long t0 = System.nanoTime();
    Dataset d = Dataset.load(format, dir, null, Progress.NONE);
    long t1 = System.nanoTime();
    Path out = Path.of("target", "bench", dataset + "-" + protocol + ".json");
    Report r = Evaluation.evaluate(d, EvaluateOptions.of(format, dir, protocol, MODELS, out), Progress.NONE);
    long t2 = System.nanoTime();
    StringBuilder s = new StringBuilder(String.format("%s %s: load %.1fs, evaluate %.1fs (all models, with bootstrap)%n",
        dataset, protocol, (t1 - t0) / 1e9, (t2 - t1) / 1e9));
    for (String m : MODELS) {
      s.append(String.format("  %-10s HR@10 %.4f NDCG@10 %.4f MRR %.4f users %d train %.2fs eval %.2fs%n", m,
          r.metric(m, "overall", "HR@10"), r.metric(m, "overall", "NDCG@10"), r.metric(m, "overall", "MRR"),
          (int) r.metric(m, "overall", "users"), r.json().path("models").path(m).path("train_seconds").asDouble(),
          r.json().path("models").path(m).path("eval_seconds").asDouble()));
    }
    System.out.print(s);
    Files.writeString(Path.of("target", "bench", dataset + "-" + protocol + ".txt"), s);
    assertTrue(r.metric("itemknn", "overall", "HR@10") > 0);
  }

  @Test
  void movielensLatestSmallLoo() throws Exception {
    run("movielens-latest-small", ImportFormat.MOVIELENS_LATEST, "loo");
  }

  @Test
  void movielensLatestSmallTemporal() throws Exception {
    run("movielens-latest-small", ImportFormat.MOVIELENS_LATEST, "temporal");
  }

  @Test
  void amazonFoodKitchenLoo() throws Exception {
    run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "loo");
  }

  @Test
  void movielens1mLoo() throws Exception {
    run("movielens-1m", ImportFormat.MOVIELENS, "loo");
  }
}
