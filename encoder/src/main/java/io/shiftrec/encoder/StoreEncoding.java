package io.shiftrec.encoder;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.TextEncoder;
import io.shiftrec.core.TextVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Set;

/**
 * How a store's items are embedded (which text, which model), and the catalogue of its items with their vectors;
 * shared by the command line and the server.
 */
public final class StoreEncoding {
  /** The artefact that remembers how a store's items are embedded, so later commands embed them the same way. */
  private static final String ENCODING_ARTIFACT = "text-encoding";

  private StoreEncoding() {}

  /**
   * How items are turned into text and which model embeds them.
   *
   * @param fields item fields in order (see {@link ItemText})
   * @param maxTokens truncation, counted in model tokens
   * @param model a bundled model id for every item, or null to choose by each item's language
   */
  public record Settings(List<String> fields, int maxTokens, String model) {
    public Settings {
      fields = List.copyOf(fields);
      if (model != null && !BundledModels.ids().contains(model)) {
        throw new IllegalArgumentException("unknown model '" + model + "' (expected one of " + BundledModels.ids()
            + ")");
      }
      new ItemText(fields, maxTokens); // validates
    }

    public static Settings defaults() {
      return new Settings(ItemText.DEFAULT_FIELDS, BundledModels.MAX_TOKENS, null);
    }

    public ItemText itemText() {
      return new ItemText(fields, maxTokens);
    }

    public LanguageRouter router() {
      return model == null ? LanguageRouter.byLanguage() : LanguageRouter.forced(model);
    }

    Map<String, Object> toMetadata() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fields", fields);
      m.put("max_tokens", maxTokens);
      m.put("model", model == null ? "auto" : model);
      return m;
    }

