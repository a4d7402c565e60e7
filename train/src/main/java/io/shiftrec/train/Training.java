package io.shiftrec.train;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.Evaluation;
import io.shiftrec.eval.Protocols;
import io.shiftrec.eval.Split;
import io.shiftrec.learn.EpochListener;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Factors;
import io.shiftrec.candidates.FactorArtifact;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.ranker.Models;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.core.TrainingData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the learned models on a store's events and saves each as a new version in the store's model registry, with
 * what it was trained on (the data watermark), its settings, its validation metric and its training time. A new
 * learned ranker is activated unless told otherwise, so the servers that share the store switch to it. The command
 * line's {@code train}, the server's background retraining and the tests all run this.
 *
 * <p>First a fit without each user's last two items reports NDCG@10 on the second-to-last item (the {@code loo}
 * protocol's validation target; after every epoch for {@code ials} and {@code bpr}); then the saved model is fit on
 * every interaction with the same hyperparameters and seed.
 */
public final class Training {
  private static final Logger LOG = LoggerFactory.getLogger(Training.class);
  /** The cut-off of the validation metric. */
  static final int VALIDATION_K = 10;
  /**
   * Users whose second-to-last item the validation ranks, at most: scoring costs users × catalogue, and beyond a few
   * thousand users the metric's interval is already about ±0.01 (MovieLens 1M has 2,999 and is scored whole).
   */
  static final int VALIDATION_USERS = 5_000;

  /**
   * @param models model specs, e.g. {@code shiftrec-learned} or {@code ials:factors=128}
   * @param validate fit once more without each user's last two items first, and record NDCG@10 on the
   *     second-to-last
   * @param activate make a new learned ranker the active version (servers switch to it)
   */
  public record Settings(List<String> models, long seed, boolean validate, boolean activate) {
    public Settings {
      models = List.copyOf(models);
      if (models.isEmpty()) throw new IllegalArgumentException("no model to train");
    }

    /** The product default: the learned ranker, seed 42, validated, activated. */
    public static Settings defaults() {
      return new Settings(List.of(LearnedRankerModel.NAME), 42, true, true);
    }
  }

  /** One saved version: the artefact's name, its version and the metadata stored with it. */
  public record Saved(String name, long version, Map<String, Object> metadata) {
    /** Whether this version is the one the store's registry serves. */
    public boolean isActive(Store store) {
      return store.activeVersion(name).map(v -> v == version).orElse(false);
    }

