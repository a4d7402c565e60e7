package io.shiftrec.core;

import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.Locale;

/**
 * Which language a text is written in, as far as ShiftRec needs to know: Chinese, Japanese, Korean, or English, which
 * stands for every other language (the bundled models read English and Chinese; text in any other language is read
 * by the English model). Detected by <a href="https://github.com/pemistahl/lingua">Lingua</a> among those four.
 */
public final class Language {
  private Language() {}

  public static final String CHINESE = "zh";
  public static final String ENGLISH = "en";
  public static final String JAPANESE = "ja";
  public static final String KOREAN = "ko";

  /**
   * Four languages, so only their models are ever loaded (well under a megabyte of heap); low accuracy mode, since
   * the choice among them rests on their scripts far more than on n-grams.
   */
  private static final LanguageDetector DETECTOR = LanguageDetectorBuilder.fromLanguages(
      com.github.pemistahl.lingua.api.Language.ENGLISH, com.github.pemistahl.lingua.api.Language.CHINESE,
      com.github.pemistahl.lingua.api.Language.JAPANESE, com.github.pemistahl.lingua.api.Language.KOREAN)
      .withLowAccuracyMode().build();

  /**
   * "zh", "ja", "ko" or "en": "《三体》 Three-Body" is Chinese, "寿司とラーメン" Japanese, and a text without a letter of
   * the Han, kana or Hangul scripts is "en" without asking the detector (among these four it can be nothing else),
   * which keeps the common case as cheap as a scan of its characters.
   */
  public static String detect(String text) {
    if (text == null || !hasEastAsianLetter(text)) return ENGLISH;
    return switch (DETECTOR.detectLanguageOf(text)) {
      case CHINESE -> CHINESE;
      case JAPANESE -> JAPANESE;
      case KOREAN -> KOREAN;
      default -> ENGLISH;
    };
  }

  private static boolean hasEastAsianLetter(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) continue;
      Character.UnicodeScript s = Character.UnicodeScript.of(cp);
      if (s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
          || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL) return true;
    }
    return false;
  }

  /**
   * The item's declared language when it has one ("zh-Hans" is "zh"; any tag but zh, ja and ko counts as "en"), else
   * the language detected from its title and text.
   */
  public static String of(Item item) {
    if (item.language() != null && !item.language().isBlank()) {
      String tag = item.language().toLowerCase(Locale.ROOT);
      for (String known : new String[] {CHINESE, JAPANESE, KOREAN}) if (tag.startsWith(known)) return known;
      return ENGLISH;
    }
    return detect(item.title() + " " + (item.text() == null ? "" : item.text()));
  }
}
