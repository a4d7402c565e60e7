package io.shiftrec.cli;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.Evaluation;
import io.shiftrec.eval.Protocols;
import io.shiftrec.eval.Split;
import io.shiftrec.learn.EpochListener;
import io.shiftrec.learn.Factors;
import io.shiftrec.recommend.FactorArtifact;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.recommend.FactorModel;
import io.shiftrec.recommend.LearnedRankerModel;
import io.shiftrec.recommend.Model;
import io.shiftrec.recommend.Models;
import io.shiftrec.recommend.RankerArtifact;
import io.shiftrec.recommend.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fit the learned models on a store's events and save each as a new version of a store artefact"
        + " (weights, ids and training metadata). First a run without each user's last two items reports NDCG@10 on"
        + " the second-to-last item (the loo protocol's validation target; after every epoch for ials and bpr); then"
        + " the saved model is fit on every interaction with the same hyperparameters and seed. recommend and serve"
        + " rank with the newest " + LearnedRankerModel.NAME + " saved.")
final class TrainCommand implements Callable<Integer> {
  /** The cut-off of the per-epoch validation metric. */
  private static final int VALIDATION_K = 10;

  @Option(names = "--db", required = true, description = "Store to read events from and save the models in.")
  String db;

  @Option(names = "--models", split = ",", defaultValue = LearnedRankerModel.NAME, description = "Any of "
      + LearnedRankerModel.NAME + " (what recommend and serve use), ials, bpr; hyperparameters after the name, e.g."
      + " ials:factors=128:alpha=2. Default: ${DEFAULT-VALUE}.")
  List<String> models;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the models. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--no-validation", description = "Skip the validation run: fit once, on every interaction.")
  boolean noValidation;

