package io.shiftrec.cli;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Store;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.recommend.AnnBenchmark;
import io.shiftrec.encoder.EncodeBenchmark;
import io.shiftrec.encoder.Embedder;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.OnboardingExperiment;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print a table.",
    subcommands = {BenchCommand.Encode.class, BenchCommand.Ann.class, BenchCommand.Onboarding.class})
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
        try (Store store = Engine.openExistingStore(location)) {
          Catalog catalog = Engine.catalog(store, new ConsoleProgress()).centred();
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

  @Command(name = "onboarding", mixinStandardHelpOptions = true,
      description = "New users who state their taste in a sentence: the sentence (written from the categories of"
          + " the first 80% of each user's items) ranks the rest of their items, alone and added to popularity,"
          + " against popularity.")
  static final class Onboarding implements Callable<Integer> {
    @Option(names = "--format", required = true, converter = ImportCommand.Formats.class,
        description = "movielens | movielens-latest | amazon-cdsr | generic")
    ImportFormat format;

    @Option(names = "--path", required = true, description = "Dataset folder.")
    Path path;

    @Option(names = "--cache", defaultValue = ".shiftrec/embeddings.db",
        description = "Store that caches item embeddings between runs. Default: ${DEFAULT-VALUE}.")
    String cache;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the validation/test halves of the users.")
    long seed;

    @Mixin EncodingOptions encoding;

    @Override
    public Integer call() throws Exception {
      ConsoleProgress progress = new ConsoleProgress();
      try (Store embeddings = Engine.openStore(cache)) {
        Engine.EncodingSettings settings = encoding.settings(embeddings);
        Dataset dataset = Dataset.load(format, path, store -> Engine.catalog(store, embeddings, settings, progress),
            progress);
        OnboardingExperiment.Result result;
        try (Embedder embedder = Embedder.bundled(embeddings, settings.router(), settings.itemText())) {
          result = OnboardingExperiment.run(dataset, embedder::encodeText, seed);
        }
        progress.finish();
        System.out.println("| model | users | HR@10 | NDCG@10 | Recall@10 |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (OnboardingExperiment.Row r : result.rows()) {
          System.out.printf(Locale.ROOT, "| %s | %,d | %.4f | %.4f | %.4f |%n", r.model(), r.users(), r.hitRate(),
              r.ndcg(), r.recall());
        }
        System.out.println("γ chosen on the validation half by HR@10: " + result.gamma() + "; rows are the test half");
        for (String example : result.examples()) System.out.println("example: " + example);
      }
      return 0;
    }
  }
}
