package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.train.Training;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fit the learned models on a store's events and save each as a new version in the store's model"
        + " registry (weights, ids, the data it saw, settings, validation metric). First a run without each user's"
        + " last two items reports NDCG@10 on the second-to-last item (the loo protocol's validation target; after"
        + " every epoch for ials and bpr); then the saved model is fit on every interaction with the same"
        + " hyperparameters and seed. A new " + LearnedRankerModel.NAME + " becomes the active version: recommend"
        + " and every server on the store switch to it (see models).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = "Where events are read and the models saved. "
      + ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--models", split = ",", defaultValue = LearnedRankerModel.NAME, description = "Any of "
      + LearnedRankerModel.NAME + " (what recommend and serve use), ials, bpr; hyperparameters after the name, e.g."
      + " ials:factors=128:alpha=2. Default: ${DEFAULT-VALUE}.")
  List<String> models;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the models. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--no-validation", description = "Skip the validation run: fit once, on every interaction.")
  boolean noValidation;

  @Option(names = "--no-activate", description = "Save the new ranker without making it the active version.")
  boolean noActivate;

  @Override
  public Integer call() {
    Training.Settings settings = new Training.Settings(models, seed, !noValidation, !noActivate);
    Training.check(models); // a bad model name fails before the store is opened
    try (Store store = Stores.openExisting(db)) {
      for (Training.Saved saved : Training.run(store, settings, new ConsoleProgress())) {
        System.out.println(saved.summary(saved.isActive(store)));
      }
    }
    return 0;
  }
}
