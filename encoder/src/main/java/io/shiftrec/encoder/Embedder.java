package io.shiftrec.encoder;

import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.TextEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns items and free text into vectors. Item vectors are cached in the {@link Store} under (model, text hash), so
 * only items whose composed text or truncation changed are encoded again, and they are saved every
 * {@value #CHUNK} texts, so an interrupted run keeps what it finished. Encoders are opened on first use and closed
 * with this object. Not thread-safe.
 */
public final class Embedder implements AutoCloseable {
  /** Texts encoded and stored at a time: several batches, and enough of them to keep every core busy. */
  static final int CHUNK = 256;

  private final Store store;
  private final LanguageRouter router;
  private final ItemText itemText;
  private final Function<String, ? extends TextEncoder> opener;
  private final Map<String, TextEncoder> encoders = new HashMap<>();

  /**
   * {@code opener} opens the encoder of a model id; its encoders must truncate at {@code itemText.maxTokens()},
   * which is part of the cache key.
   */
  public Embedder(Store store, LanguageRouter router, ItemText itemText,
                  Function<String, ? extends TextEncoder> opener) {
    this.store = store;
    this.router = router;
    this.itemText = itemText;
    this.opener = opener;
  }

  /** Uses the {@link BundledModels} at the item text's truncation and the default batch size. */
  public static Embedder bundled(Store store, LanguageRouter router, ItemText itemText) {
    return new Embedder(store, router, itemText, bundledModels(itemText));
  }

  /** Opens a {@link BundledModels bundled model} by id, truncating as {@code itemText} is keyed. */
  public static Function<String, OnnxTextEncoder> bundledModels(ItemText itemText) {
    return id -> BundledModels.open(id, itemText.maxTokens(), OnnxTextEncoder.DEFAULT_BATCH_SIZE);
  }

  /**
   * Encodes the items that have no cached vector and returns every item's vector, grouped by the model that made
   * it: model id, then item id, both in the order first met. Items with the same text share one array.
   */
  public Map<String, Map<String, float[]>> ensureEncoded(List<Item> items, Progress progress) {
    Map<String, Map<String, String>> textByKey = new LinkedHashMap<>(); // model -> text hash -> text
    Map<String, Map<String, String>> keyByItem = new LinkedHashMap<>(); // model -> item id -> text hash
    for (Item item : items) {
      String model = router.modelFor(item);
      String text = itemText.compose(item);
      String key = itemText.hashOf(text);
      textByKey.computeIfAbsent(model, m -> new LinkedHashMap<>()).put(key, text);
      keyByItem.computeIfAbsent(model, m -> new LinkedHashMap<>()).put(item.id(), key);
    }
    Map<String, Map<String, float[]>> result = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> e : textByKey.entrySet()) {
      Map<String, float[]> vectors = cachedOrEncoded(e.getKey(), e.getValue(), progress);
      Map<String, float[]> byItem = new LinkedHashMap<>();
      keyByItem.get(e.getKey()).forEach((id, key) -> byItem.put(id, vectors.get(key)));
      result.put(e.getKey(), byItem);
    }
    return result;
  }

  /**
   * Vectors of free texts (review bodies, tags, search queries) in the space of {@code modelId}, cached in the store
   * like item texts. Returns text → vector for every distinct text.
   */
  private Map<String, float[]> ensureEncodedTexts(Collection<String> texts, String modelId, Progress progress) {
    Map<String, String> textByKey = new LinkedHashMap<>();
    for (String text : texts) textByKey.put(itemText.hashOf(text), text);
    Map<String, float[]> vectors = cachedOrEncoded(modelId, textByKey, progress);
    Map<String, float[]> byText = new LinkedHashMap<>();
    textByKey.forEach((key, text) -> byText.put(text, vectors.get(key)));
    return byText;
  }

  /**
   * Vectors of free texts placed in {@code space} (a catalogue's), cached like item texts: each text read by the model
   * of its language and carried into the space as {@link SharedSpace} says. Returns text → vector.
   */
  public Map<String, float[]> ensureEncodedTextsIn(Collection<String> texts, String space, Progress progress) {
    Map<String, List<String>> byReader = new LinkedHashMap<>();
    for (String text : texts) {
      byReader.computeIfAbsent(SharedSpace.readerFor(router.modelFor(text), space), m -> new ArrayList<>()).add(text);
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    byReader.forEach((reader, group) -> ensureEncodedTexts(group, reader, progress).forEach((text, v) ->
        out.put(text, SharedSpace.aligned(reader, space) ? SharedSpace.chineseIntoEnglish().map(v) : v)));
    return out;
  }

  /** The space among {@code spaces} (a catalogue's) where {@code text} lands; null when none can hold it. */
  public String spaceFor(String text, Set<String> spaces) {
    return SharedSpace.spaceFor(router.modelFor(text), spaces);
  }

  /** Text hash → vector for every text of {@code textByKey}, encoding and storing the ones not cached. */
  private Map<String, float[]> cachedOrEncoded(String model, Map<String, String> textByKey, Progress progress) {
    Map<String, float[]> vectors = new HashMap<>(store.embeddings(model, textByKey.keySet()));
    List<String> missing = new ArrayList<>();
    for (String key : textByKey.keySet()) if (!vectors.containsKey(key)) missing.add(key);
    if (!missing.isEmpty()) encode(model, missing, textByKey, vectors, progress);
    return vectors;
  }

  private void encode(String model, List<String> keys, Map<String, String> textByKey, Map<String, float[]> into,
                      Progress progress) {
    TextEncoder encoder = encoder(model);
    progress.start("Encoding " + keys.size() + " texts with " + model, keys.size());
    for (int from = 0; from < keys.size(); from += CHUNK) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
      List<String> texts = new ArrayList<>(chunk.size());
      for (String key : chunk) texts.add(textByKey.get(key));
      float[][] vectors = encoder.encode(texts);
      Map<String, float[]> done = new HashMap<>();
      for (int i = 0; i < chunk.size(); i++) done.put(chunk.get(i), vectors[i]);
      store.putEmbeddings(model, done);
      into.putAll(done);
      progress.step(chunk.size());
    }
    progress.finish();
  }

  /** The vector of free text (a query, a description of behaviour), by the model its language routes to. */
  public float[] encodeText(String text) {
    return encodeText(text, router.modelFor(text));
  }

  /** The vector of free text in the space of {@code modelId}, e.g. to compare it with items of that model. */
  public float[] encodeText(String text, String modelId) {
    return encoder(modelId).encode(List.of(text))[0];
  }

  /** The model that reads {@code text} for {@code space} (null: the model of its language). */
  public String readerFor(String text, String space) {
    String model = router.modelFor(text);
    return space == null ? model : SharedSpace.readerFor(model, space);
  }

  /** The vector of free text placed in {@code space}, read by the model of its language ({@link SharedSpace}). */
  public float[] encodeTextIn(String text, String space) {
    String reader = SharedSpace.readerFor(router.modelFor(text), space);
    float[] v = encodeText(text, reader);
    return SharedSpace.aligned(reader, space) ? SharedSpace.chineseIntoEnglish().map(v) : v;
  }

  private TextEncoder encoder(String model) {
    TextEncoder encoder = encoders.get(model);
    if (encoder == null) {
      encoder = opener.apply(model);
      if (encoder.maxTokens() != itemText.maxTokens()) {
        encoder.close();
        throw new IllegalStateException("encoder " + model + " truncates at " + encoder.maxTokens()
            + " tokens but the item text is keyed for " + itemText.maxTokens());
      }
      encoders.put(model, encoder);
    }
    return encoder;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (TextEncoder encoder : encoders.values()) {
      try {
        encoder.close();
      } catch (RuntimeException e) {
        if (failure == null) failure = e;
        else failure.addSuppressed(e);
      }
    }
    encoders.clear();
    if (failure != null) throw failure;
  }
}
