package io.shiftrec.serve;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.RecommendRequest;
import io.shiftrec.core.Recommendation;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * The interests of the users the server answered for lately, kept up to date by the events it stores: an event
 * costs one incremental update (independent of the user's history), not a replay. A user's interests are built from
 * their stored events on first use, and again after the catalogue changes, after an event arrives out of clock order
 * or as a duplicate, or after they fall out of the cache; the stored events stay the one durable record. The last
 * few answers per user are kept too, so a user who asks again before anything changed is answered from memory,
 * and the learned ranker's candidates for them, so that a request that only pages, boosts or diversifies differently
 * is answered without ranking again ({@link ServeConfig.UserCache}).
 */
final class LiveInterests {
  private final Store store;
  private final ServeConfig.UserCache cache;
  private final UserMemory memory;
  private final LiveCatalog catalog;
  private final Map<String, Entry> entries;
  /** The catalogue the kept entries were built on. */
  private volatile Catalog lastCatalog;
  /**
   * Counts the writes taken in (events, deletions) per stripe of users, so a build that raced a write to its user
   * is used once and not kept; writes to other users (but the few of the same stripe) leave it kept.
   */
  private final AtomicLongArray writes = new AtomicLongArray(WRITE_STRIPES);
  private static final int WRITE_STRIPES = 1024;

  /**
   * One user's interests in one catalogue, the latest clock taken in (to spot events out of order), and the last
   * few answers given, by request, until the next event changes the interests.
   */
  private static final class Entry {
    private static final int ANSWERS_KEPT = 4;
    final Catalog centred;
    final UserInterests interests;
    final Map<String, List<Recommendation>> answers = new LinkedHashMap<>(8, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, List<Recommendation>> eldest) {
        return size() > ANSWERS_KEPT;
      }
    };
    long lastClock = Long.MIN_VALUE;
    /** The recommender the kept answers came from: another one (a model switched) answers afresh. */
    InterestRecommender answeredBy;
    /** The ranker's candidates for the user, until their next event; null until asked. */
    InterestRecommender.RankedCandidates ranked;
    /** Events taken in: the stored history's length, unless another process added events since. */
    long events;
    /** The memory it was last weighed at ({@link #weigh}); counted in {@link #keptBytes} while {@code kept}. */
    long weight;
    boolean kept;

    Entry(Catalog centred, UserInterests interests) {
      this.centred = centred;
      this.interests = interests;
    }
  }

  /** An app alone on its memory: {@code cache}'s megabytes. */
  LiveInterests(Store store, LiveCatalog catalog, ServeConfig.UserCache cache) {
    this(store, catalog, cache, new UserMemory(cache.bytes()));
  }

  /** @param memory what the kept users of every app of the server may hold together */
  LiveInterests(Store store, LiveCatalog catalog, ServeConfig.UserCache cache, UserMemory memory) {
    this.store = store;
    this.cache = cache;
    this.memory = memory;
    precomputer = new Thread(this::precompute, "shiftrec-precompute");
    precomputer.setDaemon(true);
    precomputer.setPriority(Thread.MIN_PRIORITY);
    if (cache.candidates()) precomputer.start();
    this.catalog = catalog;
    this.entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true));
  }

  /** What the kept entries hold, about (their last weights); at most the cache's bytes after each {@link #trim}. */
  private final java.util.concurrent.atomic.AtomicLong keptBytes = new java.util.concurrent.atomic.AtomicLong();
  /** What one kept answer holds, about: a page of recommendations and its key. */
  private static final long ANSWER_BYTES = 2_048;

  /**
   * Makes the entry's kept answers and candidates those of {@code recommender} (its holder holds its lock): after a
   * model was activated or items hidden, the old recommender's are dropped.
   */
  private static void answeringBy(Entry entry, InterestRecommender recommender) {
    if (entry.answeredBy == recommender) return;
    entry.answers.clear();
    entry.ranked = null;
    entry.answeredBy = recommender;
  }

  /** Weighs the entry again (its holder holds its lock), counting the change while it is kept. */
  private void weigh(Entry entry) {
    long weight = 256 + entry.interests.estimatedBytes() + (entry.ranked == null ? 0 : entry.ranked.bytes())
        + entry.answers.size() * ANSWER_BYTES;
    if (weight == entry.weight) return; // most requests: nothing to count, no lock to take
    synchronized (entries) {
      if (entry.kept) count(weight - entry.weight);
      entry.weight = weight;
    }
  }

  private void keep(String user, Entry entry) {
    synchronized (entries) {
      Entry before = entries.put(user, entry);
      if (before != null) dropped(before);
      entry.kept = true;
      count(entry.weight);
    }
  }

  private void drop(String user) {
    synchronized (entries) {
      Entry removed = entries.remove(user);
      if (removed != null) dropped(removed);
    }
  }

  private void dropAll() {
    synchronized (entries) {
      for (Entry e : entries.values()) e.kept = false;
      entries.clear();
      count(-keptBytes.get());
    }
  }

  private void dropped(Entry entry) {
    entry.kept = false;
    count(-entry.weight);
  }

  /** Drops the users asked least recently until the kept entries fit the cache's memory. */
  private void trim() {
    if (!memory.over()) return;
    synchronized (entries) {
      for (var it = entries.values().iterator(); memory.over() && it.hasNext(); ) {
        Entry e = it.next();
        it.remove();
        dropped(e);
      }
    }
  }

  /** Counts a change of what this app's kept users hold, here and in the server's memory. */
  private void count(long bytes) {
    keptBytes.addAndGet(bytes);
    memory.add(bytes);
  }

  /** What this app's kept users hold, about, in bytes. */
  long keptBytes() {
    return keptBytes.get();
  }

  /**
   * Whether the user is kept, with events, for {@code view}'s catalogue: then the store need not be asked whether they
   * have any (events reach a kept user as they are stored, deletions drop them).
   */
  boolean hasEvents(String user, LiveCatalog.View view) {
    Entry entry = entries.get(user);
    if (entry == null || entry.centred != view.centred()) return false;
    synchronized (entry) {
      return entry.events > 0;
    }
  }

  /** Applies {@code use} to the user's interests in {@code view}'s catalogue, holding the user's lock. */
  <T> T withInterests(String user, LiveCatalog.View view, Function<UserInterests, T> use) {
    return with(user, view, entry -> use.apply(entry.interests));
  }

  private <T> T with(String user, LiveCatalog.View view, Function<Entry, T> use) {
    Catalog current = catalog.view().centred();
    if (current != lastCatalog) {
      // every entry kept was built on an older catalogue and would be rebuilt on use; dropped now, none pins its
      // catalogue (a few MB each) until its user comes back
      dropAll();
      lastCatalog = current;
    }
    Entry entry = entries.get(user);
    if (entry == null || entry.centred != view.centred()) {
      int stripe = stripe(user);
      long before = writes.get(stripe);
      entry = build(user, view);
      if (writes.get(stripe) == before && entry.centred == catalog.view().centred()) keep(user, entry);
    }
    try {
      synchronized (entry) {
        try {
          return use.apply(entry);
        } finally {
          weigh(entry);
        }
      }
    } finally {
      trim();
    }
  }

  /**
   * The user's recommendations: the answer given last time for the same request (the same {@code requestKey}, which
   * must say everything of the request and context) while neither the user's events nor the catalogue changed, else
   * a fresh one.
   */
  List<Recommendation> recommend(String user, LiveCatalog.View view, RecommendRequest request,
                                 Map<String, String> context, String requestKey) {
    return with(user, view, entry -> {
      InterestRecommender recommender = view.recommender();
      answeringBy(entry, recommender);
      if (cache.answers()) {
        List<Recommendation> kept = entry.answers.get(requestKey);
        if (kept != null) return kept;
      }
      List<Recommendation> answer;
      if (context.isEmpty() && cache.candidates() && request.narrowsNothing()) {
        if (entry.ranked == null) entry.ranked = recommender.rankedCandidates(entry.interests);
        answer = List.copyOf(recommender.recommend(entry.interests, request, entry.ranked));
      } else {
        answer = List.copyOf(recommender.recommend(entry.interests.forContext(context), request));
      }
      if (cache.answers()) entry.answers.put(requestKey, answer);
      return answer;
    });
  }

  /** How long a catalogue and model must serve unchanged before users are ranked ahead of their requests. */
  private static final long SETTLE_MILLIS = 2_000;
  private final Thread precomputer;
  private volatile boolean closed;
  /** Set when every kept user was dropped: the ranking ahead starts over for the same recommender. */
  private volatile boolean rankAgain;
  /** Users whose candidates the current recommender ranked ahead of their requests. */
  private volatile int precomputed;

  /**
   * Ranks users ahead of their requests, as Gorse's workers do: once a catalogue and model have served unchanged for
   * {@value #SETTLE_MILLIS} ms, the store's users with events (up to the number kept) get their interests and ranked
   * candidates built, one at a time on one background thread. A request for a user not reached yet ranks them itself;
   * an event still reaches the user's next answer at once, as it drops their candidates. A new catalogue or model
   * starts it over.
   */
  private void precompute() {
    InterestRecommender done = null;
    while (!closed) {
      try {
        Thread.sleep(SETTLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      LiveCatalog.View view = catalog.view();
      InterestRecommender recommender = view.recommender();
      if (rankAgain) {
        rankAgain = false;
        done = null;
      }
      if (recommender == done) continue;
      precomputed = 0;
      if (!recommender.ranks()) {
        done = recommender;
        continue;
      }
      boolean finished = true;
      int ranked = 0;
      long started = System.nanoTime();
      for (io.shiftrec.core.User u : store.users()) {
        if (closed || catalog.view() != view) {
          finished = false;
          break;
        }
        if (memory.nearlyFull()) break; // more would drop users ranked before

        try {
          if (with(u.id(), view, entry -> rankAhead(entry, recommender))) precomputed = ++ranked;
        } catch (RuntimeException e) { // a user the store cannot read now is ranked on request instead
          org.slf4j.LoggerFactory.getLogger(LiveInterests.class).warn("could not rank user {} ahead: {}", u.id(),
              e.toString());
        }
      }
      if (finished) {
        done = recommender;
        org.slf4j.LoggerFactory.getLogger(LiveInterests.class).info("ranked {} users ahead of their requests in {}"
            + " s; users kept take about {} MB of the server's {} MB", ranked, (System.nanoTime() - started) / 1_000_000_000L,
            keptBytes.get() >> 20, memory.budget() >> 20);
      }
    }
  }

  /** Ranks the entry's user unless they have no events or are ranked already; whether they have candidates now. */
  private static boolean rankAhead(Entry entry, InterestRecommender recommender) {
    if (entry.events == 0) return false;
    answeringBy(entry, recommender);
    if (entry.ranked == null) entry.ranked = recommender.rankedCandidates(entry.interests);
    return true;
  }

  /** Users whose candidates were ranked ahead of their requests for the current catalogue and model. */
  int precomputed() {
    return precomputed;
  }

  /** Stops ranking ahead and gives back what its users held to the server's memory. */
  void close() {
    closed = true;
    precomputer.interrupt();
    dropAll();
  }

  private Entry build(String user, LiveCatalog.View view) {
    List<Event> history = store.eventsOf(user);
    Entry entry = new Entry(view.centred(),
        view.recommender().interests(history, catalog.behaviourText(view.centred(), history))
            .withAttributes(store.user(user).map(io.shiftrec.core.User::attributes).orElse(Map.of())));
    for (Event e : history) entry.lastClock = Math.max(entry.lastClock, e.clock());
    entry.events = history.size();
    return entry;
  }

  /**
   * Takes newly stored events into account; called after they are committed. {@code allNew} is false when the
   * store skipped some as duplicates; the users of the batch are then rebuilt on next use rather than updated.
   */
  void stored(List<Event> events, boolean allNew) {
    for (Event e : events) writes.incrementAndGet(stripe(e.user()));
    for (Event e : events) {
      Entry entry = entries.get(e.user());
      if (entry == null) continue;
      synchronized (entry) {
        // An event at or before the latest clock may already be in the history the entry was built from, or belong
        // before events already taken in: rebuild rather than guess.
        if (!allNew || e.clock() <= entry.lastClock || entry.centred != catalog.view().centred()) {
          drop(e.user());
          continue;
        }
        int before = migrationCount(entry.interests);
        entry.interests.add(e, catalog.behaviourText(entry.centred, List.of(e)));
        if (migrationCount(entry.interests) > before) migrated(e.user());
        entry.lastClock = e.clock();
        entry.events++;
        entry.answers.clear();
        entry.ranked = null;
        weigh(entry);
      }
    }
    trim();
  }

  /**
   * Takes in that these users have new stored events, some perhaps written by another process (an import by the
   * command line): a kept user whose history is longer in the store than in memory is rebuilt on next use. Events
   * this server took in itself are already counted, so its own writes cost nothing here.
   */
  void followEvents(Set<String> users) {
    if (users.size() > FOLLOW_ONE_BY_ONE) { // a bulk import: rebuilding everyone on use is cheaper than counting
      for (String u : users) writes.incrementAndGet(stripe(u));
      dropAll();
      return;
    }
    for (String u : users) {
      writes.incrementAndGet(stripe(u)); // a build racing this check is used once, not kept
      Entry entry = entries.get(u);
      if (entry == null) continue;
      synchronized (entry) {
        if (store.eventCount(u) != entry.events) drop(u);
      }
    }
  }

  private static final int FOLLOW_ONE_BY_ONE = 10_000;

  /** A migration detected as an event arrived: whose, and when (Unix milliseconds). */
  record DetectedMigration(String user, long atMillis) {}

  /** Migrations detected lately, newest last; bounded, so a storm of them cannot grow memory. */
  private final java.util.ArrayDeque<DetectedMigration> migrations = new java.util.ArrayDeque<>();
  private static final int MIGRATIONS_KEPT = 1_000;

  private static int migrationCount(UserInterests interests) {
    int n = 0;
    for (io.shiftrec.interest.InterestProfile p : interests.profiles().values()) n += p.migrations().size();
    return n;
  }

  private void migrated(String user) {
    synchronized (migrations) {
      migrations.addLast(new DetectedMigration(user, System.currentTimeMillis()));
      if (migrations.size() > MIGRATIONS_KEPT) migrations.removeFirst();
    }
  }

  /**
   * The migrations detected since {@code sinceMillis} as events arrived at this server (the users it keeps
   * interests of), newest first, at most the last {@value #MIGRATIONS_KEPT}.
   */
  List<DetectedMigration> migrationsSince(long sinceMillis) {
    List<DetectedMigration> out = new java.util.ArrayList<>();
    synchronized (migrations) {
      for (java.util.Iterator<DetectedMigration> it = migrations.descendingIterator(); it.hasNext(); ) {
        DetectedMigration m = it.next();
        if (m.atMillis() < sinceMillis) break;
        out.add(m);
      }
    }
    return out;
  }

  /** Users whose interests are kept now. */
  int kept() {
    return entries.size();
  }

  /** Drops every kept user (after another process deleted some) and ranks users ahead again. */
  void forgetAll() {
    for (int s = 0; s < WRITE_STRIPES; s++) writes.incrementAndGet(s); // a build racing this is used once, not kept
    dropAll();
    rankAgain = true;
  }

  /** Users this server deleted and forgot, so the follower tells its own deletions from other processes'. */
  private final java.util.concurrent.atomic.AtomicLong forgotten = new java.util.concurrent.atomic.AtomicLong();

  long forgotten() {
    return forgotten.get();
  }

  /**
   * Drops what is kept of these users (after this server deleted them; {@code deleted}: how many of them the store
   * had, which the store's count of deletions rose by).
   */
  void forget(Collection<String> users, int deleted) {
    forgotten.addAndGet(deleted);
    for (String u : users) {
      writes.incrementAndGet(stripe(u));
      drop(u);
    }
  }

  private static int stripe(String user) {
    return Math.floorMod(user.hashCode(), WRITE_STRIPES);
  }
}
