package io.shiftrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The dashboard's Evaluation pages: the reports of {@code reports_dir}, one report drawn (a chart per headline
 * metric with its 95% interval, every metric in a table, segments, paired tests) and two reports compared. The
 * charts are SVG written here, not uPlot: uPlot draws lines and points on a canvas and has no bars or error bars
 * of its own (they would take a drawing hook in script), while an SVG made on the server needs no script, holds no
 * style (its presentation attributes and classes are allowed by the policy), is read by a screen reader through its
 * title and description, prints and scales, and every number it shows is also in a table beside it.
 */
final class EvaluationPages {
  private EvaluationPages() {}

  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  /** Metric families in the order a reader looks for them. */
  private static final List<String> FAMILIES = List.of("NDCG", "HR", "MRR", "Recall", "Precision", "F1",
      "Coverage", "Novelty", "ILD", "ARP", "Gini");
  /** Segment metrics shown, at the headline cut-off (MRR has none). */
  private static final List<String> SEGMENT_FAMILIES = List.of("NDCG", "HR", "MRR", "Recall");

  // ------------------------------------------------------------------------------------------------ the list

  static Html list(DashboardPages.Who who, EvaluationReports reports, EvaluationReports.Listing listing) {
    Html body;
    if (!reports.configured()) {
      body = Html.of("""
          <section aria-labelledby="none-h"><h2 id="none-h">No reports folder</h2>
          <p>This server reads evaluation reports from a folder named by the setting <code>reports_dir</code>
          (environment: <code>SHIFTREC_REPORTS_DIR</code>, or <code>reports_dir=</code> in the config file), and none is set.</p>
          <p>Write reports with <code>./shiftrec evaluate … --out reports/NAME.json</code>, then start the server with
          <code>SHIFTREC_REPORTS_DIR=reports</code>: every report in that folder is listed here.</p></section>
          """);
    } else {
      Html.Builder rows = Html.builder();
      for (EvaluationReports.Report r : listing.reports()) {
        rows.add("<tr><th scope=\"row\" class=\"nowrap\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td>"
            + "<td class=\"nowrap\">{}</td><td>{}</td></tr>",
            href(r.name()), r.name(), r.dataset(), r.protocol(), MINUTE.format(r.written()) + " UTC",
            String.join(", ", r.models()));
      }
      Html table = listing.reports().isEmpty()
          ? Html.of("<p>No reports in this folder yet. <code>./shiftrec evaluate … --out FOLDER/NAME.json</code> writes"
              + " one.</p>")
          : Html.of("""
              <table id="reports"><thead><tr><th scope="col">Report</th><th scope="col">Dataset</th>
              <th scope="col">Protocol</th><th scope="col">Written</th><th scope="col">Models</th></tr></thead>
              <tbody>{}</tbody></table>
              """, rows.build());
      Html.Builder bad = Html.builder();
      for (EvaluationReports.Unreadable u : listing.unreadable()) {
        bad.add("<li><span class=\"id\">{}</span>: {}</li>", u.name(), u.why());
      }
      Html unreadable = bad.isEmpty() ? Html.EMPTY
          : Html.of("<h3>JSON files that are not reports</h3><ul class=\"links\" id=\"not-reports\">{}</ul>",
              bad.build());
      body = Html.of("""
          <section aria-labelledby="reports-h"><h2 id="reports-h">Reports</h2>
          <p class="hint">The reports <code>shiftrec evaluate --out</code> wrote to the reports folder, newest first; times in UTC.</p>
          {}{}</section>
          {}
          """, table, unreadable, listing.reports().size() < 2 ? Html.EMPTY
              : compareForm(listing.reports(), listing.reports().get(1).name(), listing.reports().get(0).name()));
    }
    Html main = Html.of("<h1>Evaluation</h1><p class=\"lead\">How the models did offline: ranking quality with its 95%"
        + " interval, by segment, and against each other.</p>{}", body);
    return DashboardPages.shell(who, "Evaluation", "Evaluation", main, false);
  }

