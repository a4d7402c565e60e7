package io.shiftrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.TextVectors;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.encoder.SharedSpace;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.GenericBatch;
import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.core.TrainingData;
import io.shiftrec.candidates.StatedTasteRanker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue the server recommends from: loaded (and encoded where needed) once at start, then replaced as a whole
 * when items are upserted, so a request always sees one consistent view and never rebuilds it. Writers of items and
 * text queries take turns on the one encoder (it is not thread-safe); readers never wait.
 *
 * <p>A new catalogue serves at once by exact scan; an ANN index over it is built in the background (one thread, so
 * the graph is the same every time) and replaces the view when ready, unless a newer catalogue came first.
 */
public final class LiveCatalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);

  /** Catalogues smaller than this are scanned: the index would save little and cost a core for seconds. */
  public static final int INDEX_FROM_ITEMS = 2_000;
  private static final long INDEX_SEED = 42;
  private static final long INDEX_QUIET_MILLIS = 1_000;

  /**
   * One consistent state: the catalogue as stored, the learned ranker (null: the interests alone rank) and the
   * recommender over them. What is served and what the registry says serves change together, in one view.
   */
  record View(Catalog catalog, LearnedRanking.Trained ranker, InterestRecommender recommender, Set<String> domains,
              Set<String> hidden, SimilarItems similar) {
    static View of(Catalog catalog, LearnedRanking.Trained ranker, Set<String> hidden) {
      Set<String> domains = new HashSet<>();
      for (int i = 0; i < catalog.size(); i++) domains.add(catalog.item(i).domain());
      return new View(catalog, ranker, InterestRecommender.withDefaults(catalog, ranker).hiding(hidden), domains,
          Set.copyOf(hidden), new SimilarItems(catalog.size()));
    }

    /** The catalogue in the space scoring uses; the same object for a view and its indexed successor. */
    Catalog centred() {
      return recommender.catalog();
    }

    /** This view with other items hidden: the same catalogue, interests and index. */
    View hiding(Set<String> ids) {
      return new View(catalog, ranker, recommender.hiding(ids), domains, Set.copyOf(ids),
          new SimilarItems(catalog.size()));
    }

    /** Items of {@code centred} (this view's or an older one's) that may be shown: not hidden, of the domain if any. */
    java.util.function.IntPredicate shown(Catalog centred, String domain) {
      return i -> (domain == null || domain.equals(centred.item(i).domain())) && !hidden.contains(centred.item(i).id());
    }
  }

  /** A text query: the model that read it, the catalogue space it was placed in (null: none) and its vector there. */
  record Query(String reader, String space, float[] vector) {}

  private final Store store;
  private final Embedder embedder;
  /** Indexes the newest catalogue once item writes pause, not after each write. */
  private final LatestOnly<View> indexer = new LatestOnly<>("shiftrec-index", INDEX_QUIET_MILLIS, this::index);
  private volatile View view;
  /** An active version that failed to load: refused once, logged once, until another version is activated. */
  private volatile long refusedVersion;
  /** Null when item writes are synchronous. */
  private final ItemQueue queue;
  /** Orders item writes: the store and the catalogue see them in the same order. */
  private final Object writes = new Object();

  /** Whether this catalogue answers one batch job: it indexes at once and builds no onboarding rankers. */
  private final boolean batch;

  /**
   * @param itemQueue room for stored items waiting to be encoded; 0 for synchronous item writes
   * @param encoders the server's language models, shared with its other apps; null: the catalogue opens its own
   */
  LiveCatalog(Store store, int itemQueue, SharedEncoders encoders) {
    this(store, itemQueue, false, encoders);
  }

  /** A catalogue for a batch job over the store: its view is indexed as the server's would be, before it returns. */
  static LiveCatalog forBatch(Store store) {
    return new LiveCatalog(store, 0, true, null);
  }

  private LiveCatalog(Store store, int itemQueue, boolean batch, SharedEncoders encoders) {
    this.batch = batch;
    this.store = store;
    StoreEncoding.Settings settings = StoreEncoding.settings(store);
    this.embedder = encoders == null ? Embedder.bundled(store, settings.router(), settings.itemText())
        : new Embedder(store, settings.router(), settings.itemText(), encoders.opener(settings.itemText().maxTokens()));
    LearnedRanking.Trained ranker = LearnedRanking.Trained.active(store, refusal -> LOG.error("{}; serving the"
        + " version before it, or the interests alone when none can be read", refusal));
    publish(View.of(StoreEncoding.catalog(store.items(), embedder, Progress.NONE), ranker, store.hiddenItems()));
    this.queue = itemQueue > 0 ? new ItemQueue(itemQueue) : null;
    if (!batch) onboardingBuilder.offer(view);
  }

  /** Serves {@code fresh} now and indexes it in the background when it is large enough. */
  private synchronized void publish(View fresh) {
    view = fresh;
    // the learned ranker scores the whole catalogue, so an index would cost a core and serve nothing
    if (fresh.catalog().size() < INDEX_FROM_ITEMS || fresh.ranker() != null) return;
    if (batch) index(fresh); else indexer.offer(fresh);
  }

  private void index(View fresh) {
    if (!sameCatalogue(view, fresh)) return; // a newer catalogue is already offered for its own index
    InterestRecommender indexed = fresh.recommender().indexed(AnnIndex.Params.DEFAULT, INDEX_SEED);
    synchronized (this) {
      View now = view; // items may have been hidden or shown meanwhile: the index serves the view as it is now
      if (sameCatalogue(now, fresh)) {
        view = new View(now.catalog(), now.ranker(), indexed.hiding(now.hidden()), now.domains(), now.hidden(),
            now.similar());
      }
    }
  }

  private static boolean sameCatalogue(View a, View b) {
    return a.catalog() == b.catalog() && a.ranker() == b.ranker();
  }

  View view() {
    return view;
  }

  /**
   * Validates and stores generic-format item rows (all or nothing), encodes them, and makes them recommendable in
   * place of their old versions. Returns the items stored.
   */
  List<Item> upsert(List<JsonNode> rows) {
    synchronized (writes) { // the catalogue takes writes of one id in the order the store took them
      List<Item> items = GenericBatch.upsertItems(store, rows);
      publishItems(items);
      return items;
    }
  }

  /**
   * Queued writes: validates and stores the rows (all or nothing) and leaves encoding and publishing to the
   * background writer. Returns the items stored.
   *
   * @throws Problem 503 when the queue has no room for the batch now, 413 when it never will
   */
  List<Item> enqueue(List<JsonNode> rows) {
    if (queue == null) throw new IllegalStateException("item writes are synchronous");
    if (rows.size() > queue.capacity) throw Problem.batchOverQueue(rows.size(), queue.capacity);
    if (!queue.room.tryAcquire(rows.size())) throw Problem.queueFull(queue.capacity);
    List<Item> items;
    try {
      synchronized (writes) { // queued in the order stored; never waits for an encoding in progress
        items = GenericBatch.upsertItems(store, rows);
        queue.waiting.add(items);
      }
    } catch (RuntimeException e) {
      queue.room.release(rows.size());
      throw e;
    }
    queue.room.release(rows.size() - items.size());
    return items;
  }

  /** Items stored but not yet recommendable (queued writes). */
  int queuedItems() {
    return queue == null ? 0 : queue.capacity - queue.room.availablePermits();
  }

  /** The registry version of the ranker serving now; 0 when the interests alone rank. */
  long servingVersion() {
    LearnedRanking.Trained serving = view.ranker();
    return serving == null ? 0 : serving.storedVersion();
  }

  /**
   * Makes a stored ranker version the active one and serves it at once. The version is read before anything
   * changes: IllegalArgumentException naming the problem when it is not stored or cannot be served, and the active
   * one stays.
   */
  void activate(long version) {
    synchronized (writes) {
      LearnedRanking.Trained loaded = LearnedRanking.Trained.load(store, version);
      store.activate(RankerArtifact.NAME, version);
      serve(loaded);
    }
  }

  /**
   * Serves the registry's active ranker if it is not the one serving (another process trained or activated one).
   * A version that cannot be read is refused once, with an error in the log, and the one serving stays.
   */
  void followActiveModel() {
    long active = store.servingVersion(RankerArtifact.NAME);
    if (active == 0 || active == servingVersion() || active == refusedVersion) return;
    synchronized (writes) {
      try {
        LearnedRanking.Trained loaded = LearnedRanking.Trained.load(store, active);
        serve(loaded);
      } catch (IllegalArgumentException | StoreException e) {
        refusedVersion = active;
        LOG.error("active model version {} refused ({}); {} keeps serving", active, e.getMessage(),
            view.recommender().model());
      }
    }
  }

  /** Publishes the current catalogue ranked by {@code loaded}; the caller holds {@link #writes}. */
  private void serve(LearnedRanking.Trained loaded) {
    String before = view.recommender().model();
    synchronized (this) { // laid over the catalogue first: requests see the new ranker once it is whole
      View fresh = View.of(view.catalog(), loaded, view.hidden());
      refusedVersion = 0;
      publish(fresh);
    }
    LOG.info("now ranking by {} (was {})", loaded.version(), before);
  }

  /**
   * Hides an item from recommendations, similar items and onboarding, or shows it again, in the store and at once
   * here. Returns false when there is no such item.
   */
  boolean setHidden(String id, boolean hidden) {
    synchronized (writes) {
      boolean found;
      try (Store.Transaction tx = store.begin()) {
        found = tx.setHidden(id, hidden);
        tx.commit();
      }
      if (!found) return false;
      synchronized (this) {
        Set<String> ids = new HashSet<>(view.hidden());
        if (hidden) ids.add(id); else ids.remove(id);
        view = view.hiding(ids);
      }
      return true;
    }
  }

  /**
   * Deletes an item, every event naming it and its cached text vector, and publishes the catalogue without it: it
   * leaves recommendations, similar items and the index at once. Returns false when there is no such item.
   */
  boolean delete(String id) {
    synchronized (writes) {
      Item item = store.item(id).orElse(null);
      if (item == null) return false;
      try (Store.Transaction tx = store.begin()) {
        tx.deleteItem(id);
        StoreEncoding.forgetItemText(tx, StoreEncoding.settings(store), item);
        tx.commit();
      }
      publishWithout(Set.of(id));
      return true;
    }
  }

  private synchronized void publishWithout(Set<String> ids) {
    Set<String> hidden = new HashSet<>(view.hidden());
    hidden.removeAll(ids);
    publish(View.of(view.catalog().without(ids), view.ranker(), hidden));
  }

  /**
   * Takes in items another process stored, changed, hid or deleted (an import by the command line, another server):
   * those that differ from the catalogue's are encoded and published, deleted ones leave it. Returns how many
   * changed.
   */
  int followItems(List<String> ids) {
    synchronized (writes) { // after this server's own writes, which then compare equal
      Catalog current = view.catalog();
      Map<String, Item> stored = new HashMap<>();
      if (ids.size() > MANY_ITEMS) {
        for (Item item : store.items()) stored.put(item.id(), item);
      } else {
        for (String id : ids) store.item(id).ifPresent(item -> stored.put(id, item));
      }
      List<Item> changed = new ArrayList<>();
      Set<String> deleted = new HashSet<>();
      for (String id : ids) {
        Item item = stored.get(id);
        int i = current.indexOf(id);
        if (item == null) {
          if (i >= 0) deleted.add(id);
        } else if (i < 0 || !current.item(i).equals(item)) {
          changed.add(item);
        }
      }
      if (!deleted.isEmpty()) publishWithout(deleted);
      if (!changed.isEmpty()) publishItems(changed);
      Set<String> hidden = store.hiddenItems();
      synchronized (this) {
        if (!hidden.equals(view.hidden())) view = view.hiding(hidden);
      }
      return changed.size() + deleted.size();
    }
  }

  /** Beyond this many changed items, reading the whole table beats reading them one by one. */
  private static final int MANY_ITEMS = 2_000;

  /** Encodes items already stored and publishes a catalogue holding them in place of their old versions. */
  private synchronized void publishItems(List<Item> items) {
    Map<String, Item> latest = new LinkedHashMap<>(); // a batch naming an id twice stores its last row, as the store does
    for (Item item : items) latest.put(item.id(), item);
    Set<String> existing = view.catalog().spaces().keySet();
    Catalog fresh = StoreEncoding.catalog(List.copyOf(latest.values()), embedder, existing, Progress.NONE);
    // the first English items of a Chinese catalogue move every Chinese item into the English space: place all again
    Catalog next = SharedSpace.relaysOut(existing, fresh.spaces().keySet())
        ? StoreEncoding.catalog(store.items(), embedder, Progress.NONE) : view.catalog().upserted(fresh);
    publish(View.of(next, view.ranker(), view.hidden()));
  }

  /**
   * Stored items waiting to be encoded and published. One writer thread takes everything waiting at once, so a
   * burst of small writes costs one encoding pass and one new catalogue rather than one each.
   */
  private final class ItemQueue {
    final int capacity;
    final Semaphore room;
    final BlockingQueue<List<Item>> waiting = new LinkedBlockingQueue<>();
    final Thread writer;

    ItemQueue(int capacity) {
      this.capacity = capacity;
      this.room = new Semaphore(capacity);
      this.writer = new Thread(this::run, "shiftrec-item-writer");
      writer.setDaemon(true);
      writer.start();
    }

    private void run() {
      List<Item> batch = new ArrayList<>();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          batch.addAll(waiting.take());
        } catch (InterruptedException e) {
          return;
        }
        List<List<Item>> more = new ArrayList<>();
        waiting.drainTo(more);
        for (List<Item> m : more) batch.addAll(m);
        try {
          publishItems(batch);
        } catch (RuntimeException e) {
          // the items are stored; they become recommendable with the next write or the next start
          LOG.error("{} queued items stored but not yet recommendable", batch.size(), e);
        } finally {
          room.release(batch.size());
          batch.clear();
        }
      }
    }
  }

  /**
   * The stated-taste rankers of one catalogue view, by space ({@link StatedTasteRanker}: the categories a newcomer's
   * text names, as the language model reads them, and what the users who favour those categories took), and when
   * taste popularity was counted. A space whose items have no categories has none (its text alone ranks).
   */
  record Onboarding(View view, Map<String, StatedTasteRanker> rankers, long builtAtMillis) {}

  /** How long taste popularity counted from the stored events serves before it is counted again. */
  static final long ONBOARDING_REFRESH_MILLIS = 10 * 60 * 1000;
  /** How long a newcomer's request waits for the first rankers before it is answered from its text alone. */
  private static final long ONBOARDING_WAIT_MILLIS = 10_000;
  /** Counts taste popularity from every stored event: once at a time, in the background, never on a request. */
  private final LatestOnly<View> onboardingBuilder =
      new LatestOnly<>("shiftrec-onboarding", INDEX_QUIET_MILLIS, this::buildOnboarding);
  private final CountDownLatch onboardingBuilt = new CountDownLatch(1);
  private volatile Onboarding onboarding;

  /**
   * The newest stated-taste rankers. They are built in the background when the server starts, and again when the
   * catalogue has changed or after {@link #ONBOARDING_REFRESH_MILLIS}, while the older ones keep serving; a request
   * waits only for the first (up to {@value #ONBOARDING_WAIT_MILLIS} ms). Null when none are built yet.
   */
  Onboarding onboarding(View current) {
    try {
      onboardingBuilt.await(ONBOARDING_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Onboarding known = onboarding;
    if (known == null || isStale(known, current)) onboardingBuilder.offer(current);
    return known;
  }

  private static boolean isStale(Onboarding known, View current) {
    return known.view().catalog() != current.catalog()
        || System.currentTimeMillis() - known.builtAtMillis() >= ONBOARDING_REFRESH_MILLIS;
  }

  private void buildOnboarding(View fresh) {
    try {
      Onboarding known = onboarding;
      if (known != null && !isStale(known, fresh)) return; // asked again while this view was being built
      Map<String, StatedTasteRanker> rankers = new HashMap<>();
      TrainingData histories = null;
      for (String model : fresh.centred().spaces().keySet()) {
        if (StatedTasteRanker.categoryLabels(fresh.catalog(), model).isEmpty()) continue;
        if (histories == null) {
          List<Event> events = new ArrayList<>();
          store.forEachEvent(events::add);
          histories = TrainingData.fromEvents(fresh.catalog(), events);
        }
        rankers.put(model, StatedTasteRanker.build(fresh.catalog(), model, histories, label -> {
          synchronized (this) { // the encoder is not thread-safe
            // cached in the store: a server that restarts does not open the language model (hundreds of MB) for them
            return embedder.ensureEncodedTextsIn(List.of(label), model, Progress.NONE).get(label);
          }
        }));
      }
      onboarding = new Onboarding(fresh, Map.copyOf(rankers), System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.error("stated-taste rankers not rebuilt; newcomers are served by the previous ones or their text alone", e);
    } finally {
      onboardingBuilt.countDown();
    }
  }

  /**
   * Free text placed among a catalogue's {@code spaces}: read by the model of its language and carried into the space
   * where it lands ({@code SharedSpace}); no space and no vector when the catalogue has none that can hold it (no
   * items encoded yet).
   */
  synchronized Query encode(String text, Set<String> spaces) {
    String space = embedder.spaceFor(text, spaces);
    return new Query(embedder.readerFor(text, space), space,
        space == null ? null : embedder.encodeTextIn(text, space));
  }

  /**
   * The behaviour text of a history placed in {@code centred}. The encoder is taken only when there is text, and for
   * {@value #TEXTS_PER_TURN} texts at a time: a user whose thousand tags were never encoded waits for them, while
   * other requests take their turns between, instead of waiting behind the whole history.
   */
  TextVectors behaviourText(Catalog centred, List<Event> history) {
    List<Event> texts = new ArrayList<>();
    for (Event e : history) if (e.text() != null && !e.text().isBlank()) texts.add(e);
    if (texts.isEmpty()) return TextVectors.NONE;
    Map<String, TextVectors.Placed> placed = new HashMap<>();
    for (int from = 0; from < texts.size(); from += TEXTS_PER_TURN) {
      List<Event> turn = texts.subList(from, Math.min(texts.size(), from + TEXTS_PER_TURN));
      TextVectors vectors;
      synchronized (this) {
        vectors = StoreEncoding.behaviourText(embedder, centred, turn, Progress.NONE);
      }
      for (Event e : turn) {
        TextVectors.Placed p = vectors.vectorOf(e.text());
        if (p != null) placed.put(e.text(), p);
      }
    }
    return placed::get;
  }

  /** Texts encoded per turn at the encoder: one model batch, a fraction of a second on two cores. */
  private static final int TEXTS_PER_TURN = 32;

  @Override
  public void close() {
    if (queue != null) queue.writer.interrupt();
    indexer.close();
    onboardingBuilder.close();
    synchronized (this) {
      embedder.close();
    }
  }
}
