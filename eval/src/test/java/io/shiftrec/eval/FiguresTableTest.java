package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiguresTableTest {
  private static final String HEADER = "Model `shiftrec-learned`, K = 10, 95% bootstrap intervals; the paired test is"
      + " against the report's reference (its best baseline, or the model named by `--paired-with`).\n\n"
      + "| dataset | protocol | NDCG@10 [95% CI] | HR@10 [95% CI] | paired test: Δ NDCG@10, p | users | train s"
      + " | eval s | reference NDCG@10 |\n"
      + "|---|---|---|---|---|---:|---:|---:|---|\n";

  @TempDir
  Path dir;

  /** Two reports given in reverse order, a cold-item one and a loo one, plus one without the model. */
  @Test
  void oneRowPerDatasetAndProtocolSortedWithSkippedReportsNoted() throws IOException {
    Path cold = write("ml-cold.json", """
        {"dataset": "movielens-1m", "protocol": "cold-item", "targets": "test", "seed": 42, "k": [10, 20],
         "models": {
           "content": {"overall": {"NDCG@10": 0.1286, "HR@10": 0.5812, "users": 2994}},
           "shiftrec-learned": {"overall": {"NDCG@10": 0.0254, "HR@10": 0.2154, "users": 2994},
             "ci95": {"NDCG@10": [0.0232, 0.0275], "HR@10": [0.2011, 0.2295]},
             "train_seconds": 69.04, "eval_seconds": 12.345,
             "paired_test": {"against": "content", "metric": "NDCG@10", "mean_diff": -0.1032,
                             "ci95": [-0.11, -0.09], "p_value": 0.0001}}},
         "split": {"items": 3883, "cold_share": 0.2},
         "best_baseline": "content"}
        """);
    Path loo = write("ml-loo.json", """
        {"dataset": "movielens-1m", "protocol": "loo", "targets": "test", "seed": 42, "k": [5, 10],
         "models": {
           "next-item": {"overall": {"NDCG@10": 0.151, "HR@10": 0.2551, "users": 2999}},
           "shiftrec-learned": {"overall": {"NDCG@10": 0.1821, "HR@10": 0.3071, "users": 2999},
             "ci95": {"NDCG@10": [0.1707, 0.1935], "HR@10": [0.2914, 0.3241]},
             "train_seconds": 57.2, "eval_seconds": 3.0,
             "paired_test": {"against": "next-item", "metric": "NDCG@10", "mean_diff": 0.0312,
                             "ci95": [0.0252, 0.0373], "p_value": 0.0001}}},
         "split": {"items": 3883},
         "paired_with": "next-item"}
        """);
    Path without = write("baselines.json", """
        {"dataset": "amazon-food-kitchen", "protocol": "cdsr-full", "k": [10],
         "models": {"pop": {"overall": {"NDCG@10": 0.0024, "users": 937}}}}
        """);

    String table = FiguresTable.markdown(List.of(cold, without, loo), FiguresTable.DEFAULT_MODEL);

    assertEquals(HEADER
        + "| movielens-1m | cold-item (share 0.2) | 0.0254 [0.0232, 0.0275] | 0.2154 [0.2011, 0.2295]"
        + " | -0.1032, p = 0.0001 | 2994 | 69.0 | 12.3 | `content` 0.1286 |\n"
        + "| movielens-1m | loo | 0.1821 [0.1707, 0.1935] | 0.3071 [0.2914, 0.3241]"
        + " | +0.0312, p = 0.0001 | 2999 | 57.2 | 3.0 | `next-item` 0.1510 |\n"
        + "\n"
        + "- skipped baselines.json: no model `shiftrec-learned`\n", table);
  }

  /** Without a paired test or intervals (bootstrap off) the row still renders, with the reference named by the report. */
  @Test
  void missingIntervalsAndPairedTestShowDashes() throws IOException {
    Path report = write("validation.json", """
        {"dataset": "movielens-latest-small", "protocol": "loo", "targets": "validation", "k": [10],
         "models": {
           "itemknn": {"overall": {"NDCG@10": 0.03, "HR@10": 0.06, "users": 610}},
           "shiftrec-learned": {"overall": {"NDCG@10": 0.0808, "HR@10": 0.1459, "users": 610}, "ci95": {},
             "train_seconds": 22.5, "eval_seconds": 1.25}},
         "best_baseline": "itemknn"}
        """);

    String table = FiguresTable.markdown(List.of(report), "shiftrec-learned");

    assertEquals(HEADER
        + "| movielens-latest-small | loo, validation targets | 0.0808 [–] | 0.1459 [–] | – | 610 | 22.5 | 1.3"
        + " | `itemknn` 0.0300 |\n", table);
  }

  /** A bench serve summary puts its latency on every row of its dataset, and "–" on the others. */
  @Test
  void servingFiguresJoinTheirDatasetsRows() throws IOException {
    Path loo = write("loo.json", """
        {"dataset": "movielens-1m", "protocol": "loo", "targets": "test", "k": [10],
         "models": {"shiftrec-learned": {"overall": {"NDCG@10": 0.1824, "HR@10": 0.3084, "users": 2999},
             "ci95": {"NDCG@10": [0.1709, 0.1938], "HR@10": [0.2928, 0.3251]},
             "train_seconds": 139.7, "eval_seconds": 20.2}},
         "best_baseline": "shiftrec-learned"}
        """);
    Path other = write("mls.json", """
        {"dataset": "movielens-latest-small", "protocol": "loo", "targets": "test", "k": [10],
         "models": {"shiftrec-learned": {"overall": {"NDCG@10": 0.0751, "HR@10": 0.1361, "users": 610},
             "ci95": {"NDCG@10": [0.0579, 0.0923], "HR@10": [0.1098, 0.1639]},
             "train_seconds": 151.0, "eval_seconds": 13.2}}}
        """);
    Path serve = write("serve-movielens-1m.json", """
        {"benchmark": "serve", "dataset": "movielens-1m", "model": "shiftrec-learned v1, retrieval scan",
         "recommend": {"p50_ms": 61.25, "p90_ms": 80.0, "p99_ms": 123.456, "per_second": 1234, "failed": 0}}
        """);

    String table = FiguresTable.markdown(List.of(serve, other, loo), FiguresTable.DEFAULT_MODEL);

    assertEquals(HEADER.replace("`--paired-with`).", "`--paired-with`). Serving: recommendations (k = 10) from the"
            + " server on a store of the whole dataset with the model trained on it, p50 / p99 ms and requests a second"
            + " (`bench serve`).")
            .replace("reference NDCG@10 |\n", "reference NDCG@10 | serving |\n").replace("---|\n", "---|---|\n")
        + "| movielens-1m | loo | 0.1824 [0.1709, 0.1938] | 0.3084 [0.2928, 0.3251] | – | 2999 | 139.7 | 20.2"
        + " | (this model) | 61.3 / 123.5 ms, 1,234/s |\n"
        + "| movielens-latest-small | loo | 0.0751 [0.0579, 0.0923] | 0.1361 [0.1098, 0.1639] | – | 610 | 151.0 | 13.2"
        + " | – | – |\n", table);
  }

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }
}
