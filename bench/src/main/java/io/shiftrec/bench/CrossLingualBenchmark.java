package io.shiftrec.bench;

import io.shiftrec.core.TextEncoder;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.LanguageAlignment;
import io.shiftrec.encoder.SharedSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Cross-lingual retrieval on a bilingual set of item texts (each item written in English and in Chinese): for every
 * item, is its translation among the 10 nearest texts of the other language (Recall@10, every item of that language
 * a candidate)? Measured for each way of putting both languages in one space: each language's own model (today's
 * two spaces, where nothing crosses), one model for both, and the Chinese model mapped into the English model's
 * space by a {@link LanguageAlignment} learned on the other folds of the set.
 */
public final class CrossLingualBenchmark {
  static final int K = 10;

  private CrossLingualBenchmark() {}

  /** One item in both languages. */
  public record Pair(String id, String domain, String english, String chinese) {}

  /** One design's Recall@10 in each direction, and how many queries each direction had. */
  public record Row(String design, double englishToChinese, double chineseToEnglish, int queries) {}

  /** The alignment of the whole set, as ShiftRec ships it ({@code SharedSpace}), written to {@code out}. */
  public static void saveAlignment(List<Pair> pairs, double lambda, Path out) {
    List<String> english = new ArrayList<>(), chinese = new ArrayList<>();
    for (Pair p : pairs) {
      english.add(p.english());
      chinese.add(p.chinese());
    }
    try {
      Files.write(out, SharedSpace.learn(english, chinese, lambda).toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
  }

  /** The set's rows: a header {@code id domain en zh}, then one tab-separated item per line. */
  public static List<Pair> read(Path tsv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tsv, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals("id\tdomain\ten\tzh")) {
      throw new IllegalArgumentException(tsv + ": expected the header 'id<TAB>domain<TAB>en<TAB>zh'");
    }
    List<Pair> pairs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int l = 1; l < lines.size(); l++) {
      if (lines.get(l).isBlank()) continue;
      String[] f = lines.get(l).split("\t", -1);
      if (f.length != 4 || f[2].isBlank() || f[3].isBlank()) {
        throw new IllegalArgumentException(tsv + " line " + (l + 1) + ": expected 4 fields, the texts not empty");
      }
      if (!ids.add(f[0])) throw new IllegalArgumentException(tsv + " line " + (l + 1) + ": id " + f[0] + " repeats");
      pairs.add(new Pair(f[0], f[1], f[2], f[3]));
    }
    return pairs;
  }

