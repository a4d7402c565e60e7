package io.shiftrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiftrec.core.Progress;
import io.shiftrec.candidates.Model;
import io.shiftrec.ranker.Models;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The entry point of {@code shiftrec evaluate}: load a dataset, split it by a protocol, fit and score every model
 * over each test user's candidates (the full catalogue unless the protocol narrows it), and build the report (JSON
 * per CONTRACT.md, plus Markdown and HTML beside it).
 */
public final class Evaluation {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Metrics that get a bootstrap 95% interval (at every K, plus MRR). */
  static final List<String> CI_METRICS = List.of("HR", "NDCG", "Recall");

  private Evaluation() {}

  /**
   * Runs the whole evaluation and, when {@code options.out()} is set, writes FILE.json, FILE.md and FILE.html.
   * Bad options (unknown model or protocol, bad K) fail with IllegalArgumentException before any data is read.
   */
  public static Report run(EvaluateOptions options, Progress progress) throws IOException {
    check(options);
    Dataset dataset = Dataset.load(options.format(), options.path(), options.catalogOf(), progress);
    return evaluate(dataset, options, progress);
  }

  /** As {@link #run} on a dataset already in memory (format, path and catalogOf of the options are ignored). */
  public static Report evaluate(Dataset dataset, EvaluateOptions options, Progress progress) throws IOException {
    check(options);
    progress.start("split " + options.protocol(), -1);
    Split split = Protocols.split(dataset, options);
    progress.finish();
    if (options.validation()) {
      if (split.validation() == null) {
        throw new IllegalArgumentException("protocol " + options.protocol() + " has no validation targets");
      }
      split = split.validation();
    }
    // created as the evaluation reaches them, so a fitted model can be collected before the next one fits
    Iterable<Model> models = () -> new LinkedHashSet<>(options.models()).stream().map(Models::create).iterator();
    return evaluate(dataset, split, models, options, progress);
  }

  /**
   * Fits and scores model instances on a split already made: for models that are not in {@link Models} (another
   * library's, wrapped as a {@link Model}) and for comparing several on one split. The options give K, seed, threads,
   * bootstrap and output; their protocol and model names are not used.
   */
  public static Report evaluate(Dataset dataset, Split split, Iterable<Model> models, EvaluateOptions options,
                                Progress progress) throws IOException {
    if (split.numTestUsers() == 0) {
      throw new IllegalArgumentException("protocol " + split.protocol() + " leaves no test user in "
          + dataset.name());
    }
    int[] ks = options.ks().stream().mapToInt(Integer::intValue).toArray();
    Map<String, int[]> segments = Segments.of(split);
    List<ModelResult> results = new ArrayList<>();
    for (Model model : models) {
      results.add(Evaluator.run(split, model, ks, options.seed(), options.threads(), progress));
    }
    Report report = new Report(build(dataset, split, segments, results, ks, options));
    if (options.out() != null) report.write(options.out());
    return report;
  }

  /**
   * Mean NDCG@k over the targets of {@code split} for a model already fit on {@code split.train()}: no intervals, no
   * report (the per-epoch check of training).
   */
  public static double meanNdcg(Split split, Model fitted, int k, int threads) {
    ModelResult r = Evaluator.score(split, fitted, new int[] {k}, threads, Progress.NONE);
    return Metrics.mean(r.values("NDCG@" + k), everyone(split));
  }

  /** Every test user's position, 0 .. n-1: the "all users" subset of the per-user metrics. */
  private static int[] everyone(Split split) {
    int[] all = new int[split.numTestUsers()];
    for (int t = 0; t < all.length; t++) all[t] = t;
    return all;
  }

  /** Fails with IllegalArgumentException on bad options (unknown model or protocol, bad K) before any data is read. */
  public static void check(EvaluateOptions o) {
    Protocols.check(o.protocol());
    if (o.models().isEmpty()) throw new IllegalArgumentException("no model given (known: "
        + String.join(", ", Models.known()) + ")");
    for (String m : o.models()) Models.create(m); // throws naming the known models
    for (int k : o.ks()) if (k < 1 || k > 1000) throw new IllegalArgumentException("K must be 1..1000, got " + k);
    if (o.pairedWith() != null && !o.models().contains(o.pairedWith())) {
      throw new IllegalArgumentException("--paired-with names '" + o.pairedWith() + "', which is not among --models");
    }
    if (o.threads() < 1) throw new IllegalArgumentException("threads must be positive, got " + o.threads());
    Protocols.checkColdShare(o.coldShare());
  }

