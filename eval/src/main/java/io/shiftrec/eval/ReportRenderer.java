package io.shiftrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown and self-contained HTML (inline CSS and SVG, no scripts, opens offline) renderings of a report. */
final class ReportRenderer {
  private static final String[] ACCURACY = {"HR", "NDCG", "Recall", "Precision", "F1"};
  private static final String[] BEYOND = {"Coverage", "Novelty", "ILD", "ARP", "Gini"};
  private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
      "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

  private ReportRenderer() {}

  static String markdown(JsonNode r) {
    StringBuilder s = new StringBuilder();
    List<String> models = names(r.path("models"));
    int[] ks = ks(r);
    int mk = Evaluation.mainK(ks);
    s.append("# Evaluation: ").append(r.path("dataset").asText()).append(", protocol `")
        .append(r.path("protocol").asText()).append("`").append(targetsNote(r)).append(", seed ")
        .append(r.path("seed").asText()).append("\n\n");
    JsonNode sp = r.path("split");
    s.append(String.format(Locale.ROOT, "%d test users, %d targets; %d training users, %d training interactions, "
        + "%d items. Candidates: %s.%n%n", sp.path("test_users").asLong(), sp.path("targets").asLong(),
        sp.path("train_users").asLong(), sp.path("train_interactions").asLong(), sp.path("items").asLong(),
        ranking(sp)));
    String details = details(sp);
    if (!details.isEmpty()) s.append("Split: ").append(details).append(".\n\n");
    s.append("## Accuracy (MRR: no cut-off)\n\n");
    table(s, r, models, ks, ACCURACY, "MRR");
    s.append("\n## Beyond accuracy\n\n");
    table(s, r, models, ks, BEYOND, null);
    s.append("\n## Segments (NDCG@").append(mk).append(" / HR@").append(mk).append(", users)\n\n");
    List<String> segs = names(r.path("models").path(models.get(0)).path("segments"));
    s.append("| model |");
    for (String g : segs) s.append(' ').append(g).append(" (").append(r.path("models").path(models.get(0))
        .path("segments").path(g).path("users").asInt()).append(") |");
    s.append("\n|---|");
    for (int i = 0; i < segs.size(); i++) s.append("---:|");
    s.append('\n');
    for (String m : models) {
      s.append("| ").append(m).append(" |");
      for (String g : segs) {
        JsonNode seg = r.path("models").path(m).path("segments").path(g);
        s.append(' ').append(fmt(seg.get("NDCG@" + mk))).append(" / ").append(fmt(seg.get("HR@" + mk))).append(" |");
      }
      s.append('\n');
    }
    s.append("\n## 95% intervals and paired test\n\n| model | NDCG@").append(mk).append(" | 95% CI | HR@").append(mk)
        .append(" | 95% CI | paired test (Δ NDCG@").append(mk).append(", 95% CI, p) | train s | eval s |\n")
        .append("|---|---:|---|---:|---|---|---:|---:|\n");
    for (String m : models) {
      JsonNode mm = r.path("models").path(m);
      s.append("| ").append(m).append(" | ").append(fmt(mm.path("overall").get("NDCG@" + mk))).append(" | ")
          .append(pair(mm.path("ci95").get("NDCG@" + mk))).append(" | ")
          .append(fmt(mm.path("overall").get("HR@" + mk))).append(" | ")
          .append(pair(mm.path("ci95").get("HR@" + mk))).append(" | ");
      JsonNode pt = mm.get("paired_test");
      if (pt != null) {
        s.append(String.format(Locale.ROOT, "vs %s: %+.4f, %s, p=%.4f", pt.path("against").asText(),
            pt.path("mean_diff").asDouble(), pair(pt.get("ci95")), pt.path("p_value").asDouble()));
      } else {
        s.append(m.equals(r.path("best_baseline").asText()) ? "(best baseline)"
            : m.equals(r.path("paired_with").asText()) ? "(reference)" : "");
      }
      s.append(" | ").append(mm.path("train_seconds").asText()).append(" | ").append(mm.path("eval_seconds").asText())
          .append(" |\n");
    }
    segmentPairedTests(s, r, models, segs, mk);
    everyPair(s, r, models, mk);
    s.append("\n## Definitions\n\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = r.path("definitions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      s.append("- **").append(e.getKey()).append("**: ").append(e.getValue().asText()).append('\n');
    }
    return s.toString();
  }