  /**
   * Encodes the set with both bundled models and prints the table.
   *
   * @param folds the alignment is learned on all folds but one and measured on that one, each fold in turn
   */
  public static List<Row> run(PrintStream out, List<Pair> pairs, int folds, double lambda, long seed) {
    List<String> english = new ArrayList<>(), chinese = new ArrayList<>();
    for (Pair p : pairs) {
      english.add(p.english());
      chinese.add(p.chinese());
    }
    float[][] enByEn, zhByEn, enByZh, zhByZh;
    try (TextEncoder en = BundledModels.open(BundledModels.EN)) {
      enByEn = en.encode(english);
      zhByEn = en.encode(chinese);
    }
    try (TextEncoder zh = BundledModels.open(BundledModels.ZH)) {
      enByZh = zh.encode(english);
      zhByZh = zh.encode(chinese);
    }
    int n = pairs.size();
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("each language its own model (two spaces: nothing crosses)", 0, 0, n));
    rows.add(both("English model for both languages", enByEn, zhByEn));
    rows.add(both("Chinese model for both languages", enByZh, zhByZh));
    rows.add(aligned("Chinese model aligned into the English model's space", enByEn, zhByZh, folds, lambda, seed));
    rows.add(aligned("English model, Chinese texts aligned into its space", enByEn, zhByEn, folds, lambda, seed));
    double kept = neighboursKept(zhByZh, folds, enByEn, lambda, seed);
    out.printf(Locale.ROOT, "Cross-lingual retrieval: %d items in English and Chinese, Recall@%d of the translation"
        + " among all %d texts of the other language (chance %.3f); alignments: %d folds, lambda %s%n", n, K, n,
        (double) K / n, folds, lambda);
    out.println("| design | English → Chinese | Chinese → English |");
    out.println("|---|---:|---:|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %s | %.3f | %.3f |%n", r.design(), r.englishToChinese(), r.chineseToEnglish());
    }
    out.printf(Locale.ROOT, "Chinese items among themselves: %.3f of each item's %d nearest Chinese items stay its"
        + " nearest after the alignment (the Chinese model's own space against the English one, same folds)%n", kept, K);
    return rows;
  }

  /**
   * What the alignment keeps of the Chinese model's own neighbourhoods: per Chinese item of each fold (mapped by the
   * alignment learned on the other folds, like every other item), the share of its K nearest Chinese items in the
   * Chinese model's space that are still among its K nearest after the mapping.
   */
  private static double neighboursKept(float[][] chinese, int folds, float[][] english, double lambda, long seed) {
    int n = chinese.length;
    int[] fold = folds(n, folds, seed);
    float[][] own = centred(chinese, new float[0][])[0];
    double kept = 0;
    for (int f = 0; f < folds; f++) {
      float[][] mapped = centred(mappedByFold(chinese, english, fold, f, lambda), new float[0][])[0];
      for (int i = 0; i < n; i++) {
        if (fold[i] != f) continue;
        Set<Integer> before = nearest(own, i), after = nearest(mapped, i);
        after.retainAll(before);
        kept += (double) after.size() / K;
      }
    }
    return kept / n;
  }

  /** The K rows nearest row {@code q}, itself left out. */
  private static Set<Integer> nearest(float[][] rows, int q) {
    io.shiftrec.core.TopK top = new io.shiftrec.core.TopK(K);
    for (int c = 0; c < rows.length; c++) if (c != q) top.offer(c, dot(rows[q], rows[c]));
    Set<Integer> out = new HashSet<>();
    for (int c : top.drain(null)) out.add(c);
    return out;
  }

  /** One model for both languages: the vectors as the model gives them. */
  private static Row both(String design, float[][] english, float[][] chinese) {
    float[][][] c = centred(english, chinese);
    return new Row(design, recall(c[0], c[1], null), recall(c[1], c[0], null), english.length);
  }

  /**
   * Both languages' vectors less the mean of them all, L2-normalised again: one bilingual catalogue's space as the
   * product scores in it ({@code Catalog.centred()}).
   */
  static float[][][] centred(float[][] a, float[][] b) {
    int d = a[0].length;
    double[] mean = new double[d];
    for (float[][] side : new float[][][] {a, b}) for (float[] v : side) for (int i = 0; i < d; i++) mean[i] += v[i];
    for (int i = 0; i < d; i++) mean[i] /= a.length + b.length;
    float[][][] out = new float[2][][];
    for (int s = 0; s < 2; s++) {
      float[][] side = s == 0 ? a : b;
      out[s] = new float[side.length][];
      for (int r = 0; r < side.length; r++) {
        float[] v = new float[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
          v[i] = (float) (side[r][i] - mean[i]);
          norm += v[i] * v[i];
        }
        float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
        for (int i = 0; i < d; i++) v[i] *= scale;
        out[s][r] = v;
      }
    }
    return out;
  }

  /**
   * Chinese vectors mapped into the English vectors' space, each fold's items by an alignment learned on the other
   * folds; every Chinese item is a candidate, mapped by the same fold's alignment.
   */
  private static Row aligned(String design, float[][] english, float[][] chinese, int folds, double lambda,
                             long seed) {
    int n = english.length;
    int[] fold = folds(n, folds, seed);
    double hitsEnZh = 0, hitsZhEn = 0;
    for (int f = 0; f < folds; f++) {
      float[][] mapped = mappedByFold(chinese, english, fold, f, lambda);
      boolean[] query = new boolean[n];
      for (int i = 0; i < n; i++) query[i] = fold[i] == f;
      float[][][] c = centred(english, mapped);
      hitsEnZh += recall(c[0], c[1], query) * count(query);
      hitsZhEn += recall(c[1], c[0], query) * count(query);
    }
    return new Row(design, hitsEnZh / n, hitsZhEn / n, n);
  }

  /** Each row's fold, the rows dealt in a seeded random order. */
  private static int[] folds(int n, int folds, long seed) {
    int[] fold = new int[n];
    int[] order = shuffled(n, seed);
    for (int r = 0; r < n; r++) fold[order[r]] = r % folds;
    return fold;
  }

  /** Every Chinese vector mapped by the alignment learned on the rows outside fold {@code f}. */
  private static float[][] mappedByFold(float[][] chinese, float[][] english, int[] fold, int f, double lambda) {
    List<float[]> from = new ArrayList<>(), to = new ArrayList<>();
    for (int i = 0; i < chinese.length; i++) {
      if (fold[i] == f) continue;
      from.add(chinese[i]);
      to.add(english[i]);
    }
    LanguageAlignment alignment = LanguageAlignment.fit(from, to, lambda);
    float[][] mapped = new float[chinese.length][];
    for (int i = 0; i < chinese.length; i++) mapped[i] = alignment.map(chinese[i]);
    return mapped;
  }

  /** The share of queries (all when {@code asked} is null) whose own row is among the K nearest candidates. */
  static double recall(float[][] queries, float[][] candidates, boolean[] asked) {
    int hits = 0, total = 0;
    for (int q = 0; q < queries.length; q++) {
      if (asked != null && !asked[q]) continue;
      total++;
      float own = dot(queries[q], candidates[q]);
      int closer = 0;
      for (int c = 0; c < candidates.length && closer < K; c++) {
        if (c != q && dot(queries[q], candidates[c]) > own) closer++;
      }
      if (closer < K) hits++;
    }
    return total == 0 ? 0 : (double) hits / total;
  }

  private static int count(boolean[] flags) {
    int c = 0;
    for (boolean f : flags) if (f) c++;
    return c;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
