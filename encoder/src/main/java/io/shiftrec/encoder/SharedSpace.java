package io.shiftrec.encoder;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How English and Chinese texts meet in one space. Each language is read by its own bundled model; a catalogue that
 * holds items of both languages keeps one space, the English model's, where Chinese items are carried by the
 * {@link LanguageAlignment} shipped with ShiftRec (learned from the repository's bilingual item set,
 * {@code samples/bilingual-items}), so a Chinese item reaches an English reader and back. A catalogue in one
 * language keeps that language's model untouched. Free text (an onboarding sentence, a review) lands in the
 * catalogue's space: Chinese text in an English space through the alignment, English text in a Chinese space read by
 * the Chinese model, which reads English too (docs/BENCHMARKS.md, "One space for both languages").
 */
public final class SharedSpace {
  /** The shipped alignment of {@link BundledModels#ZH} into {@link BundledModels#EN}'s space. */
  public static final String ALIGNMENT_RESOURCE = "io/shiftrec/encoder/bge-small-zh-v1.5-into-bge-small-en-v1.5.bin";
  /** The alignment's ridge regularisation, chosen by cross-validation on the bilingual set (docs/BENCHMARKS.md). */
  public static final double ALIGNMENT_LAMBDA = 0.3;

  private static volatile LanguageAlignment chineseIntoEnglish;

  private SharedSpace() {}

  /** The shipped alignment, read once. */
  public static LanguageAlignment chineseIntoEnglish() {
    LanguageAlignment a = chineseIntoEnglish;
    if (a == null) {
      a = LanguageAlignment.fromBytes(OnnxTextEncoder.resource(ALIGNMENT_RESOURCE));
      chineseIntoEnglish = a;
    }
    return a;
  }

  /**
   * The alignment learned from translations, row by row the same text: the English texts read by the English model,
   * the Chinese ones by the Chinese model (how {@link #ALIGNMENT_RESOURCE} was made, with {@link #ALIGNMENT_LAMBDA}).
   */
  public static LanguageAlignment learn(List<String> english, List<String> chinese, double lambda) {
    float[][] target, source;
    try (OnnxTextEncoder en = BundledModels.open(BundledModels.EN)) {
      target = en.encode(english);
    }
    try (OnnxTextEncoder zh = BundledModels.open(BundledModels.ZH)) {
      source = zh.encode(chinese);
    }
    return LanguageAlignment.fit(List.of(source), List.of(target), lambda);
  }

  /**
   * The space among {@code spaces} (a catalogue's) where text that {@code model} reads lands: its own, else the
   * other language's; null when {@code spaces} holds neither.
   */
  public static String spaceFor(String model, Set<String> spaces) {
    if (spaces.contains(model)) return model;
    if (BundledModels.ZH.equals(model) && spaces.contains(BundledModels.EN)) return BundledModels.EN;
    if (BundledModels.EN.equals(model) && spaces.contains(BundledModels.ZH)) return BundledModels.ZH;
    return null;
  }

  /** The model that reads text of {@code model}'s language for {@code space}: the Chinese model for its own space. */
  static String readerFor(String model, String space) {
    return BundledModels.ZH.equals(space) ? BundledModels.ZH : model;
  }

  /** Whether vectors that {@code reader} made must be carried into {@code space} by the alignment. */
  static boolean aligned(String reader, String space) {
    return BundledModels.ZH.equals(reader) && BundledModels.EN.equals(space);
  }

  /**
   * The spaces of a catalogue whose items were read by {@code models}: one, the English model's, when both languages
   * are there; otherwise each model's own.
   */
  public static Set<String> spaces(Set<String> models) {
    if (!models.contains(BundledModels.ZH) || !models.contains(BundledModels.EN)) return models;
    Set<String> out = new LinkedHashSet<>(models);
    out.remove(BundledModels.ZH);
    return out;
  }

  /**
   * Whether items joining a catalogue of spaces {@code existing} with vectors in spaces {@code joining} change how
   * the catalogue is laid out (Chinese items first joined by English ones), so every item must be placed again.
   */
  public static boolean relaysOut(Set<String> existing, Set<String> joining) {
    Set<String> all = new LinkedHashSet<>(existing);
    all.addAll(joining);
    return !spaces(all).containsAll(existing);
  }

  /**
   * Item vectors grouped by the model that made them, regrouped by space: where the catalogue they belong to holds
   * both languages (these items and the spaces {@code beside} them, e.g. a catalogue they are upserted into), the
   * Chinese ones carried into the English space (after the English ones, in their order); otherwise as they are.
   * Items that shared one array share one again.
   */
  public static Map<String, Map<String, float[]>> bySpace(Map<String, Map<String, float[]>> byModel,
                                                          Set<String> beside) {
    Map<String, float[]> chinese = byModel.get(BundledModels.ZH);
    Set<String> all = new LinkedHashSet<>(byModel.keySet());
    all.addAll(beside);
    if (chinese == null || spaces(all).contains(BundledModels.ZH)) return byModel;
    LanguageAlignment alignment = chineseIntoEnglish();
    Map<String, float[]> merged = new LinkedHashMap<>(byModel.getOrDefault(BundledModels.EN, Map.of()));
    Map<float[], float[]> carried = new IdentityHashMap<>();
    chinese.forEach((id, v) -> merged.put(id, carried.computeIfAbsent(v, alignment::map)));
    Map<String, Map<String, float[]>> out = new LinkedHashMap<>();
    byModel.forEach((model, vectors) -> {
      if (!model.equals(BundledModels.ZH) && !model.equals(BundledModels.EN)) out.put(model, vectors);
    });
    out.put(BundledModels.EN, merged);
    return out;
  }
}
