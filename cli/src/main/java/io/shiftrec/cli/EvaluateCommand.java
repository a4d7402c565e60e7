package io.shiftrec.cli;

import io.shiftrec.core.Store;
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

  @Option(names = "--threads", description = "Scoring threads. Default: all cores.")
  Integer threads;

  @Option(names = "--cache", defaultValue = ".shiftrec/embeddings.db",
      description = "Store that caches item embeddings between runs. Default: ${DEFAULT-VALUE}.")
  String cache;

  @Mixin EncodingOptions encoding;

  @Override
  public Integer call() throws Exception {
    ConsoleProgress progress = new ConsoleProgress();
    Report report;
    try (Store embeddings = Engine.openStore(cache)) {
      Engine.EncodingSettings settings = encoding.settings(embeddings);
      EvaluateOptions options = EvaluateOptions.of(format, path, protocol, models, out).withKs(ks).withSeed(seed)
          .withCatalog(store -> Engine.catalog(store, embeddings, settings, progress));
      if (threads != null) options = options.withThreads(threads);
      report = Evaluation.run(options, progress);
    }
    progress.finish();
    System.out.print(report.markdown());
    System.out.println("report: " + out + " (.md, .html beside it)");
    return 0;
  }
}
