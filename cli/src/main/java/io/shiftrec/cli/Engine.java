package io.shiftrec.cli;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.encoder.ItemText;
import io.shiftrec.encoder.LanguageRouter;
import io.shiftrec.interest.TextVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wires a store to the encoder for the commands: which text is embedded, and the catalogue with its vectors. */
final class Engine {
  /** The artefact that remembers how a store's items are embedded, so later commands embed them the same way. */
  static final String ENCODING_ARTIFACT = "text-encoding";

  private Engine() {}

  /** Opens a store, creating it when missing. */
  static Store openStore(String location) {
    return Stores.open(location);
  }

  /** Opens a store that must already exist, so a typo in --db is an error and not a new empty store. */
  static Store openExistingStore(String location) {
    if (!location.contains(":") && !Files.isRegularFile(Path.of(location))) {
      throw new IllegalArgumentException("no store at " + location + " (create one with shiftrec import)");
    }
    return Stores.open(location);
  }

  /**
   * How items are turned into text and which model embeds them.
   *
   * @param fields item fields in order (see {@link ItemText})
   * @param maxTokens truncation, counted in model tokens
   * @param model a bundled model id for every item, or null to choose by each item's language
   */
  record EncodingSettings(List<String> fields, int maxTokens, String model) {
    EncodingSettings {
      fields = List.copyOf(fields);
      if (model != null && !BundledModels.ids().contains(model)) {
        throw new IllegalArgumentException("unknown model '" + model + "' (expected one of " + BundledModels.ids()
            + ")");
      }
      new ItemText(fields, maxTokens); // validates
    }

    static EncodingSettings defaults() {
      return new EncodingSettings(ItemText.DEFAULT_FIELDS, BundledModels.MAX_TOKENS, null);
    }

    ItemText itemText() {
      return new ItemText(fields, maxTokens);
    }

    LanguageRouter router() {
      return model == null ? LanguageRouter.byLanguage() : LanguageRouter.forced(model);
    }

    Map<String, Object> toMetadata() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fields", fields);
      m.put("max_tokens", maxTokens);
      m.put("model", model == null ? "auto" : model);
      return m;
    }

    static EncodingSettings fromMetadata(Map<String, Object> m) {
      List<String> fields = new ArrayList<>();
      for (Object f : (List<?>) m.get("fields")) fields.add(f.toString());
      String model = String.valueOf(m.get("model"));
      return new EncodingSettings(fields, ((Number) m.get("max_tokens")).intValue(), "auto".equals(model) ? null : model);
    }
  }

  /** The settings saved in the store, or the defaults for a store that never saved any. */
  static EncodingSettings settings(Store store) {
    return store.latestArtifact(ENCODING_ARTIFACT).map(a -> EncodingSettings.fromMetadata(a.metadata()))
        .orElseGet(EncodingSettings::defaults);
  }

  /** Saves settings as the store's current ones when they differ from what it holds. */
  static void saveSettings(Store store, EncodingSettings settings) {
    if (!settings.equals(settings(store)) || store.latestArtifact(ENCODING_ARTIFACT).isEmpty()) {
      store.putArtifact(ENCODING_ARTIFACT, settings.toMetadata(), new byte[0]);
    }
  }

  /** What an encoding pass did. */
  record Encoded(int items, long newEmbeddings, double seconds) {
    String summary() {
      return String.format("encoded %,d items: %,d new embeddings, %,d from cache, in %.1f s", items, newEmbeddings,
          items - Math.min(items, newEmbeddings), seconds);
    }
  }

  /**
   * Encodes every item, and every behaviour text of the events (review bodies, tags, search queries), that has no
   * cached vector yet, and makes these settings the store's.
   */
  static Encoded encodeCatalog(Store store, EncodingSettings settings, Progress progress) {
    long start = System.nanoTime();
    saveSettings(store, settings);
    List<Item> items = store.items();
    long before = store.counts().embeddings();
    try (Embedder embedder = Embedder.bundled(store, settings.router(), settings.itemText())) {
      Map<String, Map<String, float[]>> vectors = embedder.ensureEncoded(items, progress);
      List<Event> texts = new ArrayList<>();
      store.forEachEvent(e -> {
        if (e.text() != null && !e.text().isBlank()) texts.add(e);
      });
      encodeBehaviourText(embedder, settings, vectors.keySet(), texts, progress);
    }
    return new Encoded(items.size(), store.counts().embeddings() - before, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The behaviour text of {@code history} embedded (cached in the store) and placed in the spaces of
   * {@code centred}, the catalogue the recommender scores in.
   */
  static TextVectors behaviourText(Store store, Catalog centred, List<Event> history, Progress progress) {
    EncodingSettings settings = settings(store);
    List<Event> texts = new ArrayList<>();
    for (Event e : history) if (e.text() != null && !e.text().isBlank()) texts.add(e);
    if (texts.isEmpty()) return TextVectors.NONE;
    Map<String, TextVectors.Placed> placed = new HashMap<>();
    try (Embedder embedder = Embedder.bundled(store, settings.router(), settings.itemText())) {
      encodeBehaviourText(embedder, settings, centred.spaces().keySet(), texts, progress).forEach((model, byText) -> {
        Catalog.Space space = centred.spaces().get(model);
        byText.forEach((text, vector) -> {
          float[] v = space.place(vector);
          if (v != null) placed.put(text, new TextVectors.Placed(model, v));
        });
      });
    }
    return placed::get;
  }

  /**
   * Encodes the events' texts, each with the model its language routes to, or with the catalogue's only model when
   * that one has no items (a Chinese review of an English-only catalogue). Returns model → text → vector.
   */
  private static Map<String, Map<String, float[]>> encodeBehaviourText(Embedder embedder, EncodingSettings settings,
      java.util.Set<String> models, List<Event> events, Progress progress) {
    Map<String, List<String>> textsByModel = new LinkedHashMap<>();
    for (Event e : events) {
      String model = settings.router().modelFor(e.text());
      if (!models.contains(model)) model = models.size() == 1 ? models.iterator().next() : null;
      if (model != null) textsByModel.computeIfAbsent(model, m -> new ArrayList<>()).add(e.text());
    }
    Map<String, Map<String, float[]>> out = new LinkedHashMap<>();
    textsByModel.forEach((model, texts) -> out.put(model, embedder.ensureEncodedTexts(texts, model, progress)));
    return out;
  }

  /** Every item with its vector under the store's settings, encoding the ones not cached yet. */
  static Catalog catalog(Store store, Progress progress) {
    return catalog(store, store, settings(store), progress);
  }

  /**
   * Every item of {@code items} with its vector, the vectors cached in {@code embeddings} (evaluation keeps one cache
   * across the temporary stores it imports into).
   */
  static Catalog catalog(Store items, Store embeddings, EncodingSettings settings, Progress progress) {
    List<Item> all = items.items();
    Map<String, Map<String, float[]>> vectors;
    try (Embedder embedder = Embedder.bundled(embeddings, settings.router(), settings.itemText())) {
      vectors = embedder.ensureEncoded(all, progress);
    }
    Map<String, String> modelOf = new LinkedHashMap<>();
    vectors.forEach((model, byItem) -> byItem.keySet().forEach(id -> modelOf.put(id, model)));
    Catalog.Builder builder = Catalog.builder();
    for (Item item : all) {
      String model = modelOf.get(item.id());
      builder.add(item, model, model == null ? null : vectors.get(model).get(item.id()));
    }
    return builder.build();
  }
}
