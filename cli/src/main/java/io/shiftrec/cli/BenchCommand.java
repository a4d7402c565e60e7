package io.shiftrec.cli;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.EncodeBenchmark;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.recommend.AnnBenchmark;
import io.shiftrec.serve.ServeBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print a table.",
    subcommands = {BenchCommand.Encode.class, BenchCommand.Ann.class, BenchCommand.Serve.class})
final class BenchCommand {

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
      EncodeBenchmark.run(System.out, EncodeBenchmark.defaultTexts(texts, seed), model);
      return 0;
    }
  }

  @Command(name = "ann", mixinStandardHelpOptions = true,
      description = "Recall@10 and query latency of the approximate nearest-neighbour index against an exact scan of"
          + " the same vectors, in the same run, at several index settings.")
  static final class Ann implements Callable<Integer> {
    @Option(names = "--db", description = "Store whose item embeddings are indexed (centred, as scoring uses them)."
        + " Default: the quickstart store when it exists, else synthetic vectors.")
    String db;

    @Option(names = "--synthetic", description = "Index this many synthetic 384-dimensional vectors instead.")
    Integer synthetic;

    @Option(names = "--queries", defaultValue = "1000", description = "Queries per setting. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of queries and insertion order.")
    long seed;

    @Override
    public Integer call() {
      if (queries < 1) throw new IllegalArgumentException("--queries must be positive, got " + queries);
      Catalog.Space space;
      String location = db != null ? db : QuickstartCommand.DEFAULT_DB;
      if (synthetic == null && (db != null || java.nio.file.Files.isRegularFile(java.nio.file.Path.of(location)))) {
        try (Store store = Stores.openExisting(location)) {
          Catalog catalog = StoreEncoding.catalog(store, new ConsoleProgress()).centred();
          if (catalog.spaces().isEmpty()) throw new IllegalArgumentException("no encoded items in " + location);
          space = catalog.spaces().values().iterator().next();
        }
      } else {
        space = AnnBenchmark.syntheticSpace(synthetic == null ? 36_000 : synthetic, 384, seed);
      }
      AnnBenchmark.run(System.out, space, queries, seed);
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Starts the server on a store and drives it on loopback from a fixed number of client threads:"
          + " p50/p90/p99 latency and requests per second for recommendations alone and for a 90/10 read/write mix."
          + " The writes are stored: run it on a copy of the store.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--db", required = true, description = "Store with users, items and encoded embeddings.")
    String db;

    @Option(names = "--concurrency", defaultValue = "8", description = "Client threads. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the users and items picked.")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be positive, got " + concurrency);
      if (seconds < 1) throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
      ServeBenchmark.run(System.out, db, concurrency, seconds, seed);
      return 0;
    }
  }
}