  @Override
  public Integer call() {
    List<Model> learned = new ArrayList<>();
    boolean needsVectors = false;
    for (String spec : models) {
      Model model = Models.create(spec);
      if (!(model instanceof FactorModel) && !(model instanceof LearnedRankerModel)) {
        throw new IllegalArgumentException("'" + spec + "' is not trained; train knows " + LearnedRankerModel.NAME
            + ", " + FactorModel.IALS + " and " + FactorModel.BPR);
      }
      needsVectors |= model instanceof LearnedRankerModel;
      learned.add(model);
    }
    ConsoleProgress progress = new ConsoleProgress();
    try (Store store = Stores.openExisting(db)) {
      // the ranker's interest part reads item vectors (encoded now if missing); the factor models need ids alone
      Catalog catalog = needsVectors ? StoreEncoding.catalog(store, progress)
          : Dataset.catalogWithoutVectors(store.items());
      List<Event> events = new ArrayList<>();
      store.forEachEvent(events::add);
      TrainingData all = TrainingData.fromEvents(catalog, events);
      if (all.size() == 0) throw new IllegalArgumentException("no events with a known item in " + db);
      Split validation = noValidation ? null
          : Protocols.split(Protocols.LOO, new Dataset(db, catalog, store.users(), events), seed,
              Protocols.DEFAULT_TEMPORAL_CUT).validation();
      if (validation != null && validation.numTestUsers() == 0) {
        System.err.println("no user has " + Protocols.LOO_MIN_ITEMS + " items: no validation run");
        validation = null;
      }
      for (Model m : learned) {
        if (m instanceof LearnedRankerModel ranker) {
          trainRanker(ranker, store, all, validation);
          continue;
        }
        FactorModel model = (FactorModel) m;
        List<Double> perEpoch = validation == null ? List.of() : validate(model, validation, progress);
        progress.start("train " + model.name() + " on every interaction", model.epochs());
        long start = System.nanoTime();
        List<Double> losses = new ArrayList<>();
        Factors factors = model.fit(all, seed, (epoch, loss, current) -> {
          losses.add(loss);
          progress.step(1);
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.finish();
        long version = store.putArtifact(model.algorithm(), metadata(model, all, seconds, losses, perEpoch),
            FactorArtifact.of(all, factors).toBytes());
        System.out.printf(Locale.ROOT, "saved %s version %d: %,d users, %,d items, %,d interactions, rank %d, %.1f s%n",
            model.algorithm(), version, all.numUsers(), all.numItems(), all.size(), factors.rank(), seconds);
      }
    }
    return 0;
  }

  /** Validates, fits on every interaction and saves the learned ranker with its parts, as the server needs them. */
  private void trainRanker(LearnedRankerModel ranker, Store store, TrainingData all, Split validation) {
    Double validationNdcg = null;
    if (validation != null) {
      System.err.println("validate " + ranker.name() + ": fit without each user's last two items");
      LearnedRankerModel check = (LearnedRankerModel) Models.create(ranker.name());
      check.fit(validation.train(), seed);
      validationNdcg = Evaluation.meanNdcg(validation, check, VALIDATION_K, Runtime.getRuntime().availableProcessors());
      System.err.printf(Locale.ROOT, "%s validation NDCG@%d %.4f%n", ranker.name(), VALIDATION_K, validationNdcg);
    }
    System.err.println("train " + ranker.name() + " on every interaction");
    long start = System.nanoTime();
    ranker.fit(all, seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    RankerArtifact artifact = ranker.artifact();
    Map<String, Object> m = commonMetadata(ranker.name(), all, seconds);
    Map<String, Object> weights = new LinkedHashMap<>();
    for (int f = 0; f < artifact.features().length; f++) weights.put(artifact.features()[f], artifact.weights()[f]);
    m.put("weights", weights);
    m.putAll(ranker.fitted()); // what orders the candidates, and how held-out items chose it
    m.put("format", RankerArtifact.FORMAT);
    if (validationNdcg != null) {
      m.put("validation", Map.of("metric", "NDCG@" + VALIDATION_K, "value", validationNdcg,
          "targets", "each user's second-to-last item, fit without the last two"));
    }
    long version = store.putArtifact(RankerArtifact.NAME, m, artifact.toBytes());
    System.out.printf(Locale.ROOT, "saved %s version %d: %,d users, %,d items, %,d interactions, %.1f s%n",
        RankerArtifact.NAME, version, all.numUsers(), all.numItems(), all.size(), seconds);
  }

  /** Fits on the validation split, printing loss and NDCG@10 after every epoch; returns the NDCG per epoch. */
  private List<Double> validate(FactorModel model, Split validation, ConsoleProgress progress) {
    List<Double> ndcg = new ArrayList<>();
    progress.start("validate " + model.name(), model.epochs());
    EpochListener report = (epoch, loss, current) -> {
      Model snapshot = FactorModel.scoring(model.name(), current);
      double v = Evaluation.meanNdcg(validation, snapshot, VALIDATION_K, Runtime.getRuntime().availableProcessors());
      ndcg.add(v);
      progress.step(1);
      System.err.printf(Locale.ROOT, "%s epoch %d/%d: loss %.6g, validation NDCG@%d %.4f%n", model.name(), epoch,
          model.epochs(), loss, VALIDATION_K, v);
    };
    model.fit(validation.train(), seed, report);
    progress.finish();
    return ndcg;
  }

  /** What every saved model records: its name, the seed, the data's size and the training time. */
  private Map<String, Object> commonMetadata(String model, TrainingData data, double seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("seed", seed);
    m.put("users", data.numUsers());
    m.put("items", data.numItems());
    m.put("interactions", data.size());
    m.put("train_seconds", Math.round(seconds * 1000) / 1000.0);
    return m;
  }

  private Map<String, Object> metadata(FactorModel model, TrainingData data, double seconds, List<Double> losses,
                                       List<Double> perEpoch) {
    Map<String, Object> m = commonMetadata(model.name(), data, seconds);
    m.put("algorithm", model.algorithm());
    m.put("hyperparameters", model.hyperparameters());
    m.put("loss_per_epoch", losses);
    m.put("format", FactorArtifact.FORMAT);
    if (!perEpoch.isEmpty()) {
      Map<String, Object> validation = new LinkedHashMap<>();
      validation.put("metric", "NDCG@" + VALIDATION_K);
      validation.put("targets", "each user's second-to-last item, fit without the last two");
      validation.put("per_epoch", perEpoch);
      m.put("validation", validation);
    }
    return m;
  }
}
