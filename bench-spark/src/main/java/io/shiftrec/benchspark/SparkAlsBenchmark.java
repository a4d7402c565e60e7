package io.shiftrec.benchspark;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Progress;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.EvaluateOptions;
import io.shiftrec.eval.Evaluation;
import io.shiftrec.eval.Protocols;
import io.shiftrec.eval.Report;
import io.shiftrec.eval.Split;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.ranker.Models;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Training speed of ShiftRec's iALS beside Spark MLlib's implicit ALS ({@code local[2]}) in one run: the MovieLens 1M
 * {@code loo} split is built once, both models train on its binary training interactions with the iALS defaults, and
 * the evaluation harness scores both on the same test targets with full ranking. Prints a Markdown table (train
 * seconds, NDCG@10 with its bootstrap 95% interval, HR@10) and the Spark / iALS time ratio; the full report goes to
 * {@code target/bench/}. Run it with the command in docs/BENCHMARKS.md.
 *
 * <p>Spark's session start and one warm-up iteration of each model (class loading, JIT) are timed and printed
 * apart, so the table compares training alone.
 */
public final class SparkAlsBenchmark {
  private static final String MASTER = "local[2]";
  private static final long SEED = EvaluateOptions.DEFAULT_SEED;
  private static final int K = 10;

  private SparkAlsBenchmark() {}

  /** @param args the MovieLens 1M folder */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) throw new IllegalArgumentException("usage: SparkAlsBenchmark MOVIELENS_1M_FOLDER");
    Path dir = Path.of(args[0]);
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no MovieLens 1M folder at " + dir);
    run(dir, System.out);
  }

  static void run(Path dir, PrintStream out) throws Exception {
    log("importing " + dir);
    Dataset dataset = Dataset.load(ImportFormat.MOVIELENS, dir, null, Progress.NONE);
    Split split = Protocols.split(Protocols.LOO, dataset, SEED, Protocols.DEFAULT_TEMPORAL_CUT);
    ImplicitAls.Config config = ImplicitAls.Config.defaults();

    log("starting Spark " + MASTER);
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder()
        .appName("shiftrec-spark-als-benchmark")
        .master(MASTER)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    double sessionSeconds = seconds(t0);
    try {
      log("warm-up: one iteration of each");
      ImplicitAls.Config oneIteration = config.with("iterations", "1");
      long t1 = System.nanoTime();
      Models.create(FactorModel.IALS + ":iterations=1").fit(split.train(), SEED);
      double ialsWarmUp = seconds(t1);
      long t2 = System.nanoTime();
      new SparkAls(spark, oneIteration).fit(split.train(), SEED);
      double sparkWarmUp = seconds(t2);

      log("training and evaluating both");
      Model ials = Models.create(FactorModel.IALS);
      SparkAls sparkAls = new SparkAls(spark, config);
      EvaluateOptions options = EvaluateOptions.of(ImportFormat.MOVIELENS, dir, Protocols.LOO, List.of(),
          Path.of("target", "bench", "movielens-1m-loo-spark-als.json")).withKs(List.of(K));
      Report report = Evaluation.evaluate(dataset, split, List.of(ials, sparkAls), options, Progress.NONE);

      JsonNode splitInfo = report.json().path("split");
      out.printf(Locale.ROOT, "MovieLens 1M (%s), loo: %d test users, %d training interactions, %d items; "
              + "NDCG@%d and HR@%d over the full catalogue%n", dataset.name(), split.numTestUsers(),
          splitInfo.path("train_interactions").asInt(), splitInfo.path("items").asInt(), K, K);
      out.printf(Locale.ROOT, "Spark %s %s, iALS on %d threads (the cores the JVM sees), Java %s%n",
          spark.version(), MASTER, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
      out.printf(Locale.ROOT, "not in the table: Spark session start %.1f s; warm-up, one iteration: iALS %.1f s, "
          + "Spark ALS %.1f s%n%n", sessionSeconds, ialsWarmUp, sparkWarmUp);
      out.println("| model | hyperparameters | train s | NDCG@" + K + " [95% CI] | HR@" + K + " |");
      out.println("|---|---|---:|---:|---:|");
      row(out, report, ials.name(), String.format(Locale.ROOT, "rank %d, α %s, λ %s, %d sweeps, %d CG steps",
          config.factors(), config.alpha(), config.regularization(), config.iterations(), config.cgSteps()));
      row(out, report, sparkAls.name(), String.format(Locale.ROOT, "rank %d, alpha %s, regParam %.5f, maxIter %d",
          config.factors(), config.alpha(), sparkAls.regParam(), config.iterations()));
      double ialsSeconds = trainSeconds(report, ials.name());
      double sparkSeconds = trainSeconds(report, sparkAls.name());
      out.printf(Locale.ROOT, "%nSpark / iALS train time: %.2f (Spark's ALS.fit alone %.1f s; the rest hands the "
          + "interactions to Spark and copies the factors back)%n", sparkSeconds / ialsSeconds,
          sparkAls.alsFitSeconds());
      for (String model : List.of(ials.name(), sparkAls.name())) { // the harness tests the weaker against the better
        JsonNode paired = report.json().path("models").path(model).path("paired_test");
        if (paired.isMissingNode()) continue;
        out.printf(Locale.ROOT, "paired test, %s − %s: NDCG@%d difference %.4f, p = %.4f%n", model,
            paired.path("against").asText(), K, paired.path("mean_diff").asDouble(),
            paired.path("p_value").asDouble());
      }
    } finally {
      spark.stop();
    }
  }

  private static void row(PrintStream out, Report report, String model, String hyperparameters) {
    JsonNode ci = report.json().path("models").path(model).path("ci95").path("NDCG@" + K);
    out.printf(Locale.ROOT, "| %s | %s | %.1f | %.4f [%.4f, %.4f] | %.4f |%n", model, hyperparameters,
        trainSeconds(report, model), report.metric(model, "overall", "NDCG@" + K), ci.path(0).asDouble(),
        ci.path(1).asDouble(), report.metric(model, "overall", "HR@" + K));
  }

  private static double trainSeconds(Report report, String model) {
    return report.json().path("models").path(model).path("train_seconds").asDouble();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void log(String message) {
    System.err.println("spark-als benchmark: " + message);
  }
}