  /** With three models or more, the paired test of each model against each later one ({@code paired_tests}). */
  private static void everyPair(StringBuilder s, JsonNode r, List<String> models, int mk) {
    if (models.size() < 3) return;
    s.append("\n## Paired tests between every two models\n\n| model | against | Δ NDCG@").append(mk)
        .append(" | 95% CI | p |\n|---|---|---:|---|---:|\n");
    for (int a = 0; a < models.size(); a++) {
      for (int b = a + 1; b < models.size(); b++) {
        JsonNode pt = r.path("models").path(models.get(a)).path("paired_tests").get(models.get(b));
        if (pt == null) continue;
        s.append(String.format(Locale.ROOT, "| %s | %s | %+.4f | %s | %.4f |%n", models.get(a), models.get(b),
            pt.path("mean_diff").asDouble(), pair(pt.get("ci95")), pt.path("p_value").asDouble()));
      }
    }
  }

  /**
   * One row per model and K (a wide table of every metric at every K does not fit a page): the metrics present for
   * some model at that K, then {@code perModel} (a metric without K, e.g. MRR) when given.
   */
  private static void table(StringBuilder s, JsonNode r, List<String> models, int[] ks, String[] metrics,
                            String perModel) {
    List<String> cols = new ArrayList<>();
    for (String metric : metrics) {
      boolean any = false;
      for (int k : ks) for (String m : models) any |= r.path("models").path(m).path("overall").has(metric + "@" + k);
      if (any) cols.add(metric);
    }
    s.append("| model | K |");
    for (String c : cols) s.append(' ').append(c).append(" |");
    if (perModel != null) s.append(' ').append(perModel).append(" |");
    s.append("\n|---|---:|");
    for (int i = 0; i < cols.size() + (perModel != null ? 1 : 0); i++) s.append("---:|");
    s.append('\n');
    for (String m : models) {
      JsonNode overall = r.path("models").path(m).path("overall");
      for (int k : ks) {
        s.append("| ").append(m).append(" | ").append(k).append(" |");
        for (String c : cols) s.append(' ').append(fmt(overall.get(c + "@" + k))).append(" |");
        if (perModel != null) s.append(' ').append(fmt(overall.get(perModel))).append(" |");
        s.append('\n');
      }
    }
  }

  static String html(JsonNode r) {
    List<String> models = names(r.path("models"));
    int[] ks = ks(r);
    int mk = Evaluation.mainK(ks);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ShiftRec evaluation: ")
        .append(esc(r.path("dataset").asText())).append(" / ").append(esc(r.path("protocol").asText()))
        .append("</title>\n<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;"
            + "color:#222;max-width:1200px}h1{font-size:22px}h2{font-size:18px;margin-top:28px}"
            + "h3{font-size:15px;margin-top:20px}"
            + "table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;"
            + "text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}"
            + ".charts{display:flex;flex-wrap:wrap;gap:16px}"
            + ".chart{border:1px solid #eee;padding:8px;max-width:100%;overflow-x:auto}"
            + ".legend span{display:inline-block;margin-right:14px;font-size:13px}"
            + ".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}"
            + "pre{background:#f8f8f8;padding:8px;font-size:12px;white-space:pre-wrap}</style></head><body>\n");
    h.append("<h1>ShiftRec evaluation: ").append(esc(r.path("dataset").asText())).append(", protocol <code>")
        .append(esc(r.path("protocol").asText())).append("</code>").append(targetsNote(r)).append(", seed ")
        .append(r.path("seed").asText())
        .append("</h1>\n");
    JsonNode sp = r.path("split");
    h.append("<p>").append(sp.path("test_users").asLong()).append(" test users, ").append(sp.path("targets").asLong())
        .append(" targets; ").append(sp.path("train_users").asLong()).append(" training users, ")
        .append(sp.path("train_interactions").asLong()).append(" training interactions, ")
        .append(sp.path("items").asLong()).append(" items. Candidates: ").append(esc(ranking(sp))).append(".</p>\n");
    String details = details(sp);
    if (!details.isEmpty()) h.append("<p>Split: ").append(esc(details)).append(".</p>\n");
    h.append("<div class=\"legend\">");
    for (int i = 0; i < models.size(); i++) {
      h.append("<span><i class=\"sw\" style=\"background:").append(color(i)).append("\"></i>")
          .append(esc(models.get(i))).append("</span>");
    }
    h.append("</div>\n<h2>Overall, K = ").append(mk).append("</h2>\n<div class=\"charts\">\n");
    List<String> headline = new ArrayList<>();
    for (String m : ACCURACY) headline.add(m + "@" + mk);
    headline.add("MRR");
    for (String m : BEYOND) headline.add(m + "@" + mk);
    for (String metric : headline) {
      double[] v = new double[models.size()];
      double[][] ci = new double[models.size()][];
      boolean any = false;
      for (int i = 0; i < models.size(); i++) {
        JsonNode mm = r.path("models").path(models.get(i));
        v[i] = Evaluation.number(mm.path("overall").get(metric));
        any |= !Double.isNaN(v[i]);
        JsonNode c = mm.path("ci95").get(metric);
        if (c != null && c.size() == 2) ci[i] = new double[] {c.get(0).asDouble(), c.get(1).asDouble()};
      }
      if (any) h.append(barChart(metric, models, v, ci));
    }
    h.append("</div>\n<h2>Segments: NDCG@").append(mk).append(" per model</h2>\n");
    List<String> segs = new ArrayList<>(); // empty segments would only leave gaps in the charts (the table lists them)
    for (String g : names(r.path("models").path(models.get(0)).path("segments"))) {
      if (r.path("models").path(models.get(0)).path("segments").path(g).path("users").asInt() > 0) segs.add(g);
    }
    h.append(groupedChart(r, models, segs, "NDCG@" + mk));
    h.append("<h2>Segments: HR@").append(mk).append(" per model</h2>\n");
    h.append(groupedChart(r, models, segs, "HR@" + mk));
    h.append("<h2>Tables</h2>\n").append(markdownTablesAsHtml(markdown(r)));
    h.append("</body></html>\n");
    return h.toString();
  }

