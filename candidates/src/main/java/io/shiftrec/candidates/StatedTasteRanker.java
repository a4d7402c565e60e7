package io.shiftrec.candidates;

import io.shiftrec.core.Recommendation;
import io.shiftrec.core.TopK;
import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Language;
import io.shiftrec.core.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.Map;

/**
 * Ranks the catalogue for someone who has only said what they like ("I like Comedy, Drama and Romance movies."). The
 * language model reads the text against every category of the catalogue (each category's label sentence, "I like
 * Comedy movies.", see {@link #categoryWeights}) to find which categories it names; the ranking is then, fused after
 * standardising each signal over the items of the query's space:
 *
 * <ul>
 *   <li>the {@link TastePopularity} of the named categories: what the users whose own history favours them took,
 *       shrunk toward global popularity with weight {@code α}. Which items of a kind people choose, and what else
 *       such people choose; the strongest signal (docs/BENCHMARKS.md, onboarding);
 *   <li>the text's cosine with each item's text, weight {@code textWeight}: what kind of item, as the language model
 *       reads the whole item;
 *   <li>the named categories' weights summed over each item's categories, weight {@code categoryWeight}: an item of
 *       two named genres before one of a single genre.
 * </ul>
 *
 * <p>Score = {@code z(log(1 + N·p_taste)) + textWeight·z(cos) + categoryWeight·z(affinity)}. A text cosine alone
 * ranks obscure items that happen to read alike; standardising puts every signal on one scale, so the weights,
 * chosen on validation users, mean the same for every text. The query is a raw encoder vector, brought into the
 * centred space ({@link Catalog.Space#place}) like the category label vectors. With no category vectors the base is
 * global popularity. Immutable and thread-safe after construction.
 */
public final class StatedTasteRanker {
  /**
   * @param tasteSmoothing α of {@link TastePopularity#score}, in (user, item) pairs
   * @param margin how far below the best category's cosine a category still counts as named ({@link #categoryWeights})
   * @param textWeight weight of the standardised text cosine
   * @param categoryWeight weight of the standardised category affinity
   */
  public record Settings(double tasteSmoothing, float margin, float textWeight, float categoryWeight) {
    public Settings {
      if (!(tasteSmoothing >= 0) || Double.isInfinite(tasteSmoothing)) {
        throw new IllegalArgumentException("tasteSmoothing must be a finite number ≥ 0, got " + tasteSmoothing);
      }
      if (!(margin > 0)) throw new IllegalArgumentException("margin must be positive, got " + margin);
      if (!(textWeight >= 0) || !(categoryWeight >= 0)) {
        throw new IllegalArgumentException("weights must be non-negative, got text " + textWeight + ", category "
            + categoryWeight);
      }
    }

    /**
     * The setting both validation halves of MovieLens 1M chose (docs/BENCHMARKS.md, onboarding): the fans' own
     * counts (α = 0), categories within 0.08 of the best, a little of the text cosine, no category affinity.
     */
    public static Settings defaults() {
      return new Settings(0, 0.08f, 0.05f, 0f);
    }
  }

  /** Width of the soft edge of {@link #categoryWeights}' margin, in cosine. */
  static final float SOFTNESS = 0.02f;

  private final Catalog.Space space;
  private final int numItems;
  private final boolean[] inSpace;
  private final TastePopularity taste;
  private final String[] categories;
  private final float[] categoryVectors; // row-major, one row per category with a vector, in the space's dimension
  private final int[][] itemCategories; // category rows of each item (empty when none or no vector)

  private StatedTasteRanker(Catalog.Space space, int numItems, boolean[] inSpace, TastePopularity taste,
                            String[] categories, float[] categoryVectors, int[][] itemCategories) {
    this.space = space;
    this.numItems = numItems;
    this.inSpace = inSpace;
    this.taste = taste;
    this.categories = categories;
    this.categoryVectors = categoryVectors;
    this.itemCategories = itemCategories;
  }

