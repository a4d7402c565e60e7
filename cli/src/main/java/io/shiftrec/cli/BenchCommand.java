package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.LinkedHashMap;
import io.shiftrec.eval.FiguresTable;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.SampleTexts;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.bench.EncodeBenchmark;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.eval.Dataset;
import io.shiftrec.bench.OnboardingExperiment;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.bench.AnnBenchmark;
import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.bench.BehaviourTextBenchmark;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.bench.RankBenchmark;
import io.shiftrec.bench.RetrievalBenchmark;
import io.shiftrec.fuzz.FuzzBenchmark;
import io.shiftrec.bench.RetrainBenchmark;
import io.shiftrec.bench.ServeBenchmark;
import io.shiftrec.bench.SoakBenchmark;
import io.shiftrec.bench.SyntheticData;
import io.shiftrec.bench.ScaleBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print a table.",
    subcommands = {BenchCommand.Table.class, BenchCommand.Encode.class, BenchCommand.Ann.class, BenchCommand.Text.class,
        BenchCommand.Serve.class, BenchCommand.Retrain.class, BenchCommand.Soak.class, BenchCommand.Fuzz.class, BenchCommand.Train.class,
        BenchCommand.Onboarding.class, BenchCommand.Kernels.class, BenchCommand.Rank.class,
        BenchCommand.Generate.class, BenchCommand.Scale.class, BenchCommand.CrossLingual.class,
        BenchCommand.Newcomers.class})
final class BenchCommand {

