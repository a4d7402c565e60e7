package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Store;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The parsed options of {@code shiftrec evaluate}. Build with {@link #of} and adjust with the {@code with…} methods.
 *
 * @param format dataset layout ({@code --format})
 * @param path dataset folder ({@code --path})
 * @param protocol {@code --protocol}
 * @param models {@code --models}, in report order
 * @param ks cut-offs ({@code --k}, default 5, 10, 20)
 * @param seed {@code --seed} (default 42): models, sampling, bootstrap
 * @param out the JSON report; .md and .html are written beside it. Null: nothing is written
 * @param threads worker threads for scoring users (default: available processors)
 * @param bootstrapSamples resamples for the 95% intervals and the paired test (default 1000; 0 = none)
 * @param permutations sign flips of the paired randomisation test (default 10000)
 * @param temporalCut share of events before the cut of {@code temporal} (default 0.8)
 * @param catalogOf builds the catalogue from the imported store (the CLI passes one that encodes item texts, which
 *     {@code content}, ILD and the embedding drift segment need); null = items without vectors
 * @param coldShare share held out by the cold protocols ({@code --cold-share}, one value per run; default 0.2):
 *     of the overlapping users for {@code cold-target}, of the items with events for {@code cold-item}
 * @param coldTargetDomain the domain {@code cold-target} hides; null (default) = every direction: each held-out
 *     user loses one of their domains, drawn with the seed, and {@code domain:X} segments report each direction
 * @param validation score the protocol's validation targets (models fit without them) instead of the test targets,
 *     for choosing hyperparameters without looking at the test ({@code --validation})
 * @param pairedWith the model every other is compared with in the paired test ({@code --paired-with}); null: the
 *     best baseline
 */
public record EvaluateOptions(ImportFormat format, Path path, String protocol, List<String> models, List<Integer> ks,
                              long seed, Path out, int threads, int bootstrapSamples, int permutations,
                              double temporalCut, Function<Store, Catalog> catalogOf, double coldShare,
                              String coldTargetDomain, boolean validation, String pairedWith) {
  public static final List<Integer> DEFAULT_KS = List.of(5, 10, 20);
  public static final long DEFAULT_SEED = 42;
  public static final double DEFAULT_COLD_SHARE = Protocols.DEFAULT_COLD_SHARE;

  public EvaluateOptions {
    models = List.copyOf(models);
    ks = ks == null || ks.isEmpty() ? DEFAULT_KS : List.copyOf(ks);
    coldTargetDomain = coldTargetDomain == null || coldTargetDomain.isBlank() ? null : coldTargetDomain.trim();
  }

  public static EvaluateOptions of(ImportFormat format, Path path, String protocol, List<String> models, Path out) {
    return new EvaluateOptions(format, path, protocol, models, DEFAULT_KS, DEFAULT_SEED, out,
        Runtime.getRuntime().availableProcessors(), 1000, 10_000, Protocols.DEFAULT_TEMPORAL_CUT, null,
        Protocols.DEFAULT_COLD_SHARE, null, false, null);
  }

  public EvaluateOptions withProtocol(String p) {
    return new EvaluateOptions(format, path, p, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withKs(List<Integer> k) {
    return new EvaluateOptions(format, path, protocol, models, k, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withSeed(long s) {
    return new EvaluateOptions(format, path, protocol, models, ks, s, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withThreads(int n) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, n, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withBootstrap(int samples, int flips) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, samples, flips, temporalCut,
        catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withTemporalCut(double cut) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        cut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withCatalog(Function<Store, Catalog> f) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, f, coldShare, coldTargetDomain, validation, pairedWith);
  }

  public EvaluateOptions withOut(Path o) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, o, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, pairedWith);
  }

  /** {@code --cold-share}: the held-out share of the cold protocols, in (0, 1). */
  public EvaluateOptions withColdShare(double share) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, share, coldTargetDomain, validation, pairedWith);
  }

  /** The domain {@code cold-target} hides (null: every direction, one per held-out user). */
  public EvaluateOptions withColdTargetDomain(String domain) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, domain, validation, pairedWith);
  }

  /** Scores the validation targets instead of the test targets ({@code --validation}). */
  public EvaluateOptions withValidation(boolean v) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, v, pairedWith);
  }

  /** The model the others are compared with in the paired test ({@code --paired-with}); null: the best baseline. */
  public EvaluateOptions withPairedWith(String model) {
    return new EvaluateOptions(format, path, protocol, models, ks, seed, out, threads, bootstrapSamples, permutations,
        temporalCut, catalogOf, coldShare, coldTargetDomain, validation, model);
  }
}
