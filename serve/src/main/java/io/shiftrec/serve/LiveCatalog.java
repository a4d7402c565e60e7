package io.shiftrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.encoder.LanguageRouter;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.GenericBatch;
import io.shiftrec.recommend.InterestRecommender;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue the server recommends from: loaded (and encoded where needed) once at start, then replaced as a whole
 * when items are upserted, so a request always sees one consistent view and never rebuilds it. Writers of items and
 * text queries take turns on the one encoder (it is not thread-safe); readers never wait.
 */
final class LiveCatalog implements AutoCloseable {
  /** One consistent state: the catalogue as stored, its centred form, and the recommender over it. */
  record View(Catalog catalog, Catalog centred, InterestRecommender recommender, Set<String> domains) {
    static View of(Catalog catalog) {
      Set<String> domains = new HashSet<>();
      for (int i = 0; i < catalog.size(); i++) domains.add(catalog.item(i).domain());
      return new View(catalog, catalog.centred(), InterestRecommender.withDefaults(catalog), domains);
    }
  }

  /** A text query's vector and the space it lives in. */
  record Query(String model, float[] vector) {}

  private final Store store;
  private final Embedder embedder;
  private final LanguageRouter router;
  private volatile View view;

  LiveCatalog(Store store) {
    this.store = store;
    StoreEncoding.Settings settings = StoreEncoding.settings(store);
    this.router = settings.router();
    this.embedder = Embedder.bundled(store, settings.router(), settings.itemText());
    this.view = View.of(StoreEncoding.catalog(store.items(), embedder, Progress.NONE));
  }

  View view() {
    return view;
  }

  /**
   * Validates and stores generic-format item rows (all or nothing), encodes them, and makes them recommendable in
   * place of their old versions. Returns the items stored.
   */
  synchronized List<Item> upsert(List<JsonNode> rows) {
    List<Item> items = GenericBatch.upsertItems(store, rows);
    Map<String, Item> latest = new LinkedHashMap<>(); // a batch naming an id twice stores its last row, as the store does
    for (Item item : items) latest.put(item.id(), item);
    Catalog fresh = StoreEncoding.catalog(List.copyOf(latest.values()), embedder, Progress.NONE);
    Catalog old = view.catalog();
    Catalog.Builder merged = Catalog.builder();
    for (int i = 0; i < old.size(); i++) {
      int replacement = fresh.indexOf(old.item(i).id());
      if (replacement < 0) copy(old, i, merged);
    }
    for (int i = 0; i < fresh.size(); i++) copy(fresh, i, merged);
    view = View.of(merged.build());
    return items;
  }

  private static void copy(Catalog from, int index, Catalog.Builder to) {
    Catalog.Space space = from.spaceOf(index);
    to.add(from.item(index), space == null ? null : space.model, from.vector(index));
  }

  /** Encodes free text with the model its language routes to. */
  synchronized Query encode(String text) {
    String model = router.modelFor(text);
    return new Query(model, embedder.encodeText(text, model));
  }

  @Override
  public synchronized void close() {
    embedder.close();
  }
}
