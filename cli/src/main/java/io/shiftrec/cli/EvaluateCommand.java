package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.eval.Dataset;
import io.shiftrec.eval.EvaluateOptions;
import io.shiftrec.eval.Evaluation;
import io.shiftrec.eval.Report;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Split a dataset by a protocol, train and rank with every model over the full catalogue, and write"
        + " a JSON report with a Markdown table and an HTML report beside it.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--format", required = true, converter = ImportCommand.Formats.class,
      description = "movielens | movielens-latest | amazon-cdsr | generic")
  ImportFormat format;

  @Option(names = "--path", required = true, description = "Dataset folder.")
  Path path;

  @Option(names = "--protocol", required = true,
      description = "loo | temporal | cdsr-sampled | cdsr-full | cold-target | cold-item")
  String protocol;

  @Option(names = "--models", required = true, split = ",", description = "Models to compare, e.g. pop,itemknn,content.")
  List<String> models;

  @Option(names = "--k", split = ",", description = "Cut-offs. Default: 5,10,20.")
  List<Integer> ks;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of models, sampling and bootstrap. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", required = true, description = "Report JSON file; .md and .html are written beside it.")
  Path out;

  @Option(names = "--cold-share", split = ",", description = "cold-target: shares of overlapping users whose"
      + " target-domain events are hidden, e.g. 0.2,0.5,0.8; with several, one report per share (FILE-cold0.5.json)."
      + " Default: 0.2.")
  List<Double> coldShares;

  @Option(names = "--target-domain", description = "cold-target: the domain to hide and predict. Default: each"
      + " held-out user loses one of their domains, drawn per user, so both directions are measured.")
  String targetDomain;

  @Option(names = "--validation", description = "Score the protocol's validation targets (models fit without them)"
      + " instead of the test targets: for choosing hyperparameters without looking at the test.")
  boolean validation;

  @Option(names = "--paired-with", description = "The model every other is compared with in the paired test (one of"
      + " --models). Default: the best baseline.")
  String pairedWith;

  @Option(names = "--threads", description = "Scoring threads. Default: all cores.")
  Integer threads;

  @Option(names = "--cache", defaultValue = ".shiftrec/embeddings.db",
      description = "Store that caches item embeddings between runs: a SQLite file or a jdbc:postgresql:// URL."
          + " Default: ${DEFAULT-VALUE}.")
  String cache;

  @Mixin EncodingOptions encoding;

  @Override
  public Integer call() throws Exception {
    ConsoleProgress progress = new ConsoleProgress();
    List<Double> shares = coldShares == null || coldShares.isEmpty() ? List.of(EvaluateOptions.DEFAULT_COLD_SHARE)
        : coldShares;
    try (Store embeddings = Stores.open(cache)) {
      StoreEncoding.Settings settings = encoding.settings(embeddings);
      EvaluateOptions options = EvaluateOptions.of(format, path, protocol, models, out).withKs(ks).withSeed(seed)
          .withCatalog(store -> StoreEncoding.catalog(store, embeddings, settings, progress));
      if (threads != null) options = options.withThreads(threads);
      if (validation) options = options.withValidation(true);
      if (pairedWith != null) options = options.withPairedWith(pairedWith);
      if (targetDomain != null) options = options.withColdTargetDomain(targetDomain);
      for (double share : shares) options.withColdShare(share); // checks every share before any data is read
      Evaluation.check(options);
      Dataset dataset = Dataset.load(format, path, options.catalogOf(), progress);
      for (double share : shares) {
        Path file = shares.size() == 1 ? out : withSuffix(out, "-cold" + share);
        Report report = Evaluation.evaluate(dataset, options.withColdShare(share).withOut(file), progress);
        progress.finish();
        System.out.print(report.markdown());
        System.out.println("report: " + file + " (.md, .html beside it)");
      }
    }
    return 0;
  }

  private static Path withSuffix(Path file, String suffix) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String renamed = dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix;
    return file.resolveSibling(renamed);
  }
}
