package io.shiftrec.learn;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.stream.Stream;

/**
 * Gradient-boosted trees fit to rank (LambdaMART: LightGBM's {@code lambdarank} objective, which optimises NDCG
 * within each group), through LightGBM's Java binding (lightgbm4j, native code shipped in its jar). Rows are
 * float feature vectors, groups are consecutive rows ranked together (one user's candidates), labels are relevance
 * (1 for the item the user took, 0 for the others). Single-threaded and seeded with LightGBM's deterministic mode,
 * so the same rows and seed give the same trees. A fitted model is its LightGBM model text: saved and loaded as is.
 */
public final class LambdaMart implements AutoCloseable {
  static {
    loadNativeLibraries();
  }

  /**
   * lightgbm4j writes its native libraries to one fixed path under java.io.tmpdir whenever a process starts, so a
   * second ShiftRec process would rewrite the libraries the first has mapped and crash it. Each process loads its
   * own copy from its own temporary folder instead (removed at exit); java.io.tmpdir points there only meanwhile.
   */
  private static void loadNativeLibraries() {
    String tmp = System.getProperty("java.io.tmpdir");
    try {
      Path own = Files.createTempDirectory("shiftrec-lightgbm-");
      own.toFile().deleteOnExit(); // deleted last: registered first
      System.setProperty("java.io.tmpdir", own.toString());
      try {
        LGBMBooster.loadNative();
      } finally {
        System.setProperty("java.io.tmpdir", tmp);
      }
      try (Stream<Path> files = Files.list(own)) {
        files.forEach(f -> f.toFile().deleteOnExit());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load LightGBM's native libraries: " + e.getMessage(), e);
    }
  }

  /**
   * @param trees boosting rounds
   * @param leaves leaves per tree
   * @param learningRate shrinkage per round
   * @param minInLeaf fewest rows a leaf may hold (the regulariser that matters most with few positives)
   */
  public record Config(int trees, int leaves, double learningRate, int minInLeaf) {
    public Config {
      if (trees < 1 || leaves < 2 || minInLeaf < 1 || !(learningRate > 0 && learningRate <= 1)) {
        throw new IllegalArgumentException("LambdaMART needs trees ≥ 1, leaves ≥ 2, min-in-leaf ≥ 1 and a learning "
            + "rate in (0, 1], got " + trees + ", " + leaves + ", " + minInLeaf + ", " + learningRate);
      }
    }

    public static Config defaults() {
      return new Config(200, 15, 0.05, 100);
    }
  }

  private final String text;
  /** Every booster loaded for this model, and those not scoring now (fair: waiting callers are served in order). */
  private final List<LGBMBooster> boosters = new ArrayList<>();
  private final int maxBoosters = Math.max(1, Runtime.getRuntime().availableProcessors());
  private final ArrayBlockingQueue<LGBMBooster> idle = new ArrayBlockingQueue<>(maxBoosters, true);
  private boolean closed;

  private LambdaMart(LGBMBooster booster, String text) {
    boosters.add(booster);
    idle.add(booster);
    this.text = text;
  }

  /**
   * Fits trees on {@code groupSizes.length} groups of rows ({@code rows}: row-major, {@code dims} per row, the
   * groups one after another).
   */
  public static LambdaMart fit(float[] rows, int dims, int[] groupSizes, float[] labels, Config config, long seed) {
    int count = labels.length;
    if (rows.length != (long) count * dims) {
      throw new IllegalArgumentException(rows.length + " values for " + count + " rows of " + dims);
    }
    String params = String.format(Locale.ROOT, "objective=lambdarank num_leaves=%d learning_rate=%s "
            + "min_data_in_leaf=%d num_threads=1 deterministic=true force_row_wise=true seed=%d verbosity=-1 "
            + "lambdarank_truncation_level=20 eval_at=10", config.leaves(), config.learningRate(), config.minInLeaf(),
        seed);
    try (LGBMDataset data = LGBMDataset.createFromMat(rows, count, dims, true, "verbosity=-1", null)) {
      data.setField("label", labels);
      data.setField("group", groupSizes);
      LGBMBooster booster = LGBMBooster.create(data, params);
      for (int t = 0; t < config.trees(); t++) {
        if (booster.updateOneIter()) break; // no split improves any more
      }
      String text = booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.GAIN);
      return new LambdaMart(booster, text);
    } catch (LGBMException e) {
      throw new IllegalStateException("LightGBM failed to fit: " + e.getMessage(), e);
    }
  }

  /** A model from its text ({@link #text()}); IllegalArgumentException when LightGBM cannot read it. */
  public static LambdaMart fromText(String text) {
    try {
      return new LambdaMart(LGBMBooster.loadModelFromString(text), text);
    } catch (LGBMException e) {
      throw new IllegalArgumentException("not a LightGBM model: " + e.getMessage(), e);
    }
  }

  /** The model as LightGBM writes it. */
  public String text() {
    return text;
  }

  /**
   * Scores {@code count} rows of {@code dims} features (row-major). LightGBM's booster takes one prediction at a time
   * (setting up a prediction writes to the booster), so concurrent callers each take a booster of their own, loaded
   * from the model text on first need, up to one per core; beyond that they queue in arrival order.
   */
  public double[] score(float[] rows, int count, int dims) {
    if (count == 0) return new double[0];
    LGBMBooster b = takeBooster();
    try {
      return b.predictForMat(rows, count, dims, true, PredictionType.C_API_PREDICT_RAW_SCORE, "num_threads=1");
    } catch (LGBMException e) {
      throw new IllegalStateException("LightGBM failed to score: " + e.getMessage(), e);
    } finally {
      idle.add(b);
    }
  }

  private LGBMBooster takeBooster() {
    LGBMBooster b = idle.poll();
    if (b != null) return b;
    synchronized (boosters) {
      if (boosters.size() < maxBoosters && !closed) {
        try {
          b = LGBMBooster.loadModelFromString(text);
        } catch (LGBMException e) {
          throw new IllegalStateException("LightGBM cannot load its own model: " + e.getMessage(), e);
        }
        boosters.add(b);
        return b;
      }
    }
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to score", e);
    }
  }

  @Override
  public void close() {
    synchronized (boosters) {
      closed = true;
      try {
        for (LGBMBooster b : boosters) b.close();
      } catch (LGBMException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }
}
