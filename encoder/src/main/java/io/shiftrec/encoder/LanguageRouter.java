package io.shiftrec.encoder;

import io.shiftrec.core.Item;
import io.shiftrec.core.Language;

/**
 * Chooses the bundled model that encodes an item or a text: the Chinese model for Chinese and for Japanese (whose
 * kanji it reads), the English one for everything else, or one configured model for all. Language comes from
 * {@link Language}: an item's declared tag, else the language detected in its text.
 */
public final class LanguageRouter {
  private final String forced;

  private LanguageRouter(String forced) {
    this.forced = forced;
  }

  /** Routes by language. */
  public static LanguageRouter byLanguage() {
    return new LanguageRouter(null);
  }

  /** Sends everything to {@code modelId}, one of {@link BundledModels#ids()}. */
  public static LanguageRouter forced(String modelId) {
    if (!BundledModels.ids().contains(modelId)) {
      throw new IllegalArgumentException("unknown model '" + modelId + "'; bundled models are " + BundledModels.ids());
    }
    return new LanguageRouter(modelId);
  }

  public String modelFor(Item item) {
    return forced != null ? forced : model(Language.of(item));
  }

  public String modelFor(String text) {
    return forced != null ? forced : model(Language.detect(text));
  }

  private static String model(String language) {
    return Language.CHINESE.equals(language) || Language.JAPANESE.equals(language) ? BundledModels.ZH
        : BundledModels.EN;
  }
}