  private static Html compareForm(List<EvaluationReports.Report> reports, String a, String b) {
    Html.Builder as = Html.builder();
    Html.Builder bs = Html.builder();
    for (EvaluationReports.Report r : reports) {
      String label = r.name() + " · " + r.dataset() + " · " + r.protocol();
      as.add(r.name().equals(a) ? "<option value=\"{}\" selected>{}</option>" : "<option value=\"{}\">{}</option>",
          r.name(), label);
      bs.add(r.name().equals(b) ? "<option value=\"{}\" selected>{}</option>" : "<option value=\"{}\">{}</option>",
          r.name(), label);
    }
    return Html.of("""
        <section aria-labelledby="compare-h"><h2 id="compare-h">Compare two reports</h2>
        <form class="stack narrow" method="get" action="/ui/evaluation/compare">
        <label for="compare-a">Report A</label><select id="compare-a" name="a">{}</select>
        <label for="compare-b">Report B (the differences are B − A)</label><select id="compare-b" name="b">{}</select>
        <button type="submit">Compare</button>
        </form></section>
        """, as.build(), bs.build());
  }

  // ------------------------------------------------------------------------------------------------ one report

  static Html report(DashboardPages.Who who, EvaluationReports.Report report, List<EvaluationReports.Report> all) {
    JsonNode json = report.json();
    List<String> models = report.models();
    List<String> metrics = metrics(List.of(json));
    int k = headlineK(metrics);
    Html.Builder charts = Html.builder();
    int n = 0;
    for (String metric : metrics) {
      if (!headline(metric, k)) continue;
      List<Bar> bars = new ArrayList<>();
      for (String model : models) {
        JsonNode m = json.get("models").get(model);
        if (!m.path("overall").path(metric).isNumber()) continue;
        JsonNode ci = m.path("ci95").path(metric);
        bars.add(new Bar(model, m.get("overall").get(metric).asDouble(), ci.path(0).asDouble(Double.NaN),
            ci.path(1).asDouble(Double.NaN), "bar"));
      }
      if (!bars.isEmpty()) charts.add(chart("chart-" + n++, metric, bars));
    }
    Html main = Html.of("""
        <h1>Report <span class="id">{}</span></h1>
        <p class="lead">{} · protocol {} · written {} UTC · <a href="/ui/evaluation">all reports</a></p>
        {}
        <section aria-labelledby="charts-h"><h2 id="charts-h">Metrics by model</h2>
        <p class="hint">Bars are the mean over the test users; whiskers the 95% bootstrap interval where the report has one. Every number is also in the table below.</p>
        <div class="charts">{}</div></section>
        {}
        {}
        {}
        {}
        """, report.name(), report.dataset(), report.protocol(), MINUTE.format(report.written()), facts(json),
        charts.build(), metricTable(json, models, metrics), segments(json, models, k), pairedTests(json, models),
        all.size() < 2 ? Html.EMPTY : compareForm(all, report.name(),
            all.get(0).name().equals(report.name()) ? all.get(1).name() : all.get(0).name()));
    return DashboardPages.shell(who, "Report " + report.name(), "Evaluation", main, false);
  }

  private static Html facts(JsonNode json) {
    Html.Builder dl = Html.builder();
    fact(dl, "Dataset", json.path("dataset"));
    fact(dl, "Protocol", json.path("protocol"));
    fact(dl, "Targets", json.path("targets"));
    fact(dl, "Seed", json.path("seed"));
    if (json.path("k").isArray()) {
      List<String> ks = new ArrayList<>();
      json.get("k").forEach(v -> ks.add(v.asText()));
      dl.add("<dt>Cut-offs (K)</dt><dd>{}</dd>", String.join(", ", ks));
    }
    fact(dl, "Paired with", json.path("paired_with"));
    if (json.path("split").isObject()) {
      List<String> parts = new ArrayList<>();
      json.get("split").fields().forEachRemaining(e -> parts.add(e.getKey().replace('_', ' ') + ": "
          + (e.getValue().isNumber() ? DashboardPages.count(e.getValue().asLong()) : e.getValue().asText())));
      dl.add("<dt>Split</dt><dd>{}</dd>", String.join(" · ", parts));
    }
    return Html.of("<dl class=\"facts\" id=\"report-facts\">{}</dl>", dl.build());
  }

