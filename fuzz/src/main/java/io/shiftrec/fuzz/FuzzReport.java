package io.shiftrec.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tallies of a fuzz run: answers by status, requests by defect, the slowest request, and the defects grouped by what
 * the answer was (defect, status, media type, problem type or error page title), each group with the operations it
 * was seen on, the mutations that led to it and a few example requests.
 */
public final class FuzzReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TITLE = Pattern.compile("<title>([^<]{0,200})</title>");

  private static final class Group {
    int count;
    final TreeSet<String> operations = new TreeSet<>();
    final Map<String, Integer> byMutation = new LinkedHashMap<>();
    final List<FuzzClient.Result> examples = new ArrayList<>();
  }

  private final String apiKey;
  private final int examplesPerGroup;
  private final TreeMap<String, Integer> statuses = new TreeMap<>();
  private final EnumMap<FuzzClient.Defect, Integer> defects = new EnumMap<>(FuzzClient.Defect.class);
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private int requests;
  private int failedRequests;
  private int unanswered;
  private FuzzClient.Result slowest;

  /** @param apiKey replaced by {@code <key>} in the report */
  public FuzzReport(String apiKey, int examplesPerGroup) {
    this.apiKey = apiKey;
    this.examplesPerGroup = examplesPerGroup;
  }

  public void add(FuzzClient.Result r) {
    requests++;
    int status = r.response().status();
    statuses.merge(status < 0 ? "none" : Integer.toString(status), 1, Integer::sum);
    if (status < 0) unanswered++;
    if (slowest == null || r.response().nanos() > slowest.response().nanos()) slowest = r;
    if (r.findings().isEmpty()) return;
    failedRequests++;
    String mutation = r.request().primaryMutation().replaceAll("@\\d+$", "");
    for (FuzzClient.Finding f : r.findings()) {
      defects.merge(f.defect(), 1, Integer::sum);
      Group g = groups.computeIfAbsent(key(f, r), k -> new Group());
      g.count++;
      g.operations.add(r.request().family() == ApiFuzzer.Family.WIRE ? "raw HTTP (" + r.request().operation() + ")"
          : r.request().operation() + (r.request().method().equals(r.request().operation().split(" ")[0]) ? ""
          : " sent as " + ApiFuzzer.label(r.request().method())));
      g.byMutation.merge(mutation, 1, Integer::sum);
      boolean seen = false;
      for (FuzzClient.Result e : g.examples) {
        seen |= e.request().primaryMutation().replaceAll("@\\d+$", "").equals(mutation);
      }
      if (g.examples.size() < examplesPerGroup && !seen) g.examples.add(r);
    }
  }

  /** What a finding is, from the outside: the defect, the status, the media type and the problem or page title. */
  private static String key(FuzzClient.Finding f, FuzzClient.Result r) {
    FuzzClient.Response a = r.response();
    if (a.status() < 0) return f.defect() + ": no answer";
    String type = a.contentType().replaceAll(";.*", "").trim().toLowerCase(Locale.ROOT);
    String what = "";
    if (type.contains("json")) {
      try {
        JsonNode json = JSON.readTree(a.body());
        if (json.has("type")) what = json.get("type").asText();
      } catch (Exception e) {
        what = "unparsable";
      }
    } else if (type.contains("html")) {
      Matcher m = TITLE.matcher(new String(a.body(), StandardCharsets.ISO_8859_1));
      if (m.find()) what = "\"" + m.group(1).replaceAll("0x[0-9A-Fa-f]+|\\d{4,}", "…") + "\"";
    } else if (a.body().length > 0 && a.body().length < 100) {
      what = "\"" + ApiFuzzer.excerpt(a.body(), 60, null) + "\"";
    }
    // the server's own failures differ by route (a body that does not parse, a stored value a read cannot print);
    // the HTTP layer's refusals do not
    String where = f.defect() == FuzzClient.Defect.SERVER_ERROR && type.equals("application/problem+json")
        ? " on " + r.request().operation() : "";
    return f.defect() + ": " + a.status() + " " + (type.isEmpty() ? "(no content type)" : type)
        + (a.body().length == 0 && !r.request().isHead() ? " (empty body)" : "") + (what.isEmpty() ? "" : " " + what)
        + where;
  }

  public int requests() {
    return requests;
  }

  /** Requests with at least one defect. */
  public int failedRequests() {
    return failedRequests;
  }

  /** Requests showing the defect. */
  public int count(FuzzClient.Defect defect) {
    return defects.getOrDefault(defect, 0);
  }

  /** Answers by status ("none": no answer came). */
  public Map<String, Integer> statuses() {
    return statuses;
  }

  public int unanswered() {
    return unanswered;
  }

  public FuzzClient.Result slowest() {
    return slowest;
  }

  /** Distinct defects. */
  public int groups() {
    return groups.size();
  }

  /** Every group of defects, the largest first, with its operations, mutations and examples. */
  public String defects() {
    List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort((a, b) -> Integer.compare(b.getValue().count, a.getValue().count));
    StringBuilder s = new StringBuilder();
    int n = 0;
    for (Map.Entry<String, Group> e : sorted) {
      Group g = e.getValue();
      s.append(++n).append(". ").append(e.getKey()).append(" — ").append(g.count).append(" request")
          .append(g.count == 1 ? "" : "s").append('\n');
      s.append("   on: ");
      int shown = 0;
      for (String op : g.operations) {
        if (shown == 10) {
          s.append(", and ").append(g.operations.size() - shown).append(" more");
          break;
        }
        s.append(shown++ > 0 ? ", " : "").append(op);
      }
      s.append('\n');
      List<Map.Entry<String, Integer>> mutations = new ArrayList<>(g.byMutation.entrySet());
      mutations.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
      s.append("   after: ");
      for (int i = 0; i < mutations.size() && i < 12; i++) {
        s.append(i > 0 ? ", " : "").append(mutations.get(i).getKey()).append(" x").append(mutations.get(i).getValue());
      }
      if (mutations.size() > 12) s.append(", and ").append(mutations.size() - 12).append(" more");
      s.append('\n');
      for (FuzzClient.Result r : g.examples) {
        s.append("   e.g. ").append(r.describe(apiKey).replace("\n", "\n        ")).append('\n');
      }
    }
    return s.toString();
  }

  /** One line: "200 x12, 400 x340, …". */
  public String statusLine() {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Integer> e : statuses.entrySet()) {
      s.append(s.length() > 0 ? ", " : "").append(e.getKey()).append(" x").append(e.getValue());
    }
    return s.toString();
  }
}
