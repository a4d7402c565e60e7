package io.shiftrec.cli;

import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.EncodeBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print a table.",
    subcommands = {BenchCommand.Encode.class})
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
}