  private static void fact(Html.Builder dl, String name, JsonNode value) {
    if (value.isValueNode() && !value.isNull()) dl.add("<dt>{}</dt><dd>{}</dd>", name, value.asText());
  }

  private static Html metricTable(JsonNode json, List<String> models, List<String> metrics) {
    Html.Builder head = Html.builder();
    for (String model : models) head.add("<th scope=\"col\" class=\"num\">{}</th>", model);
    Html.Builder rows = Html.builder();
    for (String metric : metrics) {
      Html.Builder cells = Html.builder();
      for (String model : models) cells.add(cell(json.get("models").get(model), metric));
      rows.add("<tr><th scope=\"row\">{}</th>{}</tr>", metric, cells.build());
    }
    rows.add(extraRow(json, models, "Users", m -> m.path("overall").path("users")));
    rows.add(extraRow(json, models, "Training time (s)", m -> m.path("train_seconds")));
    rows.add(extraRow(json, models, "Evaluation time (s)", m -> m.path("eval_seconds")));
    return Html.of("""
        <section aria-labelledby="table-h"><h2 id="table-h">Every metric</h2>
        <p class="hint">The 95% interval follows a value in brackets where the report has one.</p>
        <div class="scroll"><table id="metrics"><thead><tr><th scope="col">Metric</th>{}</tr></thead><tbody>{}</tbody></table></div>
        </section>
        """, head.build(), rows.build());
  }

  private static Html cell(JsonNode model, String metric) {
    JsonNode v = model.path("overall").path(metric);
    if (!v.isNumber()) return Html.of("<td class=\"num\">—</td>");
    JsonNode ci = model.path("ci95").path(metric);
    return ci.isArray() && ci.size() == 2
        ? Html.of("<td class=\"num\">{} <span class=\"ci\">[{}, {}]</span></td>", number(v.asDouble()),
            number(ci.get(0).asDouble()), number(ci.get(1).asDouble()))
        : Html.of("<td class=\"num\">{}</td>", number(v.asDouble()));
  }

  private static Html extraRow(JsonNode json, List<String> models, String name,
                               java.util.function.Function<JsonNode, JsonNode> value) {
    Html.Builder cells = Html.builder();
    boolean any = false;
    for (String model : models) {
      JsonNode v = value.apply(json.get("models").get(model));
      any |= v.isNumber();
      cells.add("<td class=\"num\">{}</td>", v.isNumber() ? number(v.asDouble()) : "—");
    }
    return any ? Html.of("<tr><th scope=\"row\">{}</th>{}</tr>", name, cells.build()) : Html.EMPTY;
  }