  /**
   * @param centred the catalogue with centred spaces ({@link Catalog#centred()})
   * @param model the space the queries will come from
   * @param taste what the users taking each category took, over the catalogue's items (never a target)
   * @param categoryVectors raw encoder vectors, in {@code model}, of each category's {@link #categoryLabel}; categories
   *     missing here are never read as named. May be empty.
   */
  public static StatedTasteRanker of(Catalog centred, String model, TastePopularity taste,
                                     Map<String, float[]> categoryVectors) {
    Catalog.Space space = centred.spaces().get(model);
    if (space == null) throw new IllegalArgumentException("the catalogue has no items encoded by " + model);
    int n = centred.size();
    if (taste.numItems() != n) {
      throw new IllegalArgumentException("taste popularity covers " + taste.numItems() + " items, the catalogue " + n);
    }
    boolean[] inSpace = new boolean[n];
    for (int i : space.itemIndex) inSpace[i] = true;
    Map<String, Integer> row = new LinkedHashMap<>();
    List<float[]> placed = new ArrayList<>();
    for (Map.Entry<String, float[]> e : categoryVectors.entrySet()) {
      float[] v = space.place(e.getValue());
      if (v == null) continue;
      row.put(e.getKey(), placed.size());
      placed.add(v);
    }
    float[] matrix = new float[placed.size() * space.dimension];
    for (int r = 0; r < placed.size(); r++) System.arraycopy(placed.get(r), 0, matrix, r * space.dimension, space.dimension);
    int[][] itemCats = new int[n][];
    Map<List<String>, int[]> shared = new HashMap<>();
    for (int i = 0; i < n; i++) {
      itemCats[i] = shared.computeIfAbsent(centred.item(i).categories(), cats -> {
        int[] rows = new int[cats.size()];
        int k = 0;
        for (String c : cats) {
          Integer r = row.get(c);
          if (r != null && !contains(rows, k, r)) rows[k++] = r;
        }
        return Arrays.copyOf(rows, k);
      });
    }
    return new StatedTasteRanker(space, n, inSpace, taste, row.keySet().toArray(new String[0]), matrix, itemCats);
  }

  /**
   * The text encoded for a category: the sentence of someone who likes just that category, "I like Comedy movies.",
   * so that it reads in the register of a stated taste and a sentence naming several categories lies near each of
   * them (bare labels, "Comedy movies", read worse on MovieLens: docs/DESIGN.md, onboarding).
   */
  public static String categoryLabel(String category, String domain, String language) {
    return sentence(List.of(category), domain, language);
  }

  /**
   * The sentence a new user would write about categories they like: "I like A, B and C movies." in English;
   * "我喜欢A、B和C电影。" in Chinese ({@code language} "zh"), with the domain's noun only when it is itself Chinese,
   * since an English domain name inside a Chinese sentence reads as noise to a Chinese encoder.
   */
  public static String sentence(List<String> categories, String domain, String language) {
    if (categories.isEmpty()) throw new IllegalArgumentException("a stated taste needs at least one category");
    int n = categories.size();
    if (Language.CHINESE.equals(language)) {
      String list = n == 1 ? categories.get(0)
          : String.join("、", categories.subList(0, n - 1)) + "和" + categories.get(n - 1);
      String noun = domain != null && Language.CHINESE.equals(Language.detect(domain)) ? domain : "";
      return "我喜欢" + list + noun + "。";
    }
    String list = n == 1 ? categories.get(0)
        : String.join(", ", categories.subList(0, n - 1)) + " and " + categories.get(n - 1);
    return "I like " + list + (domain == null || domain.isBlank() ? "" : " " + domain) + ".";
  }

