package io.shiftrec.cli;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import io.shiftrec.core.Feedback;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.interest.Migration;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.serve.Newcomers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Import the bundled MovieLens sample into an embedded store, encode it, train the learned ranker"
        + " (once; skipped when the store has one), and print recommendations with reasons for a few users.")
final class QuickstartCommand implements Callable<Integer> {
  static final String DEFAULT_DB = ".shiftrec/quickstart.db";
  private static final long SEED = 42;
  /** A newcomer's sentence in Chinese: "I like science-fiction films about exploring space". */
  static final String NEWCOMER = "我喜欢关于太空探索的科幻电影";

  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      defaultValue = DEFAULT_DB, description = ShiftRec.STORE_HELP
      + " Default: ${DEFAULT-VALUE}.")
  String db;

  @Option(names = "--users", split = ",", defaultValue = "1,414,599",
      description = "Users to recommend for. Default: ${DEFAULT-VALUE}.")
  List<String> users;

  @Option(names = {"-k", "--k"}, defaultValue = "5", description = "Items per user. Default: ${DEFAULT-VALUE}.")
  int k;

  @Override
  public Integer call() throws Exception {
    Path sample = sampleFolder();
    ConsoleProgress progress = new ConsoleProgress();
    long start = System.nanoTime();
    boolean trained;
    try (Store store = Stores.open(db)) {
      System.out.println(Importer.run(store, ImportFormat.MOVIELENS_LATEST, sample, ErrorPolicy.REJECT, progress)
          .summary());
      System.out.println(StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), progress).summary());
      trained = store.latestArtifact(RankerArtifact.NAME).isPresent();
    }
    if (!trained) { // what `shiftrec train` does, without its validation pass
      TrainCommand train = new TrainCommand();
      train.db = db;
      train.models = List.of(LearnedRankerModel.NAME);
      train.seed = SEED;
      train.noValidation = true;
      train.call();
    }
    try (Store store = Stores.openExisting(db)) {
      Catalog catalog = StoreEncoding.catalog(store, progress);
      InterestRecommender recommender = InterestRecommender.withDefaults(catalog,
          LearnedRanking.Trained.active(store, System.err::println));
      for (String user : users) {
        List<Event> history = store.eventsOf(user);
        if (history.isEmpty()) throw new IllegalArgumentException("unknown user '" + user + "' in the sample");
        System.out.println();
        System.out.println("User " + user + " recently liked: " + String.join("; ", recentLikes(history, catalog, 3)));
        UserInterests interests = recommender.interests(history,
            StoreEncoding.behaviourText(store, recommender.catalog(), history, progress));
        printLatestMigration(interests, catalog);
        RecommendCommand.printTable(user, history.size(), recommender.model(),
            recommender.recommend(interests, k, null, true, 0.2), System.out);
      }
      // English and Chinese share one space: a Chinese sentence finds the English catalogue's films
      System.out.println();
      RecommendCommand.printNewcomer(NEWCOMER, Newcomers.fromText(store, catalog, NEWCOMER, k, null), System.out);
    }
    System.out.printf("%nDone in %.0f s. Store: %s — try ./shiftrec recommend --db %s --user 42 --explain%n",
        (System.nanoTime() - start) / 1e9, Stores.describe(db), Stores.describe(db));
    return 0;
  }

  /** The user's latest detected move of attention, if any: what the short-term weight rises for. */
  private static void printLatestMigration(UserInterests interests, Catalog catalog) {
    Migration latest = null;
    for (InterestProfile p : interests.profiles().values()) {
      for (Migration m : p.migrations()) if (latest == null || m.clock() > latest.clock()) latest = m;
    }
    if (latest == null) return;
    System.out.printf("Their attention moved at event %d: from %s to %s (recent interests now weigh more)%n",
        latest.eventIndex(), side(latest.fromCategories(), latest.fromExample(), catalog),
        side(latest.toCategories(), latest.toExample(), catalog));
  }

  private static String side(List<String> categories, int example, Catalog catalog) {
    String title = example >= 0 ? "“" + catalog.item(example).title() + "”" : "";
    return categories.isEmpty() ? title : String.join(", ", categories) + (title.isEmpty() ? "" : " (" + title + ")");
  }

  private static List<String> recentLikes(List<Event> history, Catalog catalog, int n) {
    List<String> titles = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0 && titles.size() < n; i--) {
      Event e = history.get(i);
      int item = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (item >= 0 && Feedback.weight(e) > 0) titles.add(catalog.item(item).title());
    }
    return titles;
  }

  /** The bundled sample beside the launcher ({@code shiftrec.home}), else under the working directory. */
  static Path sampleFolder() {
    Path rel = Path.of("samples", "movielens-latest-small");
    String home = System.getProperty("shiftrec.home");
    Path p = home != null ? Path.of(home).resolve(rel) : rel;
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("bundled sample not found at " + p.toAbsolutePath()
          + " (run quickstart through the ./shiftrec launcher at the repository root)");
    }
    return p;
  }
}