  private static Html segments(JsonNode json, List<String> models, int k) {
    Set<String> names = new LinkedHashSet<>();
    for (String model : models) json.get("models").get(model).path("segments").fieldNames().forEachRemaining(names::add);
    if (names.isEmpty()) return Html.EMPTY;
    List<String> ordered = new ArrayList<>(names);
    ordered.sort(Comparator.comparingInt((String s) -> s.startsWith("domain:") ? 0 : s.equals("cold") ? 1
        : s.equals("drifting") ? 2 : 3).thenComparing(s -> s));
    List<String> shown = new ArrayList<>();
    for (String family : SEGMENT_FAMILIES) shown.add(family.equals("MRR") ? "MRR" : family + "@" + k);
    Html.Builder head = Html.builder();
    for (String metric : shown) head.add("<th scope=\"col\" class=\"num\">{}</th>", metric);
    Html.Builder rows = Html.builder();
    for (String segment : ordered) {
      boolean first = true;
      for (String model : models) {
        JsonNode s = json.get("models").get(model).path("segments").path(segment);
        if (s.isMissingNode()) continue;
        Html.Builder cells = Html.builder();
        long users = s.path("users").asLong(0);
        if (users == 0 && s.path("users").isNumber()) {
          cells.add("<td class=\"num\">0</td><td colspan=\"{}\">no users in this segment</td>", shown.size());
        } else {
          cells.add("<td class=\"num\">{}</td>", s.path("users").isNumber() ? DashboardPages.count(users) : "—");
          for (String metric : shown) {
            cells.add("<td class=\"num\">{}</td>", s.path(metric).isNumber() ? number(s.get(metric).asDouble()) : "—");
          }
        }
        rows.add("<tr><th scope=\"row\"{}>{}</th><td>{}</td>{}</tr>", first ? Html.EMPTY : Html.of(" class=\"again\""),
            segment, model, cells.build());
        first = false;
      }
    }
    Html.Builder defs = Html.builder();
    JsonNode definitions = json.path("definitions");
    Set<String> defined = new LinkedHashSet<>();
    for (String segment : ordered) {
      String key = segment.startsWith("domain:") ? "domain:X" : segment;
      if (definitions.path(key).isTextual() && defined.add(key)) {
        defs.add("<dt>{}</dt><dd>{}</dd>", key, definitions.get(key).asText());
      }
    }
    return Html.of("""
        <section aria-labelledby="segments-h"><h2 id="segments-h">Segments</h2>
        <div class="scroll"><table id="segments"><thead><tr><th scope="col">Segment</th><th scope="col">Model</th>
        <th scope="col" class="num">Users</th>{}</tr></thead><tbody>{}</tbody></table></div>
        {}</section>
        """, head.build(), rows.build(), defs.isEmpty() ? Html.EMPTY
            : Html.of("<dl class=\"facts definitions\">{}</dl>", defs.build()));
  }

  private static Html pairedTests(JsonNode json, List<String> models) {
    Html.Builder rows = Html.builder();
    for (String model : models) {
      JsonNode t = json.get("models").get(model).path("paired_test");
      if (!t.isObject()) continue;
      JsonNode ci = t.path("ci95");
      double p = t.path("p_value").asDouble(Double.NaN);
      boolean apart = ci.isArray() && ci.size() == 2 && (ci.get(0).asDouble() > 0 || ci.get(1).asDouble() < 0);
      rows.add("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
              + "<td class=\"num\">{}</td><td>{}</td></tr>", model, t.path("against").asText("—"),
          t.path("metric").asText("—"), t.path("mean_diff").isNumber() ? signed(t.get("mean_diff").asDouble()) : "—",
          ci.isArray() && ci.size() == 2 ? "[" + signed(ci.get(0).asDouble()) + ", " + signed(ci.get(1).asDouble())
              + "]" : "—",
          Double.isNaN(p) ? "—" : String.format(Locale.ROOT, "%.4f", p),
          Double.isNaN(p) ? "—" : p < 0.05 && apart ? "yes (p < 0.05, interval excludes 0)"
              : p < 0.05 ? "yes (p < 0.05)" : "no");
    }
    if (rows.isEmpty()) return Html.EMPTY;
    String method = null;
    for (String model : models) {
      JsonNode t = json.get("models").get(model).path("paired_test");
      if (t.path("method").isTextual()) method = t.get("method").asText();
    }
    return Html.of("""
        <section aria-labelledby="paired-h"><h2 id="paired-h">Paired tests</h2>
        <p class="hint">Each model against the baseline on the same users: the mean difference (model − baseline), its 95% interval and the two-sided p-value.{}</p>
        <div class="scroll"><table id="paired"><thead><tr><th scope="col">Model</th><th scope="col">Against</th><th scope="col">Metric</th>
        <th scope="col" class="num">Mean difference</th><th scope="col" class="num">95% interval</th><th scope="col" class="num">p-value</th>
        <th scope="col">Different at 5%</th></tr></thead><tbody>{}</tbody></table></div></section>
        """, method == null ? "" : " Method: " + method + ".", rows.build());
  }