  /** The K the headline numbers (paired test, segment charts) use: 10 when asked, else the largest below, else the smallest. */
  static int mainK(int[] ks) {
    int best = -1;
    for (int k : ks) if (k <= 10 && k > best) best = k;
    if (best > 0) return best;
    int min = Integer.MAX_VALUE;
    for (int k : ks) min = Math.min(min, k);
    return min;
  }

  private static ObjectNode build(Dataset dataset, Split split, Map<String, int[]> segments, List<ModelResult> results,
                                  int[] ks, EvaluateOptions o) {
    ObjectNode root = JSON.createObjectNode();
    root.put("dataset", dataset.name());
    root.put("protocol", split.protocol());
    root.put("targets", o.validation() ? "validation" : "test");
    root.put("seed", o.seed());
    ArrayNode k = root.putArray("k");
    for (int v : ks) k.add(v);
    int[] everyone = everyone(split);
    int mainK = mainK(ks);
    String headline = "NDCG@" + mainK;

    ObjectNode models = root.putObject("models");
    ModelResult best = null;
    for (ModelResult r : results) {
      if (o.pairedWith() != null) {
        if (r.model.equals(o.pairedWith())) best = r;
        continue;
      }
      if (!Models.isBaseline(r.model)) continue;
      if (best == null || Metrics.mean(r.values(headline), everyone) > Metrics.mean(best.values(headline), everyone)) {
        best = r;
      }
    }
    for (ModelResult r : results) {
      ObjectNode m = models.putObject(r.model);
      m.set("overall", aggregate(r, everyone, ks, split));
      ObjectNode seg = m.putObject("segments");
      for (Map.Entry<String, int[]> e : segments.entrySet()) {
        ObjectNode segment = aggregate(r, e.getValue(), ks, split);
        // the segment's own paired test: a difference on a few hundred drifting users is lost in the overall one
        if (best != null && r != best && o.bootstrapSamples() > 0 && e.getValue().length > 0) {
          putPairedTest(segment, Bootstrap.paired(r.values(headline), best.values(headline), e.getValue(),
              o.bootstrapSamples(), o.permutations(), o.seed()), best.model, headline, o);
        }
        seg.set(e.getKey(), segment);
      }
      ObjectNode ci = m.putObject("ci95");
      if (o.bootstrapSamples() > 0) {
        for (int kv : ks) {
          for (String metric : CI_METRICS) putPair(ci, metric + "@" + kv, Bootstrap.ci95(r.values(metric + "@" + kv),
              everyone, o.bootstrapSamples(), o.seed()));
        }
        putPair(ci, "MRR", Bootstrap.ci95(r.values("MRR"), everyone, o.bootstrapSamples(), o.seed()));
      }
      m.put("train_seconds", round3(r.trainSeconds));
      m.put("eval_seconds", round3(r.evalSeconds));
      if (!r.fitted.isEmpty()) m.putPOJO("fitted", r.fitted);
      if (best != null && r != best && o.bootstrapSamples() > 0) {
        putPairedTest(m, Bootstrap.paired(r.values(headline), best.values(headline), everyone,
            o.bootstrapSamples(), o.permutations(), o.seed()), best.model, headline, o);
      }
      // against every other model too: a variant and the default in one run compare without a second run
      if (o.bootstrapSamples() > 0 && results.size() > 1) {
        ObjectNode tests = m.putObject("paired_tests");
        for (ModelResult other : results) {
          if (other == r) continue;
          writePairedTest(tests.putObject(other.model), Bootstrap.paired(r.values(headline), other.values(headline),
              everyone, o.bootstrapSamples(), o.permutations(), o.seed()), other.model, headline, o);
        }
      }
    }
    ObjectNode info = root.putObject("split");
    info.put("items", split.train().numItems());
    int withHistory = 0;
    for (int u = 0; u < split.train().numUsers(); u++) if (split.train().historyLength(u) > 0) withHistory++;
    info.put("train_users", withHistory);
    info.put("train_interactions", split.train().size());
    info.put("test_users", split.numTestUsers());
    info.put("targets", split.targets().length);
    info.put("ranking", split.ranking());
    for (Map.Entry<String, Object> e : split.info().entrySet()) {
      Object v = e.getValue();
      if (v instanceof Integer || v instanceof Long) info.put(e.getKey(), ((Number) v).longValue());
      else if (v instanceof Number n) info.put(e.getKey(), n.doubleValue());
      else info.put(e.getKey(), String.valueOf(v));
    }
    if (best != null) root.put(o.pairedWith() != null ? "paired_with" : "best_baseline", best.model);
    ObjectNode defs = root.putObject("definitions");
    definitions().forEach(defs::put);
    defs.put("ranking", split.ranking());
    defs.put("drifting_representation", Segments.useEmbeddings(split.train().catalog())
        ? "item embeddings" : "item categories and domain");
    return root;
  }