  /** This JVM's java with {@code -Xmx} of {@code heap}, for a benchmark's child process; {@code like} is an example. */
  static List<String> java(String heap, String like) {
    if (!heap.matches("\\d+[kmgKMG]?")) {
      throw new IllegalArgumentException("--heap must be like " + like + ", got " + heap);
    }
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap);
  }

  @Command(name = "table", mixinStandardHelpOptions = true,
      description = "The current-figures table of docs/BENCHMARKS.md: one row per dataset and protocol for a model,"
          + " from report JSONs that evaluate wrote (NDCG@10 and HR@10 with 95%% intervals, the paired test, users,"
          + " training and scoring time).")
  static final class Table implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "REPORT", description = "Report JSON files (evaluate --out).")
    List<Path> reports;

    @Option(names = "--model", defaultValue = FiguresTable.DEFAULT_MODEL,
        description = "The model whose figures are shown. Default: ${DEFAULT-VALUE}.")
    String model;

    @Override
    public Integer call() throws Exception {
      System.out.print(FiguresTable.markdown(reports, model));
      return 0;
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Texts per second at batch sizes 1, 8 and 32: ShiftRec's encoder beside bare ONNX Runtime"
          + " running the same model in the same run.")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--model", defaultValue = BundledModels.EN,
        description = "bge-small-en-v1.5 or bge-small-zh-v1.5. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--texts", defaultValue = "256", description = "How many texts per run. Default: ${DEFAULT-VALUE}.")
    int texts;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated texts.")
    long seed;

    @Override
    public Integer call() {
      if (!BundledModels.ids().contains(model)) {
        throw new IllegalArgumentException("unknown model '" + model + "' (expected " + BundledModels.ids() + ")");
      }
      if (texts < 32) throw new IllegalArgumentException("--texts must be at least 32, got " + texts);
      EncodeBenchmark.run(System.out, SampleTexts.defaultTexts(texts, seed), model);
      return 0;
    }
  }

  @Command(name = "ann", mixinStandardHelpOptions = true,
      description = "Recall@10 and query latency of the approximate nearest-neighbour index against an exact scan of"
          + " the same vectors, in the same run, at several index settings.")
  static final class Ann implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      description = "Store whose item embeddings are indexed (centred, as scoring uses them)."
        + " Default: the quickstart store when it exists, else synthetic vectors.")
    String db;

    @Option(names = "--synthetic", description = "Index this many synthetic 384-dimensional vectors instead.")
    Integer synthetic;

    @Option(names = "--queries", defaultValue = "1000", description = "Queries per setting. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of queries and insertion order.")
    long seed;

    @Option(names = "--users", defaultValue = "500",
        description = "With a store: users (spread over the store) whose recommendations are compared between the"
            + " index and the exact scan. 0 skips that table. Default: ${DEFAULT-VALUE}.")
    int users;

    @Override
    public Integer call() {
      if (queries < 1) throw new IllegalArgumentException("--queries must be positive, got " + queries);
      if (users < 0) throw new IllegalArgumentException("--users must not be negative, got " + users);
      String location = db != null ? db : QuickstartCommand.DEFAULT_DB;
      if (synthetic != null || db == null && !Files.isRegularFile(Path.of(location))) {
        AnnBenchmark.run(System.out, AnnBenchmark.syntheticSpace(synthetic == null ? 36_000 : synthetic, 384, seed),
            queries, seed);
        return 0;
      }
      try (Store store = Stores.openExisting(location)) {
        Catalog catalog = StoreEncoding.catalog(store, new ConsoleProgress());
        InterestRecommender scan = InterestRecommender.withDefaults(catalog);
        if (scan.catalog().spaces().isEmpty()) throw new IllegalArgumentException("no encoded items in " + location);
        AnnBenchmark.run(System.out, scan.catalog().spaces().values().iterator().next(), queries, seed);
        if (users == 0) return 0;
        List<User> all = store.users();
        List<List<Event>> histories = new ArrayList<>();
        int step = Math.max(1, all.size() / users);
        for (int u = 0; u < all.size() && histories.size() < users; u += step) {
          histories.add(store.eventsOf(all.get(u).id()));
        }
        System.out.println();
        RetrievalBenchmark.run(System.out, scan, histories, AnnIndex.Params.DEFAULT, seed);
      }
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "A made-up catalogue, users and events of any size in the generic import format (items.jsonl,"
          + " users.jsonl, events.jsonl), calibrated on Amazon Food–Kitchen or MovieLens 1M: item popularity, history"
          + " lengths, domains, users moving between topics. Import it with import --format generic.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Folder to write (created if missing).")
    Path out;

    @Option(names = "--profile", defaultValue = "amazon",
        description = "What the set imitates: amazon (two domains, short histories) or movielens (one domain, long"
            + " histories of star ratings). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--items", defaultValue = "10k", description = "Items (k and M suffixes). Default: ${DEFAULT-VALUE}.")
    String items;

    @Option(names = "--events", defaultValue = "100k",
        description = "Events; users are added until there are this many. Default: ${DEFAULT-VALUE}.")
    String events;

    @Option(names = "--popularity-exponent",
        description = "The Zipf exponent items are drawn with, for a steeper or flatter popularity curve than the"
            + " profile's. Default: the profile's.")
    Double popularityExponent;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
      SyntheticData.Profile p = SyntheticData.Profile.named(profile);
      if (popularityExponent != null) p = p.withPopularityExponent(popularityExponent);
      long start = System.nanoTime();
      long itemCount = SyntheticData.count(items);
      if (itemCount > Integer.MAX_VALUE) throw new IllegalArgumentException("--items must be at most 2^31 - 1");
      SyntheticData.Summary s = SyntheticData.write(out, p, (int) itemCount, SyntheticData.count(events), seed);
      System.out.printf(Locale.ROOT, "%s: %,d items, %,d users, %,d events in %.1f s%n", out, s.items(), s.users(),
          s.events(), (System.nanoTime() - start) / 1e9);
      System.out.printf(Locale.ROOT, "fitted popularity exponent %.2f (%s: %.2f), mean history %.1f (profile %.1f),"
          + " users in two domains %.2f (profile %.2f)%n", s.popularityExponent(), p.imitates(),
          p.observedExponent(), s.meanLength(), p.meanLength(), s.twoDomainShare(), p.twoDomainShare());
      return 0;
    }
  }

  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = "How the cost of each step grows with the data: per size, a synthetic set (bench generate) is"
          + " imported, encoded, trained on and ranked from by the product's commands, each in a process of its own"
          + " (time and peak resident memory), then the growth exponent of each step is fitted.")
  static final class Scale implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "10k:100k,30k:300k",
        description = "ITEMS:EVENTS per size, comma-separated (k and M suffixes). Default: ${DEFAULT-VALUE}.")
    List<String> sizes;

    @Option(names = "--profile", defaultValue = "amazon",
        description = "amazon or movielens (bench generate). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--work", required = true,
        description = "Folder for the generated sets (deleted after import), the stores and each size's log.")
    Path work;

    @Option(names = "--postgres", paramLabel = "URL",
        description = "A PostgreSQL server (JDBC URL) where each size gets a database of its own, dropped and made"
            + " again. Default: SQLite files in the work folder.")
    String postgres;

    @Option(names = "--spark", description = "Encode and train with the Spark jobs (./shiftrec spark) on local[2]"
        + " instead of in one process.")
    boolean spark;

    @Option(names = "--heap", defaultValue = "6g", description = "Each step's -Xmx. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--rank-users", defaultValue = "200",
        description = "Users ranked per size (bench rank --users). Default: ${DEFAULT-VALUE}.")
    int rankUsers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the sets. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", description = "Also write the figures as JSON.")
    Path out;

    @Override
    public Integer call() throws Exception {
      List<ScaleBenchmark.Size> parsed = new ArrayList<>();
      for (String s : sizes) parsed.add(ScaleBenchmark.Size.parse(s));
      SyntheticData.Profile p = SyntheticData.Profile.named(profile);
      List<String> command = new ArrayList<>(java(heap, "6g"));
      if (rankUsers < 1) throw new IllegalArgumentException("--rank-users must be positive, got " + rankUsers);
      if (postgres != null && !postgres.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("--postgres must be a jdbc:postgresql: URL, got " + postgres);
      }
      if (System.getProperty("shiftrec.home") != null) {
        command.add("-Dshiftrec.home=" + System.getProperty("shiftrec.home"));
      }
      List<String> sparkCommand = null;
      if (spark) {
        Path jar = Path.of(System.getProperty("shiftrec.home", "."), "spark", "target", "shiftrec-spark.jar");
        if (!Files.isRegularFile(jar)) {
          throw new IllegalArgumentException("no Spark jobs at " + jar + ": ./shiftrec spark --help builds them");
        }
        sparkCommand = new ArrayList<>(command);
        sparkCommand.addAll(List.of("-jar", jar.toString()));
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShiftRec.class.getName()));
      Map<String, Object> figures = ScaleBenchmark.run(System.out, command, sparkCommand, work, p, parsed, postgres,
          rankUsers, seed);
      if (out != null) new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), figures);
      return 0;
    }
  }

  @Command(name = "rank", mixinStandardHelpOptions = true,
      description = "How long one ranking by the store's active learned ranker takes (what the server does for a user"
          + " after their event): real users of the store ranked one after another by one thread, an idle machine,"
          + " for milliseconds per ranking; then by every core at once, a busy server, for rankings a second.")
  static final class Rank implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL", required = true,
        description = "Store with a trained ranker (./shiftrec train).")
    String db;

    @Option(names = "--users", defaultValue = "400",
        description = "Users with events, spread over the store. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--passes", defaultValue = "5",
        description = "Measured passes over the users, after one of warm-up. Default: ${DEFAULT-VALUE}.")
    int passes;

    @Option(names = "--threads", description = "Threads ranking at once in the second run. Default: the cores.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
      if (users < 1) throw new IllegalArgumentException("--users must be positive, got " + users);
      if (passes < 1) throw new IllegalArgumentException("--passes must be positive, got " + passes);
      int parallel = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
      if (parallel < 1) throw new IllegalArgumentException("--threads must be positive, got " + parallel);
      try (Store store = Stores.openExisting(db)) {
        LearnedRanking.Trained ranker = LearnedRanking.Trained.active(store, refused -> System.err.println(refused));
        if (ranker == null) throw new IllegalArgumentException("no trained ranker in " + db + ": run train first");
        InterestRecommender recommender = InterestRecommender.withDefaults(StoreEncoding.catalog(store,
            new ConsoleProgress()), ranker);
        List<String> withEvents = new ArrayList<>();
        for (User u : store.users()) if (store.eventCount(u.id()) > 0) withEvents.add(u.id());
        List<List<Event>> histories = new ArrayList<>();
        int step = Math.max(1, withEvents.size() / users);
        for (int u = 0; u < withEvents.size() && histories.size() < users; u += step) {
          histories.add(store.eventsOf(withEvents.get(u)));
        }
        RankBenchmark.run(System.out, recommender, histories, passes, parallel);
      }
      return 0;
    }
  }

  @Command(name = "text", mixinStandardHelpOptions = true,
      description = "Recommendations with and without behaviour text (reviews, tags, queries) for the users of a store"
          + " who wrote any: HR@10 and NDCG@10 of each user's last liked item, history before it only.")
  static final class Text implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = "Store with events that carry text.")
    String db;

    @Override
    public Integer call() {
      try (Store store = Stores.openExisting(db)) {
        ConsoleProgress progress = new ConsoleProgress();
        InterestRecommender recommender = InterestRecommender.withDefaults(StoreEncoding.catalog(store, progress));
        List<List<Event>> histories = new ArrayList<>();
        for (User u : store.users()) histories.add(store.eventsOf(u.id()));
        BehaviourTextBenchmark.run(System.out, recommender, histories,
            history -> StoreEncoding.behaviourText(store, recommender.catalog(), history, progress));
      }
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Training seconds, NDCG@10 and HR@10 of iALS beside Apache Spark MLlib ALS (local[2]) on the"
          + " MovieLens 1M loo split, in one run, and the Spark / iALS time ratio. Spark stays out of the default"
          + " build: this runs Maven with the spark profile (module bench-spark; Spark is downloaded from Maven"
          + " Central on first use).")
  static final class Train implements Callable<Integer> {
    @Option(names = "--path", description = "MovieLens 1M folder. Default: ../shared/data/movielens-1m beside the"
        + " repository.")
    Path path;

    @Override
    public Integer call() throws Exception {
      if (path != null && !Files.isDirectory(path)) throw new IllegalArgumentException("no such folder: " + path);
      String home = System.getProperty("shiftrec.home");
      if (home == null) {
        throw new IllegalStateException("bench train needs the Maven project: run it through the ./shiftrec launcher"
            + " at the repository root");
      }
      List<String> maven = new ArrayList<>(List.of("mvn", "-q", "-B", "-f", Path.of(home, "pom.xml").toString(),
          "-Pspark", "-pl", "bench-spark", "-am", "-DskipTests", "verify", "-Dshiftrec.bench.spark=true"));
      if (path != null) maven.add("-Dshiftrec.bench.spark.path=" + path.toAbsolutePath().normalize());
      return new ProcessBuilder(maven).inheritIO().start().waitFor();
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Starts the server on a store, in a process of its own, three times (nothing kept per user, the"
          + " answer cache off, the default) and drives it with wrk on loopback: requests a second, the ratio to"
          + " /health of the same server in the same run, p50/p90/p99 latency and resident memory, for"
          + " recommendations, a 90/10 read/write mix (each write for the user read next) and similar items; then how"
          + " soon an event reaches the next recommendation, and item writes. Needs wrk (apt-get install wrk). The"
          + " writes are stored: run it on a copy of the store.")
  static final class Serve implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = "Store with users, items and encoded embeddings (it is written to: use a copy).")
    String db;

    @Option(names = "--connections", defaultValue = "16",
        description = "Connections wrk keeps open, one thread each. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--seconds", defaultValue = "10",
        description = "Measured seconds per run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the users and items picked.")
    long seed;

    @Option(names = "--heap", defaultValue = "1g", description = "The server's -Xmx. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--profile", paramLabel = "FOLDER",
        description = "Record each server with the JDK Flight Recorder into this folder and print where its time went.")
    Path profile;

    @Option(names = "--item-queue", defaultValue = "0",
        description = "Room for queued item writes (the server's item_queue); 0: synchronous. Default: ${DEFAULT-VALUE}.")
    int itemQueue;

    @Option(names = "--out", description = "Also write the figures as JSON, for bench table.")
    Path out;

    @Option(names = "--dataset", description = "The dataset the store holds, as evaluate names it (e.g."
        + " movielens-1m): bench table puts the figures on that dataset's rows. Default: the store's file name.")
    String dataset;

    @Override
    public Integer call() throws Exception {
      if (connections < 1) throw new IllegalArgumentException("--connections must be positive, got " + connections);
      if (seconds < 1) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
      if (itemQueue < 0) throw new IllegalArgumentException("--item-queue must not be negative, got " + itemQueue);
      List<String> java = java(heap, "1g");
      if (profile != null) Files.createDirectories(profile);
      List<String> serve = List.of("-cp", System.getProperty("java.class.path"), ShiftRec.class.getName(), "serve",
          "--db", db, "--port", "0");
      Map<String, Object> figures = ServeBenchmark.run(System.out, db, java, serve, connections, seconds, seed,
          itemQueue, profile);
      if (out != null) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "serve");
        doc.put("dataset", dataset != null ? dataset : db.startsWith("jdbc:") ? Stores.describe(db)
            : Path.of(db).getFileName().toString().replaceFirst("\\.db$", ""));
        doc.put("heap", heap);
        doc.putAll(figures);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), doc);
      }
      return 0;
    }
  }

  @Command(name = "kernels", mixinStandardHelpOptions = true,
      description = "JMH micro-benchmarks of the serving kernels on a synthetic catalogue of MovieLens 1M's size:"
          + " dot products (one running sum, four), top-100 selection, the interests' kernel mixture over every item,"
          + " the interests' and the next-item rules' products by plain loops and by the JDK's Vector API, an ANN"
          + " query and the scan it replaces, a sequence model scoring one user (sampled: percentiles);"
          + " microseconds per call, one forked JVM.")
  static final class Kernels implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "1",
        description = "Seconds per warm-up and per measured iteration (3 and 5 of them). Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Override
    public Integer call() throws Exception {
      if (seconds < 1) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
      org.openjdk.jmh.runner.options.TimeValue each = org.openjdk.jmh.runner.options.TimeValue.seconds(seconds);
      // the forked JVM has the Vector API's module, whose kernel is measured beside the product's plain loops
      new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder()
          .include(io.shiftrec.bench.KernelBenchmarks.class.getName()).forks(1).warmupIterations(3)
          .warmupTime(each).measurementIterations(5).measurementTime(each)
          .jvmArgsAppend("--add-modules", "jdk.incubator.vector").build()).run();
      return 0;
    }
  }

  @Command(name = "crosslingual", mixinStandardHelpOptions = true,
      description = "Cross-lingual retrieval on a bilingual set of item texts (English and Chinese): Recall@10 of each"
          + " item's translation among every text of the other language, for each language's own model, one model for"
          + " both, and the Chinese model aligned into the English model's space (learned on the other folds).")
  static final class CrossLingual implements Callable<Integer> {
    @Option(names = "--set", required = true, paramLabel = "TSV",
        description = "The bilingual set: a header 'id domain en zh', tab-separated, then one item per line"
            + " (the repository's samples/bilingual-items/items.tsv).")
    Path set;

    @Option(names = "--folds", defaultValue = "5",
        description = "Folds: each alignment is learned on the others. Default: ${DEFAULT-VALUE}.")
    int folds;

    @Option(names = "--lambda", defaultValue = "0.3",
        description = "The alignment's ridge regularisation. Default: ${DEFAULT-VALUE}, the shipped alignment's.")
    double lambda;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the folds. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--save-alignment", paramLabel = "FILE",
        description = "Also learn the alignment on the whole set and write it to FILE: how the one ShiftRec ships"
            + " (encoder/src/main/resources/" + io.shiftrec.encoder.SharedSpace.ALIGNMENT_RESOURCE + ") is made.")
    Path saveAlignment;

    @Override
    public Integer call() {
      if (folds < 2) throw new IllegalArgumentException("--folds must be at least 2, got " + folds);
      if (!(lambda > 0)) throw new IllegalArgumentException("--lambda must be positive, got " + lambda);
      io.shiftrec.bench.CrossLingualBenchmark.run(System.out, io.shiftrec.bench.CrossLingualBenchmark.read(set),
          folds, lambda, seed);
      if (saveAlignment != null) {
        io.shiftrec.bench.CrossLingualBenchmark.saveAlignment(io.shiftrec.bench.CrossLingualBenchmark.read(set), lambda,
            saveAlignment);
        System.out.println("wrote the alignment of the whole set to " + saveAlignment);
      }
      return 0;
    }
  }

  /** The load the server benchmarks put on a server: client threads, measured seconds, the seed of what they ask. */
  static final class LoadOptions {
    @Option(names = "--concurrency", defaultValue = "8", description = "Client threads. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "20",
        description = "Measured seconds per run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the users and items picked.")
    long seed;

    void check() {
      if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be positive, got " + concurrency);
      if (seconds < 1) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
    }
  }

  @Command(name = "retrain", mixinStandardHelpOptions = true,
      description = "What a background training (train_every) costs the requests answered meanwhile: starts the server"
          + " on a store, measures recommendations from a fixed number of client threads, posts --events click"
          + " events so the server retrains, and measures again while it trains and after the new version serves."
          + " The events are stored: run it on a copy of the store.")
  static final class Retrain implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = "Store with users, items, events and encoded embeddings.")
    String db;

    @Mixin LoadOptions load;

    @Option(names = "--events", defaultValue = "1000",
        description = "The server's train_every, and the events posted to start the training. Default: ${DEFAULT-VALUE}.")
    int events;

    @Override
    public Integer call() throws Exception {
      load.check();
      if (events < 1) throw new IllegalArgumentException("--events must be positive, got " + events);
      RetrainBenchmark.run(System.out, db, load.concurrency, load.seconds, events, load.seed);
      return 0;
    }
  }

  @Command(name = "soak", mixinStandardHelpOptions = true,
      description = "Runs the server on a store in a process of its own and drives it with a 90/10 read/write mix"
          + " for a long time: per minute the requests, errors, latency and the server's resident memory (RSS), and"
          + " p50/p99 per window. Targets: no errors, memory flat after the warm-up. The writes are stored: run it on"
          + " a copy of the store.")
  static final class Soak implements Callable<Integer> {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = "Store with users, items and encoded embeddings.")
    String db;

    @Option(names = "--minutes", defaultValue = "30", description = "How long. Default: ${DEFAULT-VALUE}.")
    int minutes;

    @Option(names = "--window", defaultValue = "5", description = "Minutes per latency window. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--concurrency", defaultValue = "8", description = "Client threads. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--heap", defaultValue = "2g", description = "The server's -Xmx. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the users and items picked.")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (minutes < 1) throw new IllegalArgumentException("--minutes must be positive, got " + minutes);
      if (window < 1) throw new IllegalArgumentException("--window must be positive, got " + window);
      if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be positive, got " + concurrency);
      List<String> server = new ArrayList<>(java(heap, "2g"));
      server.addAll(List.of("-cp", System.getProperty("java.class.path"), ShiftRec.class.getName(), "serve", "--db", db,
          "--port", "0"));
      SoakBenchmark.run(System.out, db, server, minutes, window, concurrency, seed);
      return 0;
    }
  }

  @Command(name = "fuzz", mixinStandardHelpOptions = true,
      description = "Starts the server on a temporary copy of a small store and sends it fuzzed requests on loopback,"
          + " one at a time: requests derived from its OpenAPI document and broken with hostile values (malformed,"
          + " deep and huge bodies, huge numbers, odd ids, keys, methods and bytes). Prints answers by status, 5xx,"
          + " hangs, stack traces, 4xx that are not problem+json, refused writes that stored, the slowest request and"
          + " every distinct defect with examples. Exit status 1 when any request showed a defect.")
  static final class Fuzz implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "10000", description = "How many requests. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the requests. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--seconds", defaultValue = "1800",
        description = "Stop sending after this many seconds. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--timeout-ms", defaultValue = "10000",
        description = "The longest an answer may take before it counts as a hang. Default: ${DEFAULT-VALUE}.")
    int timeoutMillis;

    @Option(names = "--db", description = "Fuzz a copy of this store instead of the default: a store of the first"
        + " --sample-items movies of the bundled MovieLens sample, imported and encoded afresh.")
    Path db;

    @Option(names = "--sample-items", defaultValue = "300",
        description = "Movies of the bundled sample in the default store. Default: ${DEFAULT-VALUE}.")
    int sampleItems;

    @Option(names = "--log", description = "Write every request with a defect, in full with its answer, to this file.")
    Path log;

    @Override
    public Integer call() throws Exception {
      if (requests < 1 || requests > 10_000_000) {
        throw new IllegalArgumentException("--requests must be between 1 and 10,000,000, got " + requests);
      }
      if (seconds < 1) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
      if (timeoutMillis < 100) throw new IllegalArgumentException("--timeout-ms must be at least 100, got " + timeoutMillis);
      if (sampleItems < 10) throw new IllegalArgumentException("--sample-items must be at least 10, got " + sampleItems);
      if (db != null && !Files.isRegularFile(db)) throw new IllegalArgumentException("no store at " + db);
      Path dir = Files.createTempDirectory("shiftrec-bench-fuzz-");
      try {
        Path copy = dir.resolve("fuzz.db");
        if (db != null) {
          for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path from = Path.of(db + suffix);
            if (Files.exists(from)) Files.copy(from, Path.of(copy + suffix));
          }
        } else {
          SampleStore.create(QuickstartCommand.sampleFolder(), sampleItems, dir.resolve("sample"), copy);
        }
        return FuzzBenchmark.run(System.out, copy.toString(), requests, seed, seconds, timeoutMillis, log) ? 0 : 1;
      } finally {
        try (var files = Files.walk(dir)) {
          for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
      }
    }
  }

  /** A dataset in one of the import formats, its item embeddings cached in a store between runs. */
  static final class DatasetOptions {
    @Option(names = "--format", required = true, converter = ImportCommand.Formats.class,
        description = "movielens | movielens-latest | amazon-cdsr | generic")
    ImportFormat format;

    @Option(names = "--path", required = true, description = "Dataset folder.")
    Path path;

    @Option(names = "--cache", defaultValue = ".shiftrec/embeddings.db",
        description = "Store that caches item embeddings between runs. Default: ${DEFAULT-VALUE}.")
    String cache;
  }

  @Command(name = "newcomers", mixinStandardHelpOptions = true,
      description = "Newcomers with attributes and their first 0, 1, 3 or 5 events: popularity, their group's"
          + " popularity (the served fallback), the learned ranker trained on the other users, the interests alone"
          + " and with group popularity added; NDCG@10 and HR@10 of what they liked later and of what they liked"
          + " next, 95%% intervals, paired tests against popularity.")
  static final class Newcomers implements Callable<Integer> {
    @Mixin DatasetOptions data;

    @Option(names = "--groups", split = ",", defaultValue = "age,gender,occupation",
        description = "User attributes that group users, coarse to fine. Default: ${DEFAULT-VALUE}.")
    List<String> groups;

    @Option(names = "--rankers", split = ",", defaultValue = "shiftrec-learned",
        description = "Learned rankers to train on the other users and serve to the newcomers, each a model with or"
            + " without settings (shiftrec-learned:early-lists=0). Default: ${DEFAULT-VALUE}.")
    List<String> rankers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of which users are the newcomers.")
    long seed;

    @Override
    public Integer call() throws Exception {
      ConsoleProgress progress = new ConsoleProgress();
      try (Store embeddings = Stores.open(data.cache)) {
        StoreEncoding.Settings settings = StoreEncoding.settings(embeddings);
        Dataset dataset = Dataset.load(data.format, data.path,
            store -> StoreEncoding.catalog(store, embeddings, settings, progress), progress);
        progress.finish();
        io.shiftrec.bench.NewcomerExperiment.run(System.out, dataset, groups, rankers, seed);
      }
      return 0;
    }
  }

  @Command(name = "onboarding", mixinStandardHelpOptions = true,
      description = "New users who state their taste in a sentence (written from the categories of the first 80%% of"
          + " each user's items) or, where users carry them, only their attributes: the rest of their items ranked by"
          + " the stated-taste ranker, its parts and references, and attribute-group popularity, against popularity,"
          + " with 95%% intervals and paired tests.")
  static final class Onboarding implements Callable<Integer> {
    @Mixin DatasetOptions data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the two halves of the users.")
    long seed;

    @Option(names = "--taste", defaultValue = "frequent",
        description = "Which categories of the history the sentence names: frequent (the user's most frequent) or"
            + " distinctive (the most over-represented against everyone's histories). Default: ${DEFAULT-VALUE}.")
    String taste;

    @Mixin EncodingOptions encoding;

    @Override
    public Integer call() throws Exception {
      OnboardingExperiment.Taste stated = switch (taste) {
        case "frequent" -> OnboardingExperiment.Taste.FREQUENT;
        case "distinctive" -> OnboardingExperiment.Taste.DISTINCTIVE;
        default -> throw new IllegalArgumentException("--taste must be frequent or distinctive, got '" + taste + "'");
      };
      ConsoleProgress progress = new ConsoleProgress();
      try (Store embeddings = Stores.open(data.cache)) {
        StoreEncoding.Settings settings = encoding.settings(embeddings);
        Dataset dataset = Dataset.load(data.format, data.path,
            store -> StoreEncoding.catalog(store, embeddings, settings, progress), progress);
        OnboardingExperiment.Result result;
        try (Embedder embedder = Embedder.bundled(embeddings, settings.router(), settings.itemText())) {
          result = OnboardingExperiment.run(dataset, embedder::encodeText, seed, stated);
        }
        progress.finish();
        System.out.printf(Locale.ROOT, "users %,d in two halves of %,d and %,d; each half is ranked with the setting"
            + " chosen by NDCG@10 on the other (two-fold cross-fitting)%n", result.firstHalf() + result.secondHalf(),
            result.firstHalf(), result.secondHalf());
        System.out.println("| model | setting (validation) | HR@10 [95% CI] | NDCG@10 [95% CI] | Recall@10"
            + " | NDCG@10 vs pop (p) | HR@10 vs pop (p) |");
        System.out.println("|---|---|---|---|---:|---|---|");
        for (OnboardingExperiment.Row r : result.rows()) {
          System.out.printf(Locale.ROOT, "| %s | %s | %.4f %s | %.4f %s | %.4f | %s | %s |%n", r.model(),
              r.setting().isEmpty() ? "–" : r.setting(), r.hitRate(), interval(r.hitRateCi()), r.ndcg(),
              interval(r.ndcgCi()), r.recall(), paired(r.ndcgVsPop()), paired(r.hitRateVsPop()));
        }
        for (String example : result.examples()) System.out.println("example: " + example);
      }
      return 0;
    }

    private static String interval(double[] ci) {
      return ci == null ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]", ci[0], ci[1]);
    }

    private static String paired(OnboardingExperiment.Paired p) {
      return p == null ? "–" : String.format(Locale.ROOT, "%+.4f (p = %.4f)", p.meanDiff(), p.pValue());
    }
  }
}