  // ------------------------------------------------------------------------------------------------ two reports

  static Html compare(DashboardPages.Who who, EvaluationReports.Report a, EvaluationReports.Report b,
                      List<EvaluationReports.Report> all) {
    List<String> models = new ArrayList<>(a.models());
    for (String m : b.models()) if (!models.contains(m)) models.add(m);
    List<String> metrics = metrics(List.of(a.json(), b.json()));
    int k = headlineK(metrics);
    Html.Builder rows = Html.builder();
    for (String metric : metrics) {
      boolean first = true;
      for (String model : models) {
        JsonNode ma = a.json().get("models").path(model);
        JsonNode mb = b.json().get("models").path(model);
        JsonNode va = ma.path("overall").path(metric);
        JsonNode vb = mb.path("overall").path(metric);
        if (!va.isNumber() && !vb.isNumber()) continue;
        String diff = "—";
        String change = "—";
        String intervals = "—";
        if (va.isNumber() && vb.isNumber()) {
          double d = vb.asDouble() - va.asDouble();
          diff = signed(d);
          change = va.asDouble() == 0 ? "—" : String.format(Locale.ROOT, "%+.1f%%", 100 * d / Math.abs(va.asDouble()))
              .replace('-', '−');
          JsonNode ca = ma.path("ci95").path(metric);
          JsonNode cb = mb.path("ci95").path(metric);
          if (ca.size() == 2 && cb.size() == 2) {
            boolean overlap = ca.get(0).asDouble() <= cb.get(1).asDouble() && cb.get(0).asDouble() <= ca.get(1).asDouble();
            intervals = overlap ? "overlap" : "apart";
          }
        }
        rows.add("<tr><th scope=\"row\"{}>{}</th><td>{}</td>{}{}<td class=\"num\">{}</td><td class=\"num\">{}</td>"
                + "<td>{}</td></tr>", first ? Html.EMPTY : Html.of(" class=\"again\""), metric, model, valueCell(ma, metric, "not in A"),
            valueCell(mb, metric, "not in B"), diff, change, intervals);
        first = false;
      }
    }
    List<Bar> bars = new ArrayList<>();
    String chartMetric = metrics.contains("NDCG@" + k) ? "NDCG@" + k : metrics.get(0);
    for (String model : models) {
      for (EvaluationReports.Report r : List.of(a, b)) {
        JsonNode m = r.json().get("models").path(model);
        if (!m.path("overall").path(chartMetric).isNumber()) continue;
        JsonNode ci = m.path("ci95").path(chartMetric);
        bars.add(new Bar(model + " (" + (r == a ? "A" : "B") + ")", m.get("overall").get(chartMetric).asDouble(),
            ci.path(0).asDouble(Double.NaN), ci.path(1).asDouble(Double.NaN), r == a ? "bar" : "bar bar-b"));
      }
    }
    boolean comparable = a.dataset().equals(b.dataset()) && a.protocol().equals(b.protocol());
    Html main = Html.of("""
        <h1>Compare reports</h1>
        <p class="lead"><a href="/ui/evaluation">All reports</a></p>
        {}
        <div class="columns even">
        <section aria-labelledby="a-h"><h2 id="a-h">A: <a href="{}">{}</a></h2>{}</section>
        <section aria-labelledby="b-h"><h2 id="b-h">B: <a href="{}">{}</a></h2>{}</section>
        </div>
        <section aria-labelledby="chart-h"><h2 id="chart-h">{} by model, A and B</h2>
        <p class="hint">Bars are the means, whiskers the 95% intervals; each bar is named with its report (A or B).</p>
        <div class="charts">{}</div></section>
        <section aria-labelledby="diff-h"><h2 id="diff-h">Every metric, B − A</h2>
        <p class="hint">The difference is B minus A; the change is relative to A. “Apart” means the two 95% intervals do not overlap.</p>
        <div class="scroll"><table id="compare"><thead><tr><th scope="col">Metric</th><th scope="col">Model</th>
        <th scope="col" class="num">A</th><th scope="col" class="num">B</th><th scope="col" class="num">B − A</th>
        <th scope="col" class="num">Change</th><th scope="col">95% intervals</th></tr></thead><tbody>{}</tbody></table></div>
        </section>
        {}
        """, comparable ? Html.EMPTY : Html.of("<p class=\"message warn\" role=\"note\"><strong>Note:</strong> these"
            + " reports are of different datasets or protocols ({}, {} against {}, {}): their numbers measure"
            + " different things.</p>", a.dataset(), a.protocol(), b.dataset(), b.protocol()),
        href(a.name()), a.name(), facts(a), href(b.name()), b.name(), facts(b), chartMetric,
        bars.isEmpty() ? Html.EMPTY : chart("chart-compare", chartMetric, bars), rows.build(),
        compareForm(all, a.name(), b.name()));
    return DashboardPages.shell(who, "Compare " + a.name() + " and " + b.name(), "Evaluation", main, false);
  }

