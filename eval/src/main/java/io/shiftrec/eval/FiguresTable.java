package io.shiftrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The table of current figures at the top of docs/BENCHMARKS.md: one Markdown row per (dataset, protocol) for one
 * model, read from the report JSONs that {@code evaluate --out FILE.json} writes. The figures are at K = 10, the
 * headline K of every report (the paired test is computed there), so a report without NDCG@10 is skipped. Files
 * that {@code bench serve --out} wrote ({@code "benchmark": "serve"}) add the serving latency of recommendations to
 * every row of their dataset.
 */
public final class FiguresTable {
  /** The product default: the ranker that {@code train} fits and {@code recommend} and the server use. */
  public static final String DEFAULT_MODEL = "shiftrec-learned";

  private static final String NDCG = "NDCG@10";
  private static final String HR = "HR@10";

  private FiguresTable() {}

  /**
   * The table for {@code model} over {@code reports}, rows sorted by dataset then protocol (then file name), so the
   * same reports always give the same text. Reports without the model, or without its NDCG@10, are named in a note
   * line under the table rather than failing the whole table.
   */
  public static String markdown(List<Path> reports, String model) throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, String> serving = new HashMap<>();
    for (Path file : reports) {
      JsonNode report = Evaluation.JSON.readTree(file.toFile());
      if ("serve".equals(report.path("benchmark").asText())) serving.put(report.path("dataset").asText(), serving(report));
    }
    for (Path file : reports) {
      JsonNode report = Evaluation.JSON.readTree(file.toFile());
      if (report.has("benchmark")) continue;
      String name = file.getFileName().toString();
      JsonNode figures = report.path("models").path(model);
      if (figures.isMissingNode()) {
        notes.add("- skipped " + name + ": no model `" + model + "`");
      } else if (!figures.path("overall").has(NDCG)) {
        notes.add("- skipped " + name + ": `" + model + "` has no " + NDCG);
      } else {
        rows.add(new Row(report.path("dataset").asText(), protocolLabel(report), name, cells(report, model)));
      }
    }
    rows.sort(Comparator.comparing(Row::dataset).thenComparing(Row::protocol).thenComparing(Row::file));
    notes.sort(Comparator.naturalOrder());

    StringBuilder s = new StringBuilder();
    s.append("Model `").append(model).append("`, K = 10, 95% bootstrap intervals; the paired test is against the")
        .append(" report's reference (its best baseline, or the model named by `--paired-with`).");
    if (!serving.isEmpty()) {
      s.append(" Serving: recommendations (k = 10) from the server on a store of the whole dataset with the model")
          .append(" trained on it, p50 / p99 ms and requests a second (`bench serve`).");
    }
    s.append("\n\n| dataset | protocol | NDCG@10 [95% CI] | HR@10 [95% CI] | paired test: Δ NDCG@10, p | users")
        .append(" | train s | eval s | reference NDCG@10 |").append(serving.isEmpty() ? "" : " serving |").append('\n');
    s.append("|---|---|---|---|---|---:|---:|---:|---|").append(serving.isEmpty() ? "" : "---|").append('\n');
    for (Row row : rows) {
      s.append("| ").append(row.dataset()).append(" | ").append(row.protocol()).append(" | ").append(row.cells());
      if (!serving.isEmpty()) s.append(" | ").append(serving.getOrDefault(row.dataset(), "–"));
      s.append(" |\n");
    }
    if (!notes.isEmpty()) s.append('\n');
    for (String note : notes) s.append(note).append('\n');
    return s.toString();
  }

  private record Row(String dataset, String protocol, String file, String cells) {}

  /** "p50 / p99 ms, N/s" of the recommendations run of a {@code bench serve} summary. */
  private static String serving(JsonNode summary) {
    JsonNode r = summary.path("recommend");
    return String.format(Locale.ROOT, "%.1f / %.1f ms, %,d/s", r.path("p50_ms").asDouble(), r.path("p99_ms").asDouble(),
        r.path("per_second").asLong());
  }

  /** The protocol, with what tells two reports of one protocol apart: the cold share, validation targets. */
  private static String protocolLabel(JsonNode report) {
    String label = report.path("protocol").asText();
    JsonNode share = report.path("split").get("cold_share");
    if (share != null && !share.isNull()) label += " (share " + share.asText() + ")";
    if ("validation".equals(report.path("targets").asText())) label += ", validation targets";
    return label;
  }

  /** Every cell after dataset and protocol, joined by the column separator. */
  private static String cells(JsonNode report, String model) {
    JsonNode figures = report.path("models").path(model);
    JsonNode overall = figures.path("overall");
    JsonNode ci = figures.path("ci95");
    List<String> cells = new ArrayList<>();
    cells.add(ReportRenderer.fmt(overall.get(NDCG)) + " " + interval(ci.get(NDCG)));
    cells.add(ReportRenderer.fmt(overall.get(HR)) + " " + interval(ci.get(HR)));
    JsonNode test = figures.get("paired_test");
    cells.add(test == null ? "–" : String.format(Locale.ROOT, "%+.4f, p = %.4f", test.path("mean_diff").asDouble(),
        test.path("p_value").asDouble()));
    cells.add(Long.toString(overall.path("users").asLong()));
    cells.add(seconds(figures.get("train_seconds")));
    cells.add(seconds(figures.get("eval_seconds")));
    cells.add(reference(report, test, model));
    return String.join(" | ", cells);
  }

  /** "`name` NDCG@10" of the model the paired test compares against; "–" when the report names none. */
  private static String reference(JsonNode report, JsonNode test, String model) {
    String name = test != null ? test.path("against").asText()
        : report.hasNonNull("paired_with") ? report.get("paired_with").asText()
        : report.path("best_baseline").asText();
    if (name.isEmpty()) return "–";
    if (name.equals(model)) return "(this model)";
    return "`" + name + "` " + ReportRenderer.fmt(report.path("models").path(name).path("overall").get(NDCG));
  }

  private static String interval(JsonNode pair) {
    if (pair == null || pair.size() != 2) return "[–]";
    return "[" + ReportRenderer.fmt(pair.get(0)) + ", " + ReportRenderer.fmt(pair.get(1)) + "]";
  }

  private static String seconds(JsonNode value) {
    return value == null || value.isNull() ? "–" : String.format(Locale.ROOT, "%.1f", value.asDouble());
  }
}
