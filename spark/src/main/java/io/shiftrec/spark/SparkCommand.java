package io.shiftrec.spark;

import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.train.Training;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shiftrec spark encode|train}: the batch steps on Apache Spark, reading the store and saving into it as the
 * single-process commands do. Run by the launcher ({@code ./shiftrec spark …}, local[2] by default) or submitted to a
 * cluster ({@code spark-submit --class io.shiftrec.spark.SparkCommand shiftrec-spark.jar train --db URL}).
 */
@Command(name = "shiftrec spark", mixinStandardHelpOptions = true,
    description = "Batch work on Apache Spark: encode a store's catalogue, or train its models, across a cluster's"
        + " executors (local[2] unless --master or spark-submit says otherwise).",
    subcommands = {SparkCommand.Encode.class, SparkCommand.Train.class, SparkCommand.Export.class})
public final class SparkCommand {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 done, 1 failed (one-line reason on stderr), 2 bad usage. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new SparkCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      String m = e.getMessage();
      if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
      commandLine.getErr().println("shiftrec spark " + commandLine.getCommandName() + ": " + m.replace('\n', ' '));
      if (Boolean.getBoolean("shiftrec.debug")) e.printStackTrace(commandLine.getErr());
      return 1;
    });
    return cli.execute(args);
  }

  /** Where the job runs and how finely its work is cut. */
  static final class Cluster {
    @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL", required = true,
        description = "The store: a SQLite file, or a PostgreSQL database as a JDBC URL (what a cluster's driver"
            + " reaches). --store is the same option.")
    String db;

    @Option(names = "--master", description = "Spark master URL. Default: spark-submit's, else local[2].")
    String master;

    @Option(names = "--partitions", description = "Slices of the work. Default: twice Spark's default parallelism.")
    Integer partitions;

    /** The options checked, before the store is opened or Spark started. */
    Cluster checked() {
      if (partitions != null && partitions < 1) {
        throw new IllegalArgumentException("--partitions must be positive, got " + partitions);
      }
      return this;
    }

    JavaSparkContext start(String job) {
      return JavaSparkContext.fromSparkContext(session(job).sparkContext());
    }

    /** Spark SQL's entry point (Parquet), on the same context as {@link #start}'s. */
    SparkSession session(String job) {
      SparkConf conf = new SparkConf().setAppName("shiftrec " + job).set("spark.ui.enabled", "false");
      if (master != null) conf.setMaster(master);
      else if (!conf.contains("spark.master")) conf.setMaster("local[2]");
      return SparkSession.builder().config(conf).getOrCreate();
    }

    int partitions(JavaSparkContext spark) {
      return partitions != null ? partitions : 2 * spark.defaultParallelism();
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Encode the items (and behaviour texts) of a store that have no vector yet, each batch spread over"
          + " the executors; the vectors are cached in the store as import and encode cache them.")
  static final class Encode implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Override
    public Integer call() {
      try (Store store = Stores.openExisting(cluster.checked().db); JavaSparkContext spark = cluster.start("encode")) {
        StoreEncoding.Settings settings = StoreEncoding.settings(store);
        int partitions = cluster.partitions(spark);
        StoreEncoding.Encoded encoded = StoreEncoding.encodeCatalog(store, settings,
            id -> new SparkTextEncoder(spark, id, settings.itemText().maxTokens(), partitions), Progress.NONE);
        System.out.println(encoded.summary() + " on " + spark.master() + ", " + partitions + " partitions");
      }
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train as train does, with every iALS half-step (ials, and the learned ranker's factor part)"
          + " solved on the executors: the same models, saved as new versions in the store's registry.")
  static final class Train implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Option(names = "--models", split = ",", defaultValue = LearnedRankerModel.NAME,
        description = "Any of " + LearnedRankerModel.NAME + ", ials, bpr, as train takes them."
            + " Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the models. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--no-validation", description = "Skip the validation run: fit once, on every interaction.")
    boolean noValidation;

    @Option(names = "--no-activate", description = "Save the new ranker without making it the active version.")
    boolean noActivate;

    @Option(names = "--events", paramLabel = "PATH",
        description = "Train on the events of these Parquet files (an export's events folder, or any with the columns"
            + " user, item and type) instead of the store's; the items, their vectors and the users stay the store's,"
            + " and the models are saved there.")
    String events;

    @Override
    public Integer call() throws Exception {
      Training.Settings settings = new Training.Settings(models, seed, !noValidation, !noActivate);
      Training.check(models); // a bad model name fails before the store is opened or Spark started
      try (Store store = Stores.openExisting(cluster.checked().db); SparkSession session = cluster.session("train");
           JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
           SparkSweep sweep = new SparkSweep(spark, cluster.partitions(spark))) {
        List<Training.Saved> saved = events == null ? Training.run(store, settings, sweep, Progress.NONE)
            : Training.run(store, settings, sweep, Progress.NONE,
                each -> SparkParquet.readEvents(session, events, each), events);
        for (Training.Saved s : saved) System.out.println(s.summary(s.isActive(store)) + " on " + spark.master());
      }
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the store's items, users and events as Parquet (folders items, users and events under"
          + " --out, maps as JSON text; events in the store's order, numbered by seq), for a data lake, or to train"
          + " on with spark train --events.")
  static final class Export implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Option(names = "--out", paramLabel = "DIR", required = true,
        description = "Where to write (a local folder, or any path Spark writes to: hdfs://, s3a://); what an"
            + " earlier export left there is replaced.")
    String out;

    @Override
    public Integer call() throws Exception {
      try (Store store = Stores.openExisting(cluster.checked().db); SparkSession spark = cluster.session("export")) {
        SparkParquet.Exported e = SparkParquet.export(spark, store, out);
        System.out.printf(java.util.Locale.ROOT, "exported %,d items, %,d users and %,d events to %s%n", e.items(),
            e.users(), e.events(), out);
      }
      return 0;
    }
  }
}
