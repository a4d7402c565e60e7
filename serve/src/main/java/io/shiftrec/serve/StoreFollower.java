package io.shiftrec.serve;

import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.train.Training;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server in step with its store when other processes write to it: every few seconds it compares the store's
 * watermark with what the server has taken in, and takes in a model trained or activated elsewhere, items imported
 * by the command line (encoded and published) and other writers' events (the users concerned are rebuilt on their
 * next request). With {@code train_every}, it also retrains the learned ranker in the background once that many
 * events have arrived since the active model's data, while the active model keeps serving.
 */
final class StoreFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreFollower.class);

  private final Store store;
  private final LiveCatalog catalog;
  private final LiveInterests interests;
  private final Fallback fallback;
  private final ApiKeys keys;
  private final ItemTimes times;
  /** Events stored per minute by every writer of the store, as the watermark shows them. */
  final EventRate eventRate = new EventRate();
  private final long trainEvery;
  private final ScheduledExecutorService ticker;
  private final AtomicBoolean training = new AtomicBoolean();
  /** What the server has taken in so far. */
  private Store.Watermark seen;
  /** The users this server had deleted itself at the last look ({@link LiveInterests#forgotten}). */
  private long forgottenSeen;
  /** The event watermark of the last training started here, so a failed one is not retried at once. */
  private long lastTrainingFrom;

  /** @param seen the watermark read before the catalogue was loaded: anything written after it is taken in */
  StoreFollower(Store store, LiveCatalog catalog, LiveInterests interests, Fallback fallback, ApiKeys keys,
                ItemTimes times, Store.Watermark seen, int seconds, long trainEvery) {
    this.store = store;
    this.catalog = catalog;
    this.interests = interests;
    this.fallback = fallback;
    this.keys = keys;
    this.times = times;
    this.seen = seen;
    this.trainEvery = trainEvery;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shiftrec-follow");
      t.setDaemon(true);
      return t;
    });
    eventRate.record(System.currentTimeMillis(), seen.eventSeq());
    ticker.scheduleWithFixedDelay(this::tickSafely, seconds, seconds, TimeUnit.SECONDS);
    this.notices = store.onChange(this::nudge);
  }

  /** The store's notices of writes by any process, where it gives them: a look then, not at the next interval. */
  private final AutoCloseable notices;
  /** Whether a look asked for by a notice is waiting: notices arriving meanwhile ask for no more. */
  private final AtomicBoolean nudged = new AtomicBoolean();

  private void nudge() {
    if (nudged.compareAndSet(false, true)) {
      try {
        ticker.execute(() -> {
          nudged.set(false);
          tickSafely();
        });
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        nudged.set(false);
      }
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) { // the next tick tries again; the server keeps serving what it has
      LOG.error("could not take in the store's changes", e);
    }
  }

  /** One look at the store: models, items, events, popularity, keys, and whether to retrain. */
  synchronized void tick() {
    catalog.followActiveModel();
    Store.Watermark now = store.watermark();
    if (now.itemChange() > seen.itemChange()) {
      List<String> ids = store.itemsChangedAfter(seen.itemChange());
      times.refresh(ids);
      int changed = catalog.followItems(ids);
      if (changed > 0) LOG.info("took in {} items written by another process", changed);
    }
    if (now.eventSeq() > seen.eventSeq()) interests.followEvents(store.usersWithEventsAfter(seen.eventSeq()));
    // another process deleted users (this one forgets its own at once): which, the store no longer knows, so every
    // kept user is rebuilt from the store on next use and ranked ahead again
    long forgotten = interests.forgotten();
    if (now.userDeletions() - seen.userDeletions() > forgotten - forgottenSeen) interests.forgetAll();
    forgottenSeen = forgotten;
    seen = now;
    eventRate.record(System.currentTimeMillis(), now.eventSeq());
    fallback.refresh(now);
    keys.reload();
    if (trainEvery > 0) maybeTrain(now);
  }

  /** Starts a background training when {@code trainEvery} events arrived since the active model's data. */
  private void maybeTrain(Store.Watermark now) {
    long since = Math.max(activeModelEventSeq(), lastTrainingFrom);
    if (now.eventSeq() - since < trainEvery || !training.compareAndSet(false, true)) return;
    lastTrainingFrom = now.eventSeq();
    Thread t = new Thread(() -> train(now.eventSeq() - since), "shiftrec-train");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY); // requests first
    t.start();
  }

  private void train(long newEvents) {
    long start = System.nanoTime();
    try {
      LOG.info("retraining after {} new events; the active model serves meanwhile", newEvents);
      List<Training.Saved> saved = Training.run(store, Training.Settings.defaults(), Progress.NONE);
      LOG.info("retrained in {} s: {} v{} is active", Math.round((System.nanoTime() - start) / 1e9),
          saved.get(0).name(), saved.get(0).version());
      catalog.followActiveModel();
    } catch (RuntimeException e) {
      LOG.error("background training failed; the active model keeps serving", e);
    } finally {
      training.set(false);
    }
  }

  /** The event watermark the active ranker was trained to; 0 when none is trained or it does not say. */
  private long activeModelEventSeq() {
    long active = store.servingVersion(RankerArtifact.NAME);
    for (Store.ArtifactInfo v : store.artifactVersions(RankerArtifact.NAME)) {
      if (v.version() == active && v.metadata().get("data") instanceof Map<?, ?> data
          && data.get("event_seq") instanceof Number seq) {
        return seq.longValue();
      }
    }
    return 0;
  }

  /** Whether a background training is running. */
  boolean training() {
    return training.get();
  }

  @Override
  public void close() {
    try {
      notices.close();
    } catch (Exception ignored) {
      // the listener thread ends with the process
    }
    ticker.shutdownNow();
  }
}
