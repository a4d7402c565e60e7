package io.shiftrec.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.TextEncoder;
import io.shiftrec.core.Vectors;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedderTest {
  /** The store's embedding cache and nothing else: other methods throw. */
  private static final class EmbeddingStore {
    final Map<String, float[]> rows = new HashMap<>(); // model + "/" + hash
    int writes;

    Store proxy() {
      return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
          (self, method, args) -> switch (method.getName()) {
            case "embeddings" -> {
              Map<String, float[]> found = new HashMap<>();
              for (Object hash : (Collection<?>) args[1]) {
                float[] v = rows.get(args[0] + "/" + hash);
                if (v != null) found.put((String) hash, v);
              }
              yield found;
            }
            case "putEmbeddings" -> {
              writes++;
              ((Map<?, ?>) args[1]).forEach((hash, v) -> rows.put(args[0] + "/" + hash, (float[]) v));
              yield null;
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }
  }

  /** A fake model: a vector derived from the text's hash; counts texts and fails on request. */
  private static final class CountingEncoder implements TextEncoder {
    final String model;
    int encoded;
    int failAfter = Integer.MAX_VALUE;
    boolean closed;

    CountingEncoder(String model) {
      this.model = model;
    }

    @Override public String modelId() { return model; }
    @Override public int dimension() { return 4; }
    @Override public int maxTokens() { return 512; }
    @Override public void close() { closed = true; }

    @Override
    public float[][] encode(List<String> texts) {
      if (encoded + texts.size() > failAfter) throw new IllegalStateException("interrupted");
      encoded += texts.size();
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        int h = (model + texts.get(i)).hashCode();
        out[i] = Vectors.normalizeInPlace(new float[] {h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 1});
      }
      return out;
    }
  }

  private final EmbeddingStore store = new EmbeddingStore();
  private final Map<String, CountingEncoder> encoders = new HashMap<>();

  private Embedder embedder(ItemText text) {
    return new Embedder(store.proxy(), LanguageRouter.byLanguage(), text,
        id -> encoders.computeIfAbsent(id, CountingEncoder::new));
  }

  private int encoded() {
    return encoders.values().stream().mapToInt(e -> e.encoded).sum();
  }

  private static List<Item> items(int n) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean zh = i % 3 == 0;
      String title = zh ? "第" + i + "本书" : "Book number " + i;
      items.add(new Item("i" + i, "books", title, null, List.of(), null, null));
    }
    return items;
  }

  @Test
  void encodesOnlyWhatIsNotCached() {
    List<Item> items = items(10);
    Map<String, Map<String, float[]>> first;
    try (Embedder embedder = embedder(ItemText.defaults())) {
      first = embedder.ensureEncoded(items, Progress.NONE);
    }
    assertEquals(10, encoded());
    assertEquals(4, first.get(BundledModels.ZH).size());
    assertEquals(6, first.get(BundledModels.EN).size());
    assertTrue(encoders.values().stream().allMatch(e -> e.closed));

    try (Embedder embedder = embedder(ItemText.defaults())) {
      Map<String, Map<String, float[]>> second = embedder.ensureEncoded(items, Progress.NONE);
      assertEquals(10, encoded()); // nothing new
      assertArrayEquals(first.get(BundledModels.EN).get("i1"), second.get(BundledModels.EN).get("i1"));

      List<Item> changed = new ArrayList<>(items);
      changed.set(1, new Item("i1", "books", "Book number 1", "now with a description", null, null, null));
      embedder.ensureEncoded(changed, Progress.NONE);
      assertEquals(11, encoded());
    }
    try (Embedder embedder = embedder(new ItemText(ItemText.DEFAULT_FIELDS, 128))) {
      encoders.clear();
      assertThrows(IllegalStateException.class, () -> embedder.ensureEncoded(items, Progress.NONE),
          "encoders truncating at 512 do not match a 128-token cache key");
    }
  }

  @Test
  void sameTextIsEncodedOnce() {
    List<Item> twins = List.of(new Item("a", "movies", "Heat", null, null, "en", null),
        new Item("b", "movies", "Heat", null, null, "en", null));
    try (Embedder embedder = embedder(ItemText.defaults())) {
      Map<String, float[]> vectors = embedder.ensureEncoded(twins, Progress.NONE).get(BundledModels.EN);
      assertEquals(1, encoded());
      assertSame(vectors.get("a"), vectors.get("b"));
    }
  }

  @Test
  void storesProgressivelySoAnInterruptionKeepsFinishedWork() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 3 * Embedder.CHUNK; i++) {
      items.add(new Item("i" + i, "books", "Book " + i, null, null, "en", null));
    }
    CountingEncoder failing = new CountingEncoder(BundledModels.EN);
    failing.failAfter = 2 * Embedder.CHUNK;
    long[] steps = new long[1];
    Progress progress = new Progress() {
      @Override public void start(String task, long total) { assertEquals(items.size(), total); }
      @Override public void step(long done) { steps[0] += done; }
      @Override public void finish() {}
    };
    try (Embedder embedder = new Embedder(store.proxy(), LanguageRouter.byLanguage(), ItemText.defaults(),
        id -> failing)) {
      assertThrows(IllegalStateException.class, () -> embedder.ensureEncoded(items, progress));
    }
    assertEquals(2, store.writes);
    assertEquals(2 * Embedder.CHUNK, store.rows.size());
    assertEquals(2 * Embedder.CHUNK, steps[0]);

    try (Embedder embedder = embedder(ItemText.defaults())) {
      embedder.ensureEncoded(items, Progress.NONE);
      assertEquals(Embedder.CHUNK, encoded()); // only the unfinished third
    }
  }

  @Test
  void bundledModelsEncodeEachItemInItsLanguagesSpace() {
    List<Item> items = List.of(new Item("en", "books", "Dune", "A desert planet and its spice.", null, null, null),
        new Item("zh", "books", "三体", "地球文明与三体文明的故事。", List.of("科幻"), null, null));
    try (Embedder embedder = Embedder.bundled(store.proxy(), LanguageRouter.byLanguage(), ItemText.defaults())) {
      Map<String, Map<String, float[]>> vectors = embedder.ensureEncoded(items, Progress.NONE);
      assertEquals(384, vectors.get(BundledModels.EN).get("en").length);
      assertEquals(512, vectors.get(BundledModels.ZH).get("zh").length);
      assertEquals(512, embedder.encodeText("科幻小说").length);
      assertEquals(2, store.rows.size());
    }
  }

  @Test
  void freeTextIsRoutedByLanguage() {
    try (Embedder embedder = embedder(ItemText.defaults())) {
      embedder.encodeText("科幻小说");
      embedder.encodeText("science fiction", BundledModels.EN);
      assertEquals(1, encoders.get(BundledModels.ZH).encoded);
      assertEquals(1, encoders.get(BundledModels.EN).encoded);
    }
  }
}