  private static void putPairedTest(ObjectNode into, Bootstrap.Paired p, String against, String metric,
                                    EvaluateOptions o) {
    writePairedTest(into.putObject("paired_test"), p, against, metric, o);
  }

  private static void writePairedTest(ObjectNode pt, Bootstrap.Paired p, String against, String metric,
                                      EvaluateOptions o) {
    pt.put("against", against);
    pt.put("metric", metric);
    put(pt, "mean_diff", p.meanDiff());
    putPair(pt, "ci95", p.ci95());
    put(pt, "p_value", p.pValue());
    pt.put("method", "paired randomisation (sign-flip) test, " + o.permutations()
        + " flips; paired bootstrap interval, " + o.bootstrapSamples() + " resamples");
  }

  static Map<String, String> definitions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("ranking", "full ranking over every catalogue item without a training interaction of the user");
    d.put("ties", "pessimistic: a target ranks after every non-target candidate with an equal or higher score");
    d.put("MRR", "reciprocal rank of the best-ranked target among all the candidates (see ranking), not cut at K");
    d.put("Recall", "targets in the top K / all targets of the user");
    d.put("Novelty", "mean -log2((pop+1)/(U+1)) over the top K; pop = training users of the item, U = training users");
    d.put("ARP", "mean training popularity (users) of the top K");
    d.put("ILD", "1 - mean pairwise cosine of item embeddings in the top K (only when items have vectors)");
    d.put("Coverage", "distinct items in all users' top K / catalogue size");
    d.put("Gini", "Gini coefficient of item exposure in all users' top K");
    d.put("cold", "at most " + Segments.COLD_MAX + " training items");
    d.put("drifting", "at least " + 2 * Segments.RECENT + " training items and cosine(mean of last " + Segments.RECENT
        + " items, mean of earlier items) in the lowest " + Segments.DRIFT_QUANTILE + " quantile and < 1");
    d.put("cross-domain", "training history in at least two domains");
    d.put("domain:X", "the user's first target item is in domain X (cdsr-*: the target's domain; cold-target: the "
        + "hidden domain)");
    d.put("users", "users with at least one target; users without one are not counted");
    return d;
  }

  /** Means of the per-user metrics over {@code at}, plus Coverage and Gini of the lists; {"users": 0} when empty. */
  private static ObjectNode aggregate(ModelResult r, int[] at, int[] ks, Split split) {
    ObjectNode o = JSON.createObjectNode();
    if (at.length > 0) {
      for (int k : ks) {
        for (String m : new String[] {"HR", "Recall", "Precision", "F1", "NDCG"}) put(o, m + "@" + k,
            Metrics.mean(r.values(m + "@" + k), at));
      }
      put(o, "MRR", Metrics.mean(r.values("MRR"), at));
      for (int k : ks) {
        long[] exposure = Metrics.exposure(r.lists, r.listLen, r.stride, at, k, split.train().numItems());
        put(o, "Coverage@" + k, Metrics.coverage(exposure));
        put(o, "Novelty@" + k, Metrics.mean(r.values("Novelty@" + k), at));
        if (r.values("ILD@" + k) != null) put(o, "ILD@" + k, Metrics.mean(r.values("ILD@" + k), at));
        put(o, "ARP@" + k, Metrics.mean(r.values("ARP@" + k), at));
        put(o, "Gini@" + k, Metrics.gini(exposure));
      }
    }
    o.put("users", at.length);
    return o;
  }

  private static void put(ObjectNode o, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) o.putNull(key);
    else o.put(key, v);
  }

  private static void putPair(ObjectNode o, String key, double[] pair) {
    if (pair == null) return;
    ArrayNode a = o.putArray(key);
    for (double v : pair) {
      if (Double.isNaN(v)) a.addNull();
      else a.add(v);
    }
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double number(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }
}