  /**
   * The label sentence of every category of the items in space {@code model}, first met first, each in the domain and
   * language of the first item carrying it: what to encode (in {@code model}) for {@link #of}'s category vectors.
   */
  public static Map<String, String> categoryLabels(Catalog catalog, String model) {
    Catalog.Space space = catalog.spaces().get(model);
    if (space == null) throw new IllegalArgumentException("the catalogue has no items encoded by " + model);
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i : space.itemIndex) {
      io.shiftrec.core.Item item = catalog.item(i);
      for (String c : item.categories()) {
        if (!labels.containsKey(c)) labels.put(c, categoryLabel(c, item.domain(), Language.of(item)));
      }
    }
    return labels;
  }

  /**
   * A ranker over {@code catalog} (raw or centred; centred here) for queries of space {@code model}: taste popularity
   * from every history of {@code histories} ({@link TastePopularity#fromHistories}) and the {@link #categoryLabels}
   * encoded by {@code encode} (text to raw vector of {@code model}). Centring and encoding cost; build once per
   * catalogue and event version, not per request.
   */
  public static StatedTasteRanker build(Catalog catalog, String model, TrainingData histories,
                                        java.util.function.Function<String, float[]> encode) {
    Map<String, float[]> vectors = new LinkedHashMap<>();
    categoryLabels(catalog, model).forEach((c, label) -> vectors.put(c, encode.apply(label)));
    return of(catalog.centred(), model, TastePopularity.fromHistories(histories), vectors);
  }

  /** The distinct category names of the catalogue's items of {@code domain} (every domain when null), first met first. */
  public static List<String> categoriesOf(Catalog catalog, String domain) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (int i = 0; i < catalog.size(); i++) {
      if (domain == null || domain.equals(catalog.item(i).domain())) names.addAll(catalog.item(i).categories());
    }
    return new ArrayList<>(names);
  }

  public String model() {
    return space.model;
  }

  /** Categories the text can be read as naming (those with a label vector), in the order of their rows. */
  public List<String> categories() {
    return List.of(categories);
  }

  /** The raw query vector placed in the space, or null when it is zero. */
  public float[] place(float[] rawQuery) {
    return space.place(rawQuery);
  }

  /** Cosine of the placed query with every item of the space; {@code NaN} for items outside it. */
  public void textCosines(float[] placedQuery, float[] out) {
    checkOut(out);
    Arrays.fill(out, Float.NaN);
    for (int r = 0; r < space.size(); r++) out[space.itemIndex[r]] = Vectors.dotRow(space.vectors, r, placedQuery);
  }

  /**
   * Which categories the text names, as the language model reads it: the query's cosine with every category's label
   * sentence ({@link #categoryLabel}), and a category counts as named as far as its cosine comes within
   * {@code margin} of the best one, softly: {@code w_c = σ((cos_c − max + margin) / SOFTNESS)}, normalised to sum to
   * 1 (all 0 when there are no categories). A sentence naming three genres lies about equally near the three label
   * sentences and clearly further from the others (on MovieLens sentences, typically the named ones within 0.15 of
   * the best and the rest 0.18 or more below it), where a softmax hands most of the weight to one of the three.
   */
  public void categoryWeights(float[] placedQuery, float margin, float[] weightsOut) {
    if (!(margin > 0)) throw new IllegalArgumentException("margin must be positive, got " + margin);
    int c = categories.length;
    if (weightsOut.length != c) {
      throw new IllegalArgumentException("expected " + c + " category weights, got " + weightsOut.length);
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int r = 0; r < c; r++) {
      weightsOut[r] = Vectors.dotRow(categoryVectors, r, placedQuery);
      if (weightsOut[r] > max) max = weightsOut[r];
    }
    double sum = 0;
    for (int r = 0; r < c; r++) {
      weightsOut[r] = (float) (1 / (1 + Math.exp(-(weightsOut[r] - max + margin) / SOFTNESS)));
      sum += weightsOut[r];
    }
    for (int r = 0; r < c; r++) weightsOut[r] = (float) (weightsOut[r] / sum);
  }

  /**
   * The {@link #categoryWeights} at {@code margin} summed over each item's categories: in [0, 1]; 0 for items without
   * a category. {@code weightsOut} (may be null) receives the weight of every category.
   */
  public void categoryAffinity(float[] placedQuery, float margin, float[] out, float[] weightsOut) {
    checkOut(out);
    int c = categories.length;
    float[] w = weightsOut != null && weightsOut.length == c ? weightsOut : new float[c];
    categoryWeights(placedQuery, margin, w);
    for (int i = 0; i < numItems; i++) {
      float a = 0f;
      for (int r : itemCategories[i]) a += w[r];
      out[i] = a;
    }
  }

  /**
   * {@link TastePopularity#score} of the categories the placed query names ({@link #categoryWeights} at
   * {@code margin}), smoothing {@code α}; global popularity when there are no categories.
   */
  public void tastePopularity(float[] placedQuery, float margin, double smoothing, float[] out) {
    checkOut(out);
    float[] w = new float[categories.length];
    if (categories.length > 0) categoryWeights(placedQuery, margin, w);
    taste.score(categories, w, smoothing, out);
  }

  /**
   * Fused scores of every item for a raw query vector (the encoder's output for the stated taste); items outside the
   * query's space score {@code -∞}. A zero vector (an empty text) ranks by global popularity.
   */
  public void score(float[] rawQuery, Settings settings, float[] out) {
    checkOut(out);
    float[] q = space.place(rawQuery);
    if (q == null) {
      taste.score(new String[0], new float[0], 0, out);
      for (int i = 0; i < numItems; i++) if (!inSpace[i]) out[i] = Float.NEGATIVE_INFINITY;
      return;
    }
    float[] signal = new float[numItems];
    tastePopularity(q, settings.margin(), settings.tasteSmoothing(), signal);
    Arrays.fill(out, 0f);
    for (int i = 0; i < numItems; i++) if (!inSpace[i]) signal[i] = Float.NaN;
    addStandardised(signal, 1f, out);
    if (settings.textWeight() > 0) {
      textCosines(q, signal);
      addStandardised(signal, settings.textWeight(), out);
    }
    if (settings.categoryWeight() > 0 && categories.length > 0) {
      categoryAffinity(q, settings.margin(), signal, null);
      for (int i = 0; i < numItems; i++) if (!inSpace[i]) signal[i] = Float.NaN;
      addStandardised(signal, settings.categoryWeight(), out);
    }
    for (int i = 0; i < numItems; i++) if (!inSpace[i]) out[i] = Float.NEGATIVE_INFINITY;
  }

  /**
   * The {@code k} best items for a stated taste ({@link #score}) among those {@code eligible} accepts (by catalogue
   * index); items outside the query's space never come back.
   */
  public List<Recommendation> recommend(float[] rawQuery, Settings settings, Catalog catalog, int k,
                                        IntPredicate eligible) {
    float[] scores = new float[numItems];
    score(rawQuery, settings, scores);
    TopK top = new TopK(k);
    for (int i = 0; i < numItems; i++) {
      if (scores[i] != Float.NEGATIVE_INFINITY && eligible.test(i)) {
        top.offer(i, scores[i]);
      }
    }
    float[] best = new float[k];
    int[] items = top.drain(best);
    List<Recommendation> out = new ArrayList<>(items.length);
    for (int r = 0; r < items.length; r++) out.add(new Recommendation(catalog.item(items[r]), best[r], null));
    return out;
  }

  /** out[i] += weight · z(values[i]) over the items whose value is not NaN. */
  public static void addStandardised(float[] values, float weight, float[] out) {
    double sum = 0, sq = 0;
    int n = 0;
    for (float v : values) {
      if (Float.isNaN(v)) continue;
      sum += v;
      sq += (double) v * v;
      n++;
    }
    if (n == 0) return;
    double mean = sum / n, var = sq / n - mean * mean;
    if (!(var > 1e-12)) return; // a constant signal tells items nothing
    float scale = (float) (weight / Math.sqrt(var)), shift = (float) mean;
    for (int i = 0; i < values.length; i++) {
      if (!Float.isNaN(values[i])) out[i] += scale * (values[i] - shift);
    }
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int k = 0; k < n; k++) if (a[k] == v) return true;
    return false;
  }

  private void checkOut(float[] out) {
    if (out.length != numItems) {
      throw new IllegalArgumentException("expected an array of " + numItems + " scores, got " + out.length);
    }
  }
}