  private static Html facts(EvaluationReports.Report r) {
    return Html.of("<dl class=\"facts\"><dt>Dataset</dt><dd>{}</dd><dt>Protocol</dt><dd>{}</dd><dt>Written</dt>"
            + "<dd>{} UTC</dd><dt>Models</dt><dd>{}</dd></dl>", r.dataset(), r.protocol(), MINUTE.format(r.written()),
        String.join(", ", r.models()));
  }

  private static Html valueCell(JsonNode model, String metric, String absent) {
    if (model.isMissingNode()) return Html.of("<td class=\"num muted\">{}</td>", absent);
    return cell(model, metric);
  }

  // ------------------------------------------------------------------------------------------------ charts

  /** One bar: its label, value and 95% interval (NaN where none), and its classes. */
  record Bar(String label, double value, double low, double high, String classes) {}

  /**
   * A horizontal bar chart with whiskers for the intervals, as SVG: one row per bar, named on the left, its value
   * written at its end, and a title and description that say every bar's numbers for a screen reader.
   */
  static Html chart(String id, String metric, List<Bar> bars) {
    final int width = 520;
    final int labelWidth = 190;
    final int valueWidth = 64;
    final int row = 26;
    final int top = 6;
    final int plot = width - labelWidth - valueWidth;
    double max = 0;
    for (Bar b : bars) max = Math.max(max, Double.isNaN(b.high()) ? b.value() : Math.max(b.value(), b.high()));
    double scaleMax = nice(max);
    int height = top + bars.size() * row + 24;
    Html.Builder parts = Html.builder();
    Html.Builder description = Html.builder();
    for (int t = 0; t <= 4; t++) {
      double v = scaleMax * t / 4;
      double x = labelWidth + plot * t / 4.0;
      parts.add("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
              + "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", px(x), top, px(x),
          top + bars.size() * row, px(x), top + bars.size() * row + 16, tick(v, scaleMax));
    }
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double y = top + i * row;
      double w = scaleMax <= 0 ? 0 : Math.max(0, b.value()) / scaleMax * plot;
      String label = b.label().length() > 26 ? b.label().substring(0, 25) + "…" : b.label();
      parts.add("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\"><title>{}</title>{}</text>",
          labelWidth - 8, px(y + row / 2.0 + 4), b.label(), label);
      parts.add("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", b.classes(), labelWidth,
          px(y + 5), px(w), row - 10);
      double end = labelWidth + w;
      String text = number(b.value());
      if (!Double.isNaN(b.low()) && !Double.isNaN(b.high())) {
        double lo = labelWidth + Math.max(0, b.low()) / scaleMax * plot;
        double hi = labelWidth + Math.max(0, b.high()) / scaleMax * plot;
        double mid = y + row / 2.0;
        parts.add("<path class=\"whisker\" d=\"M{} {}H{}M{} {}V{}M{} {}V{}\"/>", px(lo), px(mid), px(hi), px(lo),
            px(mid - 6), px(mid + 6), px(hi), px(mid - 6), px(mid + 6));
        end = Math.max(end, hi);
        text += " [" + number(b.low()) + ", " + number(b.high()) + "]";
      }
      parts.add("<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>", px(end + 4), px(y + row / 2.0 + 4),
          number(b.value()));
      description.add("{}{}: {}", i == 0 ? "" : "; ", b.label(), text);
    }
    return Html.of("""
        <figure class="chart" id="{}">
        <figcaption>{}</figcaption>
        <svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">
        <title id="{}-t">{} by model</title><desc id="{}-d">{}</desc>
        {}</svg>
        </figure>
        """, id, metric, width, height, id, id, id, metric, id, description.build(), parts.build());
  }

  /** A round number at or above {@code max}: 1, 2, 2.5 or 5 times a power of ten. */
  static double nice(double max) {
    if (!(max > 0) || Double.isInfinite(max)) return 1;
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * power >= max) return step * power;
    }
    return 10 * power;
  }

  private static String tick(double v, double scaleMax) {
    if (scaleMax >= 10) return String.format(Locale.ROOT, "%.0f", v);
    if (scaleMax >= 1) return String.format(Locale.ROOT, "%.1f", v);
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }

  private static String px(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  // ------------------------------------------------------------------------------------------------ metrics

  /** The overall metrics of the reports' models (not {@code users}), in reading order. */
  static List<String> metrics(List<JsonNode> reports) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode report : reports) {
      for (Iterator<JsonNode> it = report.get("models").elements(); it.hasNext(); ) {
        it.next().path("overall").fields().forEachRemaining(e -> {
          if (!e.getKey().equals("users") && e.getValue().isNumber()) names.add(e.getKey());
        });
      }
    }
    List<String> ordered = new ArrayList<>(names);
    int k = headlineK(ordered);
    ordered.sort(Comparator.comparingInt((String m) -> cutOff(m) == k || cutOff(m) < 0 ? 0 : 1)
        .thenComparingInt(m -> cutOff(m) < 0 ? k : cutOff(m))
        .thenComparingInt(m -> {
          int f = FAMILIES.indexOf(family(m));
          return f < 0 ? FAMILIES.size() : f;
        })
        .thenComparing(m -> m));
    return ordered;
  }

  /** 10 where the metrics have it, else the first cut-off they have. */
  static int headlineK(List<String> metrics) {
    int first = -1;
    for (String m : metrics) {
      int k = cutOff(m);
      if (k == 10) return 10;
      if (first < 0 && k > 0) first = k;
    }
    return first < 0 ? 10 : first;
  }

  /** Whether a metric is charted: those at the headline cut-off, and those without one (MRR). */
  private static boolean headline(String metric, int k) {
    return cutOff(metric) == k || cutOff(metric) < 0;
  }

  private static String family(String metric) {
    int at = metric.indexOf('@');
    return at < 0 ? metric : metric.substring(0, at);
  }

  private static int cutOff(String metric) {
    int at = metric.indexOf('@');
    if (at < 0) return -1;
    try {
      return Integer.parseInt(metric.substring(at + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------------------------------------ small things

  /** The page of a report: its file name as one path segment. */
  static String href(String name) {
    return Html.path("/ui/evaluation/", name);
  }

  static String number(double v) {
    if (Double.isNaN(v)) return "—";
    double a = Math.abs(v);
    if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
    if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
    if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
    if (a >= 1) return String.format(Locale.ROOT, "%.3f", v);
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String signed(double v) {
    String s = number(v);
    return v > 0 ? "+" + s : v < 0 ? s.replace('-', '−') : s;
  }
}