  /** Horizontal bars, one per model, with the 95% interval as a whisker when known. */
  private static String barChart(String metric, List<String> models, double[] v, double[][] ci) {
    int longest = 0;
    for (String m : models) longest = Math.max(longest, m.length());
    int rowH = 22, labelW = Math.max(110, 12 + 7 * longest), barW = 220, top = 24; // ~7 px a character at 12 px
    int w = labelW + barW + 70, hgt = top + rowH * models.size() + 8;
    double max = 0;
    for (int i = 0; i < v.length; i++) {
      if (!Double.isNaN(v[i])) max = Math.max(max, v[i]);
      if (ci[i] != null) max = Math.max(max, ci[i][1]);
    }
    if (max <= 0) max = 1;
    StringBuilder s = new StringBuilder();
    s.append("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"")
        .append(hgt).append("\" role=\"img\" aria-label=\"").append(esc(metric)).append("\">")
        .append("<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(esc(metric)).append("</text>");
    for (int i = 0; i < models.size(); i++) {
      int y = top + i * rowH;
      s.append("<text x=\"4\" y=\"").append(y + 14).append("\" font-size=\"12\">").append(esc(models.get(i)))
          .append("</text>");
      if (Double.isNaN(v[i])) continue;
      double len = barW * v[i] / max;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
          labelW, y + 3, len, rowH - 8, color(i)));
      if (ci[i] != null) {
        double a = labelW + barW * ci[i][0] / max, b = labelW + barW * ci[i][1] / max;
        int cy = y + rowH / 2;
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>"
            + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>"
            + "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\"/>",
            a, b, cy, cy, a, a, cy - 4, cy + 4, b, b, cy - 4, cy + 4));
      }
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>",
          labelW + len + 4 + (ci[i] != null ? Math.max(0, barW * ci[i][1] / max - len) : 0), y + 14, num(v[i])));
    }
    return s.append("</svg></div>\n").toString();
  }

  /** Vertical bars grouped by segment, one bar per model. */
  private static String groupedChart(JsonNode r, List<String> models, List<String> segs, String metric) {
    int barW = 14, gap = 18, left = 40, top = 10, plotH = 160;
    int longest = 0;
    for (String g : segs) longest = Math.max(longest, g.length());
    // wide enough for the bars and for the segment's name (~6.5 px a character at 11 px), so names never overlap
    int groupW = Math.max(Math.max(models.size() * barW + gap, 110), (int) Math.ceil(6.5 * longest) + gap);
    int w = left + segs.size() * groupW + 20, hgt = top + plotH + 60;
    double max = 0;
    for (String m : models) for (String g : segs) {
      double v = Evaluation.number(r.path("models").path(m).path("segments").path(g).get(metric));
      if (!Double.isNaN(v)) max = Math.max(max, v);
    }
    if (max <= 0) max = 1;
    StringBuilder s = new StringBuilder("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w).append("\" height=\"").append(hgt).append("\" role=\"img\" aria-label=\"").append(esc(metric))
        .append(" per segment\">");
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
        + "<text x=\"2\" y=\"%d\" font-size=\"10\">%s</text><text x=\"2\" y=\"%d\" font-size=\"10\">0</text>",
        left, w - 10, top + plotH, top + plotH, top + 8, num(max), top + plotH));
    for (int g = 0; g < segs.size(); g++) {
      int x0 = left + g * groupW + gap / 2;
      for (int i = 0; i < models.size(); i++) {
        double v = Evaluation.number(r.path("models").path(models.get(i)).path("segments").path(segs.get(g))
            .get(metric));
        if (Double.isNaN(v)) continue;
        double bh = plotH * v / max;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
            + "<title>%s %s: %s</title></rect>", x0 + i * barW, top + plotH - bh, barW - 2, bh, color(i),
            esc(models.get(i)), esc(segs.get(g)), num(v)));
      }
      int users = r.path("models").path(models.get(0)).path("segments").path(segs.get(g)).path("users").asInt();
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
          + "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#666\">n=%d</text>", x0, top + plotH + 16,
          esc(segs.get(g)), x0, top + plotH + 30, users));
    }
    return s.append("</svg></div>\n").toString();
  }

  /** The Markdown tables and lists converted to HTML (the only Markdown this renderer emits). */
  private static String markdownTablesAsHtml(String md) {
    StringBuilder h = new StringBuilder();
    boolean inTable = false, header = false, inList = false, started = false;
    for (String line : md.split("\n")) {
      started |= line.startsWith("## ");
      if (!started) continue; // the summary above the first section is already at the top of the page
      if (line.startsWith("|")) {
        if (line.startsWith("|---")) continue;
        if (!inTable) {
          h.append("<div style=\"overflow-x:auto\"><table>");
          inTable = true;
          header = true;
        }
        String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
        h.append("<tr>");
        for (String c : cells) h.append(header ? "<th>" : "<td>").append(esc(c.trim())).append(header ? "</th>" : "</td>");
        h.append("</tr>\n");
        header = false;
        continue;
      }
      if (inTable) {
        h.append("</table></div>\n");
        inTable = false;
      }
      if (line.startsWith("- ")) {
        if (!inList) h.append("<ul>");
        inList = true;
        h.append("<li>").append(esc(line.substring(2)).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>")).append("</li>\n");
        continue;
      }
      if (inList) {
        h.append("</ul>\n");
        inList = false;
      }
      if (line.startsWith("## ")) h.append("<h3>").append(esc(line.substring(3))).append("</h3>\n");
      else if (line.startsWith("# ") || line.isBlank()) continue;
      else h.append("<p>").append(esc(line)).append("</p>\n");
    }
    if (inTable) h.append("</table></div>\n");
    if (inList) h.append("</ul>\n");
    return h.toString();
  }

  private static final List<String> SPLIT_COUNTS = List.of("items", "train_users", "train_interactions",
      "test_users", "targets", "ranking");

  /** ", validation targets" when the report scores the validation task, so it is never mistaken for a test. */
  private static String targetsNote(JsonNode r) {
    return "validation".equals(r.path("targets").asText()) ? ", validation targets" : "";
  }

  private static String ranking(JsonNode split) {
    return split.hasNonNull("ranking") ? split.get("ranking").asText() : "full ranking";
  }

  /** The protocol's own entries of the split (shares, held-out counts …) as "key value, …". */
  private static String details(JsonNode split) {
    StringBuilder s = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = split.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (SPLIT_COUNTS.contains(e.getKey())) continue;
      if (s.length() > 0) s.append("; ");
      s.append(e.getKey().replace('_', ' ')).append(" = ").append(e.getValue().asText());
    }
    return s.toString();
  }

  private static List<String> names(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static int[] ks(JsonNode r) {
    int[] ks = new int[r.path("k").size()];
    for (int i = 0; i < ks.length; i++) ks[i] = r.path("k").get(i).asInt();
    return ks;
  }

  private static String color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** The paired test within each segment that has one (Δ NDCG@K against the same reference, p). */
  private static void segmentPairedTests(StringBuilder s, JsonNode r, List<String> models, List<String> segs, int mk) {
    StringBuilder rows = new StringBuilder();
    for (String m : models) {
      StringBuilder row = new StringBuilder("| " + m + " |");
      boolean any = false;
      for (String g : segs) {
        JsonNode pt = r.path("models").path(m).path("segments").path(g).get("paired_test");
        if (pt == null) {
          row.append(" – |");
          continue;
        }
        any = true;
        row.append(String.format(Locale.ROOT, " %+.4f, p=%.4f |", pt.path("mean_diff").asDouble(),
            pt.path("p_value").asDouble()));
      }
      if (any) rows.append(row).append('\n');
    }
    if (rows.length() == 0) return;
    s.append("\n## Paired test per segment (Δ NDCG@").append(mk).append(" against the reference, p)\n\n| model |");
    for (String g : segs) s.append(' ').append(g).append(" |");
    s.append("\n|---|");
    for (int i = 0; i < segs.size(); i++) s.append("---:|");
    s.append('\n').append(rows);
  }

  static String fmt(JsonNode v) {
    return v == null || v.isNull() ? "–" : num(v.asDouble());
  }

  private static String num(double v) {
    if (Double.isNaN(v)) return "–";
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String pair(JsonNode p) {
    return p == null || p.size() != 2 ? "–" : "[" + fmt(p.get(0)) + ", " + fmt(p.get(1)) + "]";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
