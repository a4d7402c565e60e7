package io.shiftrec.core;

/** Which language a text is written in, as far as ShiftRec needs to know: Chinese or not. */
public final class Language {
  private Language() {}

  public static final String CHINESE = "zh";
  public static final String ENGLISH = "en";

  /**
   * "zh" when CJK characters outweigh the other letters, a CJK character weighing as much as five Latin letters (a
   * Chinese word is one or two characters, an English word about five letters): "《三体》 Three-Body" is Chinese.
   */
  public static String detect(String text) {
    if (text == null) return ENGLISH;
    int letters = 0, cjk = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) continue;
      letters++;
      Character.UnicodeScript s = Character.UnicodeScript.of(cp);
      if (s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
          || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL) cjk++;
    }
    return cjk > 0 && cjk * 5 >= letters - cjk ? CHINESE : ENGLISH;
  }

  /** The item's declared language when it has one, else the language detected from its title and text. */
  public static String of(Item item) {
    if (item.language() != null && !item.language().isBlank()) {
      return item.language().toLowerCase(java.util.Locale.ROOT).startsWith(CHINESE) ? CHINESE : ENGLISH;
    }
    return detect(item.title() + " " + (item.text() == null ? "" : item.text()));
  }
}