    /** One line for a person: what was saved, on what data, its validation metric and training time. */
    public String summary(boolean active) {
      Map<String, Object> m = metadata;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "saved %s version %d%s: %,d users, %,d items, %,d interactions", name, version, active ? " (active)" : "",
          ((Number) m.get("users")).longValue(), ((Number) m.get("items")).longValue(),
          ((Number) m.get("interactions")).longValue()));
      if (m.get("rank") instanceof Number rank) line.append(", rank ").append(rank);
      if (m.get("validation") instanceof Map<?, ?> v && v.get("value") instanceof Number ndcg) {
        line.append(String.format(Locale.ROOT, ", validation %s %.4f", v.get("metric"), ndcg.doubleValue()));
      }
      return line.append(String.format(Locale.ROOT, ", %.1f s", ((Number) m.get("train_seconds")).doubleValue()))
          .toString();
    }
  }

  private final Store store;
  private final Settings settings;
  private final ImplicitAls.Sweep sweep; // null: iALS solved by this process's threads
  private final Progress progress;
  /** Where the events come from: the store's, unless read elsewhere (a Parquet export). */
  private final Events events;
  /** What the saved models' metadata says the events were, beside the store's watermark; null: the store's. */
  private final String eventsFrom;

  /** Every event to train on, in the store's order (by user, then clock), given one at a time. */
  @FunctionalInterface
  public interface Events {
    void forEach(java.util.function.Consumer<Event> each);
  }

  private Training(Store store, Settings settings, ImplicitAls.Sweep sweep, Progress progress, Events events,
                   String eventsFrom) {
    this.store = store;
    this.settings = settings;
    this.sweep = sweep;
    this.progress = progress;
    this.events = events != null ? events : store::forEachEvent;
    this.eventsFrom = eventsFrom;
  }

  /**
   * Trains every model of {@code settings} on the store's events and saves each. IllegalArgumentException for a model
   * that is not trained or a store without usable events, before anything is fit.
   */
  public static List<Saved> run(Store store, Settings settings, Progress progress) {
    return new Training(store, settings, null, progress, null, null).run();
  }

  /**
   * As {@link #run(Store, Settings, Progress)}, with every iALS half-step (the models' own and the learned ranker's
   * factor part) solved by {@code sweep}, e.g. on a Spark cluster; the same models result.
   */
  public static List<Saved> run(Store store, Settings settings, ImplicitAls.Sweep sweep, Progress progress) {
    return new Training(store, settings, sweep, progress, null, null).run();
  }

  /**
   * As {@link #run(Store, Settings, ImplicitAls.Sweep, Progress)} on events read elsewhere ({@code events}, e.g. a
   * Parquet export; {@code from} names them in the saved metadata), with the store's items, their vectors and its
   * users; the models are saved in the store.
   */
  public static List<Saved> run(Store store, Settings settings, ImplicitAls.Sweep sweep, Progress progress,
                                Events events, String from) {
    return new Training(store, settings, sweep, progress, events, from).run();
  }

  /** {@code model} with its iALS solved by this training's sweep, when it has one. */
  private Model swept(Model model) {
    if (sweep == null) return model;
    if (model instanceof FactorModel factors) return factors.withSweep(sweep);
    if (model instanceof LearnedRankerModel ranker) return ranker.withSweep(sweep);
    return model;
  }

  /** Checks the model specs without reading any data. */
  public static List<Model> check(List<String> specs) {
    List<Model> learned = new ArrayList<>();
    for (String spec : specs) {
      Model model = Models.create(spec);
      if (!(model instanceof FactorModel) && !(model instanceof LearnedRankerModel)) {
        throw new IllegalArgumentException("'" + spec + "' is not trained; train knows " + LearnedRankerModel.NAME
            + ", " + FactorModel.IALS + " and " + FactorModel.BPR);
      }
      learned.add(model);
    }
    return learned;
  }

  private List<Saved> run() {
    List<Model> learned = new ArrayList<>();
    for (Model m : check(settings.models())) learned.add(swept(m));
    boolean needsVectors = false;
    for (Model m : learned) needsVectors |= m instanceof LearnedRankerModel;
    // read before the events, so the watermark never claims an event the model did not see
    Store.Watermark watermark = store.watermark();
    // the ranker's interest part reads item vectors (encoded now if missing); the factor models need ids alone
    Catalog catalog = needsVectors ? StoreEncoding.catalog(store, progress)
        : Dataset.catalogWithoutVectors(store.items());
    List<Event> events = new ArrayList<>();
    this.events.forEach(events::add);
    List<io.shiftrec.core.User> users = store.users();
    Map<String, Map<String, Object>> attributes = new java.util.HashMap<>();
    for (io.shiftrec.core.User u : users) if (!u.attributes().isEmpty()) attributes.put(u.id(), u.attributes());
    TrainingData all = TrainingData.fromEvents(catalog, events).withUserAttributes(attributes::get);
    if (all.size() == 0) {
      throw new IllegalArgumentException("no events with a known item in " + (eventsFrom != null ? eventsFrom
          : "the store"));
    }
    Map<String, Object> data = dataWatermark(watermark, all, events);
    if (eventsFrom != null) data.put("events_from", eventsFrom);
    Split validation = settings.validate()
        ? Protocols.split(Protocols.LOO, new Dataset("store", catalog, users, events), settings.seed(),
            Protocols.DEFAULT_TEMPORAL_CUT).validation()
        : null;
    if (validation != null && validation.numTestUsers() == 0) {
      LOG.warn("no user has {} items: no validation run", Protocols.LOO_MIN_ITEMS);
      validation = null;
    }
    if (validation != null) validation = validation.sampleUsers(VALIDATION_USERS, settings.seed());
    events = null; // the training data holds what the models need
    List<Saved> saved = new ArrayList<>();
    for (Model m : learned) {
      saved.add(m instanceof LearnedRankerModel ranker ? trainRanker(ranker, all, validation, data)
          : trainFactors((FactorModel) m, all, validation, data));
    }
    return saved;
  }

  /** What the data looked like when the model was trained: enough to tell which events and items it has seen. */
  private static Map<String, Object> dataWatermark(Store.Watermark watermark, TrainingData all, List<Event> events) {
    long last = Long.MIN_VALUE;
    for (Event e : events) if (e.timestamp() != null) last = Math.max(last, e.timestamp());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event_seq", watermark.eventSeq());
    m.put("item_change", watermark.itemChange());
    m.put("events", events.size());
    if (last != Long.MIN_VALUE) m.put("last_event_time", Instant.ofEpochSecond(last).toString());
    m.put("users", all.numUsers());
    m.put("items", all.numItems());
    m.put("interactions", all.size());
    return m;
  }

  /** Validates, fits on every interaction and saves the learned ranker with its parts, as the server needs them. */
  private Saved trainRanker(LearnedRankerModel ranker, TrainingData all, Split validation, Map<String, Object> data) {
    Double validationNdcg = null;
    if (validation != null) {
      LOG.info("validate {}: fit without each user's last two items", ranker.name());
      LearnedRankerModel check = (LearnedRankerModel) swept(Models.create(ranker.name()));
      check.fit(validation.train(), settings.seed());
      validationNdcg = Evaluation.meanNdcg(validation, check, VALIDATION_K, threads());
      LOG.info("{} validation NDCG@{} {}", ranker.name(), VALIDATION_K, String.format(Locale.ROOT, "%.4f", validationNdcg));
    }
    LOG.info("train {} on every interaction", ranker.name());
    long start = System.nanoTime();
    ranker.fit(all, settings.seed());
    double seconds = (System.nanoTime() - start) / 1e9;
    RankerArtifact artifact = ranker.artifact();
    Map<String, Object> m = commonMetadata(ranker.name(), data, seconds);
    Map<String, Object> weights = new LinkedHashMap<>();
    for (int f = 0; f < artifact.features().length; f++) weights.put(artifact.features()[f], artifact.weights()[f]);
    m.put("weights", weights);
    if (artifact.shortWeights() != null) {
      Map<String, Object> shortWeights = new LinkedHashMap<>();
      for (int f = 0; f < artifact.features().length; f++) {
        shortWeights.put(artifact.features()[f], artifact.shortWeights()[f]);
      }
      m.put("weights up to " + artifact.shortHistory() + " items", shortWeights);
    }
    m.putAll(ranker.fitted()); // what orders the candidates, and how held-out items chose it
    m.put("format", RankerArtifact.FORMAT);
    if (validationNdcg != null) {
      m.put("validation", Map.of("metric", "NDCG@" + VALIDATION_K, "value", validationNdcg,
          "targets", targets(validation)));
    }
    long version = store.putArtifact(RankerArtifact.NAME, m, artifact.toBytes());
    if (settings.activate()) store.activate(RankerArtifact.NAME, version);
    LOG.info("saved {} version {}{}: {} s", RankerArtifact.NAME, version, settings.activate() ? " (active)" : "",
        String.format(Locale.ROOT, "%.1f", seconds));
    return new Saved(RankerArtifact.NAME, version, m);
  }

  private Saved trainFactors(FactorModel model, TrainingData all, Split validation, Map<String, Object> data) {
    List<Double> perEpoch = validation == null ? List.of() : validate(model, validation);
    progress.start("train " + model.name() + " on every interaction", model.epochs());
    long start = System.nanoTime();
    List<Double> losses = new ArrayList<>();
    Factors factors = model.fit(all, settings.seed(), (epoch, loss, current) -> {
      losses.add(loss);
      progress.step(1);
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.finish();
    Map<String, Object> m = commonMetadata(model.name(), data, seconds);
    m.put("algorithm", model.algorithm());
    m.put("hyperparameters", model.hyperparameters());
    m.put("rank", factors.rank());
    m.put("loss_per_epoch", losses);
    m.put("format", FactorArtifact.FORMAT);
    if (!perEpoch.isEmpty()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("metric", "NDCG@" + VALIDATION_K);
      v.put("targets", targets(validation));
      v.put("per_epoch", perEpoch);
      v.put("value", perEpoch.get(perEpoch.size() - 1));
      m.put("validation", v);
    }
    long version = store.putArtifact(model.algorithm(), m, FactorArtifact.of(all, factors).toBytes());
    return new Saved(model.algorithm(), version, m);
  }

  /** What the validation ranked, for the saved metadata. */
  private static String targets(Split validation) {
    Object sampled = validation.info().get("test users sampled");
    return sampled == null ? "each user's second-to-last item, fit without the last two"
        : "the second-to-last item of " + sampled + " users (a seeded sample), fit without the last two";
  }

  /** Fits on the validation split, logging loss and NDCG@10 after every epoch; returns the NDCG per epoch. */
  private List<Double> validate(FactorModel model, Split validation) {
    List<Double> ndcg = new ArrayList<>();
    progress.start("validate " + model.name(), model.epochs());
    EpochListener report = (epoch, loss, current) -> {
      Model snapshot = FactorModel.scoring(model.name(), current);
      double v = Evaluation.meanNdcg(validation, snapshot, VALIDATION_K, threads());
      ndcg.add(v);
      progress.step(1);
      LOG.info("{} epoch {}/{}: loss {}, validation NDCG@{} {}", model.name(), epoch, model.epochs(),
          String.format(Locale.ROOT, "%.6g", loss), VALIDATION_K, String.format(Locale.ROOT, "%.4f", v));
    };
    model.fit(validation.train(), settings.seed(), report);
    progress.finish();
    return ndcg;
  }

  /** What every saved model records: its name and settings, the data it saw and the training time. */
  private Map<String, Object> commonMetadata(String model, Map<String, Object> data, double seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("settings", Map.of("model", model, "seed", settings.seed()));
    m.put("seed", settings.seed());
    m.put("data", data);
    m.put("users", data.get("users"));
    m.put("items", data.get("items"));
    m.put("interactions", data.get("interactions"));
    m.put("train_seconds", Math.round(seconds * 1000) / 1000.0);
    return m;
  }

  private static int threads() {
    return Runtime.getRuntime().availableProcessors();
  }
}
