package io.shiftrec.serve;

import io.shiftrec.candidates.NearestItems;
import io.shiftrec.candidates.StatedTasteRanker;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Language;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.Store;
import io.shiftrec.core.TrainingData;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.encoder.StoreEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Recommendations for someone with no history, from a sentence of their taste: the sentence is read by the model of
 * its language and placed in the catalogue's space; where the items have categories, the stated-taste ranker
 * ({@link StatedTasteRanker}) answers, else the items nearest the sentence. The server's {@code POST /onboarding}
 * keeps the rankers between requests ({@code LiveCatalog}); {@code recommend --text} builds one for its answer.
 */
public final class Newcomers {
  private Newcomers() {}

  /** The model that read the sentence, the space it was matched in (null: none yet) and the answer. */
  public record Answer(String reader, String space, List<Recommendation> recs) {}

  /** The name of the sentence's language when the bundled models cannot read it (Japanese, Korean), else null. */
  public static String unreadableLanguage(String text) {
    String language = Language.detect(text);
    return language.equals(Language.JAPANESE) ? "Japanese" : language.equals(Language.KOREAN) ? "Korean" : null;
  }

  /**
   * The answer from prepared parts: the stated-taste ranker of the sentence's space over {@code tasteCentred} (null:
   * none, then the nearest items of {@code centred}).
   *
   * @param raw the sentence's vector in its space, before the catalogue's centring
   */
  static List<Recommendation> rank(StatedTasteRanker taste, Catalog tasteCentred, IntPredicate tasteShown,
                                   Catalog centred, String space, float[] raw, int k, IntPredicate shown) {
    Catalog.Space s = space == null ? null : centred.spaces().get(space);
    float[] placed = s == null ? null : s.place(raw);
    if (placed == null) return List.of();
    return taste != null ? taste.recommend(raw, StatedTasteRanker.Settings.defaults(), tasteCentred, k, tasteShown)
        : NearestItems.of(centred, s, placed, k, shown);
  }

  /**
   * One answer from a store: the catalogue's stated-taste ranker built for it (the histories read once), the items
   * of {@code domain} only when not null. IllegalArgumentException for a sentence the models cannot read.
   */
  public static Answer fromText(Store store, Catalog catalog, String text, int k, String domain) {
    String unreadable = unreadableLanguage(text);
    if (unreadable != null) {
      throw new IllegalArgumentException("the text reads as " + unreadable + "; ShiftRec reads English and Chinese");
    }
    StoreEncoding.Settings settings = StoreEncoding.settings(store);
    Catalog centred = catalog.centred();
    IntPredicate shown = i -> domain == null || domain.equals(centred.item(i).domain());
    try (Embedder embedder = Embedder.bundled(store, settings.router(), settings.itemText())) {
      String space = embedder.spaceFor(text, centred.spaces().keySet());
      String reader = embedder.readerFor(text, space);
      if (space == null) return new Answer(reader, null, List.of());
      float[] raw = embedder.encodeTextIn(text, space);
      StatedTasteRanker taste = null;
      if (!StatedTasteRanker.categoryLabels(catalog, space).isEmpty()) {
        List<Event> events = new ArrayList<>();
        store.forEachEvent(events::add);
        taste = StatedTasteRanker.build(catalog, space, TrainingData.fromEvents(catalog, events),
            label -> embedder.ensureEncodedTextsIn(List.of(label), space, Progress.NONE).get(label));
      }
      return new Answer(reader, space, rank(taste, centred, shown, centred, space, raw, k, shown));
    }
  }
}