    static Settings fromMetadata(Map<String, Object> m) {
      List<String> fields = new ArrayList<>();
      for (Object f : (List<?>) m.get("fields")) fields.add(f.toString());
      String model = String.valueOf(m.get("model"));
      return new Settings(fields, ((Number) m.get("max_tokens")).intValue(), "auto".equals(model) ? null : model);
    }
  }

  /** The settings saved in the store, or the defaults for a store that never saved any. */
  public static Settings settings(Store store) {
    return store.latestArtifact(ENCODING_ARTIFACT).map(a -> Settings.fromMetadata(a.metadata()))
        .orElseGet(Settings::defaults);
  }

  /** Saves settings as the store's current ones when they differ from what it holds. */
  static void saveSettings(Store store, Settings settings) {
    if (!settings.equals(settings(store)) || store.latestArtifact(ENCODING_ARTIFACT).isEmpty()) {
      store.putArtifact(ENCODING_ARTIFACT, settings.toMetadata(), new byte[0]);
    }
  }

  /** What an encoding pass did. */
  public record Encoded(int items, long newEmbeddings, double seconds) {
    public String summary() {
      return String.format("encoded %,d items: %,d new embeddings, %,d from cache, in %.1f s", items, newEmbeddings,
          items - Math.min(items, newEmbeddings), seconds);
    }
  }

  /**
   * Encodes every item, and every behaviour text of the events (review bodies, tags, search queries), that has no
   * cached vector yet, and makes these settings the store's.
   */
  public static Encoded encodeCatalog(Store store, Settings settings, Progress progress) {
    return encodeCatalog(store, settings, Embedder.bundledModels(settings.itemText()), progress);
  }

  /**
   * As {@link #encodeCatalog(Store, Settings, Progress)}, the texts encoded by the encoders {@code opener} opens for
   * a bundled model's id (e.g. spread over a Spark cluster's executors); they must truncate as the settings say.
   */
  public static Encoded encodeCatalog(Store store, Settings settings, Function<String, ? extends TextEncoder> opener,
                                      Progress progress) {
    long start = System.nanoTime();
    saveSettings(store, settings);
    List<Item> items = store.items();
    long before = store.counts().embeddings();
    try (Embedder embedder = new Embedder(store, settings.router(), settings.itemText(), opener)) {
      Map<String, Map<String, float[]>> vectors = embedder.ensureEncoded(items, progress);
      List<Event> texts = new ArrayList<>();
      store.forEachEvent(e -> {
        if (e.text() != null && !e.text().isBlank()) texts.add(e);
      });
      encodeBehaviourText(embedder, SharedSpace.spaces(vectors.keySet()), texts, progress);
    }
    return new Encoded(items.size(), store.counts().embeddings() - before, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The behaviour text of {@code history} embedded (cached in the store) and placed in the spaces of
   * {@code centred}, the catalogue the recommender scores in.
   */
  public static TextVectors behaviourText(Store store, Catalog centred, List<Event> history, Progress progress) {
    Settings settings = settings(store);
    try (Embedder embedder = Embedder.bundled(store, settings.router(), settings.itemText())) {
      return behaviourText(embedder, centred, history, progress);
    }
  }

  /** {@link #behaviourText(Store, Catalog, List, Progress)} with an embedder already open (the server's). */
  public static TextVectors behaviourText(Embedder embedder, Catalog centred, List<Event> history,
                                          Progress progress) {
    List<Event> texts = new ArrayList<>();
    for (Event e : history) if (e.text() != null && !e.text().isBlank()) texts.add(e);
    if (texts.isEmpty()) return TextVectors.NONE;
    Map<String, TextVectors.Placed> placed = new HashMap<>();
    encodeBehaviourText(embedder, centred.spaces().keySet(), texts, progress).forEach((model, byText) -> {
      Catalog.Space space = centred.spaces().get(model);
      byText.forEach((text, vector) -> {
        float[] v = space.place(vector);
        if (v != null) placed.put(text, new TextVectors.Placed(model, v));
      });
    });
    return placed::get;
  }

  /**
   * Encodes the events' texts into the catalogue's {@code spaces}, each read by the model of its language and placed
   * as {@link SharedSpace} says (a Chinese review of an English catalogue through the alignment). Returns space →
   * text → vector.
   */
  private static Map<String, Map<String, float[]>> encodeBehaviourText(Embedder embedder, Set<String> spaces,
      List<Event> events, Progress progress) {
    Map<String, List<String>> textsBySpace = new LinkedHashMap<>();
    for (Event e : events) {
      String space = embedder.spaceFor(e.text(), spaces);
      if (space != null) textsBySpace.computeIfAbsent(space, m -> new ArrayList<>()).add(e.text());
    }
    Map<String, Map<String, float[]>> out = new LinkedHashMap<>();
    textsBySpace.forEach((space, texts) -> out.put(space, embedder.ensureEncodedTextsIn(texts, space, progress)));
    return out;
  }

  /**
   * Removes, within {@code tx}, the cached vectors of the events' texts (a deleted user's reviews and queries) under
   * every bundled model. A text another user also wrote is simply encoded again when next needed.
   */
  public static void forgetBehaviourText(Store.Transaction tx, Settings settings, List<Event> events) {
    Set<String> keys = new java.util.TreeSet<>();
    for (Event e : events) if (e.text() != null && !e.text().isBlank()) keys.add(settings.itemText().hashOf(e.text()));
    if (keys.isEmpty()) return;
    for (String model : BundledModels.ids()) tx.deleteEmbeddings(model, keys);
  }

  /**
   * Removes the cached vectors of a deleted item's text. Another item with exactly the same text is encoded again when
   * it is next read.
   */
  public static void forgetItemText(Store.Transaction tx, Settings settings, Item item) {
    Set<String> keys = Set.of(settings.itemText().hash(item));
    for (String model : BundledModels.ids()) tx.deleteEmbeddings(model, keys);
  }

  /** Every item with its vector under the store's settings, encoding the ones not cached yet. */
  public static Catalog catalog(Store store, Progress progress) {
    return catalog(store, store, settings(store), progress);
  }

  /**
   * Every item of {@code items} with its vector, the vectors cached in {@code embeddings} (evaluation keeps one cache
   * across the temporary stores it imports into).
   */
  public static Catalog catalog(Store items, Store embeddings, Settings settings, Progress progress) {
    try (Embedder embedder = Embedder.bundled(embeddings, settings.router(), settings.itemText())) {
      return catalog(items.items(), embedder, progress);
    }
  }

  /** These items with their vectors, in this order, encoding the ones {@code embedder} has not cached yet. */
  public static Catalog catalog(List<Item> items, Embedder embedder, Progress progress) {
    return catalog(items, embedder, Set.of(), progress);
  }

  /**
   * {@link #catalog(List, Embedder, Progress)} for items joining a catalogue of spaces {@code beside}: placed as
   * that catalogue places its items ({@link SharedSpace#bySpace}), so a Chinese item upserted into a catalogue of
   * both languages lands in its one space.
   */
  public static Catalog catalog(List<Item> items, Embedder embedder, Set<String> beside, Progress progress) {
    Map<String, Map<String, float[]>> vectors = SharedSpace.bySpace(embedder.ensureEncoded(items, progress), beside);
    Map<String, String> modelOf = new LinkedHashMap<>();
    vectors.forEach((model, byItem) -> byItem.keySet().forEach(id -> modelOf.put(id, model)));
    Catalog.Builder builder = Catalog.builder();
    for (Item item : items) {
      String model = modelOf.get(item.id());
      builder.add(item, model, model == null ? null : vectors.get(model).get(item.id()));
    }
    return builder.build();
  }
}
