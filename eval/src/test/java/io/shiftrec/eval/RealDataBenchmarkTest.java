package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Progress;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Baselines on the shared datasets: a benchmark, not part of the default test run. Run with
 * {@code mvn -o test -pl eval -Dtest=RealDataBenchmarkTest -Dshiftrec.eval.bench=true} (one protocol:
 * {@code -Dtest='RealDataBenchmarkTest#amazonFoodKitchenCdsrSampled'}); reports go to eval/target/bench/, one
 * JSON/MD/HTML report and one .txt summary per dataset and protocol. Numbers are those of {@code shiftrec evaluate}
 * with the same options (the CLI only adds item vectors, which these models do not use).
 */
class RealDataBenchmarkTest {
  private static final List<String> MODELS = List.of("pop", "pop-domain", "itemknn");
  private static final List<Integer> CDSR_KS = List.of(1, 5, 10);
  /** Each dataset is imported once per JVM. */
  private static final Map<String, Dataset> LOADED = new HashMap<>();
  private static final Map<String, Double> LOAD_SECONDS = new HashMap<>();

  private static Path data(String name) {
    assumeTrue(Boolean.getBoolean("shiftrec.eval.bench"), "benchmark: set -Dshiftrec.eval.bench=true");
    String root = System.getProperty("shiftrec.data");
    assumeTrue(root != null, "no shiftrec.data");
    Path dir = Path.of(root, name);
    assumeTrue(Files.isDirectory(dir), "dataset " + name + " is absent");
    return dir;
  }

  private static synchronized Dataset load(String name, ImportFormat format, Path dir) throws Exception {
    Dataset d = LOADED.get(name);
    if (d == null) {
      long t0 = System.nanoTime();
      d = Dataset.load(format, dir, null, Progress.NONE);
      LOAD_SECONDS.put(name, (System.nanoTime() - t0) / 1e9);
      LOADED.put(name, d);
    }
    return d;
  }

  private static void run(String dataset, ImportFormat format, String protocol) throws Exception {
    run(dataset, format, protocol, null, EvaluateOptions.DEFAULT_KS, "");
  }

  private static void run(String dataset, ImportFormat format, String protocol, Double coldShare, List<Integer> ks,
                          String suffix) throws Exception {
    Path dir = data(dataset);
    Dataset d = load(dataset, format, dir);
    Path out = Path.of("target", "bench", dataset + "-" + protocol + suffix + ".json");
    EvaluateOptions o = EvaluateOptions.of(format, dir, protocol, MODELS, out).withKs(ks);
    if (coldShare != null) o = o.withColdShare(coldShare);
    long t1 = System.nanoTime();
    Report r = Evaluation.evaluate(d, o, Progress.NONE);
    long t2 = System.nanoTime();
    JsonNode split = r.json().path("split");
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s %s%s: load %.1fs (once per JVM), split + evaluate %.1fs (all models, with bootstrap); %d test users, "
            + "%d targets, %d training interactions%n", dataset, protocol,
        coldShare == null ? "" : " cold-share " + coldShare, LOAD_SECONDS.get(dataset), (t2 - t1) / 1e9,
        split.path("test_users").asInt(), split.path("targets").asInt(), split.path("train_interactions").asInt()));
    for (String m : MODELS) {
      JsonNode model = r.json().path("models").path(m);
      s.append(String.format(Locale.ROOT, "  %-10s train %.2fs eval %.2fs%n", m,
          model.path("train_seconds").asDouble(), model.path("eval_seconds").asDouble()));
      line(s, "overall", model.path("overall"), ks);
      for (Iterator<Map.Entry<String, JsonNode>> it = model.path("segments").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().startsWith("domain:")) line(s, e.getKey(), e.getValue(), ks);
      }
    }
    System.out.print(s);
    Files.writeString(Path.of("target", "bench", dataset + "-" + protocol + suffix + ".txt"), s);
    assertTrue(r.metric("itemknn", "overall", "MRR") > 0);
  }

  private static void line(StringBuilder s, String scope, JsonNode v, List<Integer> ks) {
    s.append(String.format(Locale.ROOT, "    %-16s users %6d", scope, v.path("users").asInt()));
    for (int k : ks) s.append(String.format(Locale.ROOT, " HR@%d %.4f", k, v.path("HR@" + k).asDouble()));
    for (int k : ks) s.append(String.format(Locale.ROOT, " NDCG@%d %.4f", k, v.path("NDCG@" + k).asDouble()));
    s.append(String.format(Locale.ROOT, " MRR %.4f%n", v.path("MRR").asDouble()));
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
  void movielensLatestSmallColdItem() throws Exception {
    run("movielens-latest-small", ImportFormat.MOVIELENS_LATEST, "cold-item");
  }

  @Test
  void amazonFoodKitchenLoo() throws Exception {
    run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "loo");
  }

  @Test
  void amazonFoodKitchenCdsrSampled() throws Exception {
    run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "cdsr-sampled", null, CDSR_KS, "");
  }

  @Test
  void amazonFoodKitchenCdsrFull() throws Exception {
    run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "cdsr-full", null, CDSR_KS, "");
  }

  @Test
  void amazonFoodKitchenColdTarget() throws Exception {
    for (double share : new double[] {0.2, 0.5, 0.8}) {
      run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "cold-target", share, EvaluateOptions.DEFAULT_KS,
          "-" + share);
    }
  }

  @Test
  void amazonFoodKitchenColdItem() throws Exception {
    run("amazon-food-kitchen", ImportFormat.AMAZON_CDSR, "cold-item");
  }

  @Test
  void movielens1mLoo() throws Exception {
    run("movielens-1m", ImportFormat.MOVIELENS, "loo");
  }

  @Test
  void movielens1mTemporal() throws Exception {
    run("movielens-1m", ImportFormat.MOVIELENS, "temporal");
  }

  @Test
  void movielens1mColdItem() throws Exception {
    run("movielens-1m", ImportFormat.MOVIELENS, "cold-item");
  }
}
