package io.shiftrec.learn;

import io.shiftrec.core.Parameters;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A learned adapter on frozen text embeddings (after UniSRec, Hou et al., KDD 2022): item i's adapted vector is the
 * unit vector along {@code W·e_i + r_i}, where {@code e_i} is its frozen embedding, W a linear map (d_in → d_out,
 * started at the identity when d_out = d_in, so training starts from the raw space) and {@code r_i} an optional
 * per-item residual, kept only for items with at least {@link Config#residualMinCount} training interactions. An item
 * without interactions gets {@code W·e_i} alone: the map learned from behaviour reaches items nobody has touched.
 *
 * <p>Training task: a user at position p of their sequence is the weighted mean of the adapted vectors of the items
 * they liked among the previous {@link Config#history} (all of them, unweighted, when they liked none: the content
 * model's profile), and must pick the item at p among the other targets of the mini-batch (in-batch softmax over
 * cosines divided by a temperature). Adam, every random draw from the seed: the same data, config and seed give the
 * same adapter, bit for bit, whatever the number of threads. The projections run in parallel over blocks of items and
 * the gradient of W over blocks of its rows; every sum is still taken in the order of the single-threaded loop.
 *
 * <p>Regularisation: {@link Config#decay} pulls W back to its start and the residuals to zero after every step;
 * {@link Config#dropout} drops coordinates of the pooled history vector; {@link Config#crop} and {@link Config#mask}
 * shorten the history window (a contiguous crop; items dropped at random). Reordering the history is not offered:
 * the pooling is a mean, so an order changes nothing.
 *
 * <p>Each step projects only the items its mini-batch touches (a d_in × d_out product each, forward and back), so
 * a step costs about 2·d_in·d_out flops per distinct item in the batch, not per catalogue item.
 */
public final class TextAdapter {
  private final Config config;
  private final int inputDimension;
  private final int outputDimension;
  /** W stored transposed, d_in rows of d_out: row j is how input coordinate j feeds every output coordinate. */
  private final float[] weights;
  /** Item indices with a residual, ascending. */
  private final int[] residualItems;
  /** One row of d_out per entry of {@link #residualItems}. */
  private final float[] residuals;

  /**
   * @param outputDimension d_out; 0 keeps the input dimension (and starts W at the identity)
   * @param history L, how many previous items make the user in training
   * @param temperature the cosines are divided by it before the softmax
   * @param learningRate Adam step size
   * @param decay share of (W − start) and of every residual removed after each step
   * @param dropout probability of zeroing one coordinate of the pooled history vector in training
   * @param crop share of the history window cut away, as one contiguous window kept at a random place
   * @param mask probability of dropping each remaining history item (at least one stays)
   * @param residualMinCount items with at least this many training interactions get a residual; 0 = none
   * @param batchSize training examples per step, also the softmax's candidates
   * @param maxSteps most steps one training run takes
   * @param validateEvery steps between validation checks (selection only)
   * @param patience checks without improvement before a run stops (selection only)
   * @param popularityCorrection share of ln(how often the candidate is a target) taken off its training logit.
   *     In-batch candidates are drawn by popularity, so without it the softmax learns how much more likely an
   *     item is for this user than overall (a lift that favours rare items); with 1 it learns the likelihood
   *     itself (Yi et al., RecSys 2019), which is what a top-10 list is judged by
   */
  public record Config(int outputDimension, int history, float temperature, float learningRate, float decay,
                       float dropout, float crop, float mask, int residualMinCount, int batchSize, int maxSteps,
                       int validateEvery, int patience, float popularityCorrection) {
    public Config {
      if (!(popularityCorrection >= 0 && popularityCorrection <= 1)) {
        throw new IllegalArgumentException("adapter popularity correction must lie in [0, 1], got "
            + popularityCorrection);
      }
      if (outputDimension < 0) throw new IllegalArgumentException("adapter output dimension must be ≥ 0 (0 = "
          + "input dimension), got " + outputDimension);
      if (history < 1 || batchSize < 2 || maxSteps < 0 || validateEvery < 1 || patience < 1) {
        throw new IllegalArgumentException("adapter history, validateEvery and patience must be ≥ 1, batchSize ≥ 2 "
            + "and maxSteps ≥ 0; got history " + history + ", batchSize " + batchSize + ", maxSteps " + maxSteps
            + ", validateEvery " + validateEvery + ", patience " + patience);
      }
      if (!(temperature > 0) || !(learningRate > 0) || Float.isInfinite(temperature)
          || Float.isInfinite(learningRate)) {
        throw new IllegalArgumentException("adapter temperature and learning rate must be finite and > 0, got "
            + temperature + ", " + learningRate);
      }
      if (!(decay >= 0 && decay < 1) || !(dropout >= 0 && dropout < 1) || !(crop >= 0 && crop < 1)
          || !(mask >= 0 && mask < 1)) {
        throw new IllegalArgumentException("adapter decay, dropout, crop and mask must lie in [0, 1), got " + decay
            + ", " + dropout + ", " + crop + ", " + mask);
      }
      if (residualMinCount < 0) {
        throw new IllegalArgumentException("adapter residualMinCount must be ≥ 0 (0 = no residuals), got "
            + residualMinCount);
      }
    }

    /** Without the popularity correction. */
    public Config(int outputDimension, int history, float temperature, float learningRate, float decay,
                  float dropout, float crop, float mask, int residualMinCount, int batchSize, int maxSteps,
                  int validateEvery, int patience) {
      this(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask, residualMinCount,
          batchSize, maxSteps, validateEvery, patience, 0f);
    }

    /** The starting point of {@link #select}; the regularisers are then chosen on validation. */
    public static Config defaults() {
      return new Config(0, 20, 0.1f, 0.0002f, 0f, 0f, 0f, 0f, 0, 64, 300, 25, 3, 1f);
    }

    public Config withRegularisation(float decay, float dropout, float crop, float mask) {
      return new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask,
          residualMinCount, batchSize, maxSteps, validateEvery, patience, popularityCorrection);
    }

    public Config withResidualMinCount(int minCount) {
      return new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask, minCount,
          batchSize, maxSteps, validateEvery, patience, popularityCorrection);
    }

    public Config withMaxSteps(int steps) {
      return new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask,
          residualMinCount, batchSize, steps, validateEvery, patience, popularityCorrection);
    }

    /**
     * This config with one hyperparameter set from text, by the names of {@link #toMap()} plus
     * {@code validate_every} and {@code patience}, e.g. {@code with("history", "20")}.
     */
    public Config with(String key, String value) {
      Map<String, Object> known = settable();
      if (!known.containsKey(key)) throw Parameters.unknown("content-adapter", key, known);
      int i = 0;
      float f = 0f;
      String name = key + " of content-adapter";
      switch (key) {
        case "temperature", "lr", "decay", "dropout", "crop", "mask", "logq" -> f = (float) Parameters.number(name, value);
        default -> i = Parameters.integer(name, value);
      }
      return switch (key) {
        case "dim" -> new Config(i, history, temperature, learningRate, decay, dropout, crop, mask, residualMinCount,
            batchSize, maxSteps, validateEvery, patience, popularityCorrection);
        case "history" -> new Config(outputDimension, i, temperature, learningRate, decay, dropout, crop, mask,
            residualMinCount, batchSize, maxSteps, validateEvery, patience, popularityCorrection);
        case "temperature" -> new Config(outputDimension, history, f, learningRate, decay, dropout, crop, mask,
            residualMinCount, batchSize, maxSteps, validateEvery, patience, popularityCorrection);
        case "lr" -> new Config(outputDimension, history, temperature, f, decay, dropout, crop, mask,
            residualMinCount, batchSize, maxSteps, validateEvery, patience, popularityCorrection);
        case "decay" -> withRegularisation(f, dropout, crop, mask);
        case "dropout" -> withRegularisation(decay, f, crop, mask);
        case "crop" -> withRegularisation(decay, dropout, f, mask);
        case "mask" -> withRegularisation(decay, dropout, crop, f);
        case "residual_min" -> withResidualMinCount(i);
        case "logq" -> new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask,
            residualMinCount, batchSize, maxSteps, validateEvery, patience, f);
        case "batch" -> new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop, mask,
            residualMinCount, i, maxSteps, validateEvery, patience, popularityCorrection);
        case "max_steps" -> withMaxSteps(i);
        case "validate_every" -> new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop,
            mask, residualMinCount, batchSize, maxSteps, i, patience, popularityCorrection);
        case "patience" -> new Config(outputDimension, history, temperature, learningRate, decay, dropout, crop,
            mask, residualMinCount, batchSize, maxSteps, validateEvery, i, popularityCorrection);
        default -> throw Parameters.unknown("content-adapter", key, known);
      };
    }

    /** Every hyperparameter {@link #with} sets, by name, with its value here. */
    public Map<String, Object> settable() {
      Map<String, Object> known = new java.util.LinkedHashMap<>(toMap());
      known.put("validate_every", validateEvery);
      known.put("patience", patience);
      return known;
    }

    public Map<String, Object> toMap() {
      return Parameters.inOrder("dim", outputDimension, "history", history, "temperature", temperature, "lr",
          learningRate, "decay", decay, "dropout", dropout, "crop", crop, "mask", mask, "residual_min",
          residualMinCount, "batch", batchSize, "max_steps", maxSteps, "logq", popularityCorrection);
    }
  }

  /**
   * A trained adapter from its parts (as saved); checks the shapes.
   *
   * @param weights W transposed: d_in rows of d_out values
   * @param residualItems ascending item indices with a residual
   * @param residuals one d_out row per residual item
   */
  public TextAdapter(Config config, int inputDimension, float[] weights, int[] residualItems, float[] residuals) {
    int dOut = config.outputDimension() == 0 ? inputDimension : config.outputDimension();
    if (inputDimension < 1) throw new IllegalArgumentException("adapter input dimension must be ≥ 1");
    if (weights.length != inputDimension * dOut) {
      throw new IllegalArgumentException("adapter W must hold " + inputDimension + " × " + dOut + " values, got "
          + weights.length);
    }
    if (residuals.length != residualItems.length * dOut) {
      throw new IllegalArgumentException(residualItems.length + " residual items need " + residualItems.length * dOut
          + " values, got " + residuals.length);
    }
    for (int r = 1; r < residualItems.length; r++) {
      if (residualItems[r] <= residualItems[r - 1]) {
        throw new IllegalArgumentException("residual items must be ascending and distinct");
      }
    }
    if (residualItems.length > 0 && residualItems[0] < 0) throw new IllegalArgumentException("negative item index");
    this.config = config;
    this.inputDimension = inputDimension;
    this.outputDimension = dOut;
    this.weights = weights;
    this.residualItems = residualItems;
    this.residuals = residuals;
  }

  public Config config() {
    return config;
  }

  public int inputDimension() {
    return inputDimension;
  }

  public int outputDimension() {
    return outputDimension;
  }

  /** W transposed (d_in rows of d_out); shared, do not modify. */
  public float[] weights() {
    return weights;
  }

  public int[] residualItems() {
    return residualItems;
  }

  public float[] residuals() {
    return residuals;
  }

  /** The residual row of an item, or -1. */
  public int residualRow(int item) {
    int r = Arrays.binarySearch(residualItems, item);
    return r >= 0 ? r : -1;
  }

  /**
   * The adapted unit vectors of {@code n} items whose embeddings are the rows of {@code inputs} (n × d_in; row i is
   * item i, which is how residuals are found): n × d_out. A zero result stays zero.
   */
  public float[] adaptAll(float[] inputs) {
    if (inputs.length % inputDimension != 0) {
      throw new IllegalArgumentException("inputs of length " + inputs.length + " are not rows of " + inputDimension);
    }
    int n = inputs.length / inputDimension, d = outputDimension;
    int[] items = new int[n];
    for (int i = 0; i < n; i++) items[i] = i;
    float[][] z = new float[n][d];
    projectRows(Matrices.rows(weights, inputDimension, d), inputs, inputDimension, items, n, z);
    float[] out = new float[n * d];
    for (int i = 0; i < n; i++) {
      int r = residualRow(i);
      if (r >= 0) for (int o = 0; o < d; o++) z[i][o] += residuals[r * d + o];
      normalise(z[i]);
      System.arraycopy(z[i], 0, out, i * d, d);
    }
    return out;
  }

  /**
   * A vector that is no catalogue item (a query, a stated taste), brought into the adapted space: the unit vector
   * along W·e, no residual. {@code embedding} must be prepared as the item inputs were (centred, unit length).
   */
  public float[] adapt(float[] embedding) {
    if (embedding.length != inputDimension) {
      throw new IllegalArgumentException("vector has dimension " + embedding.length + ", the adapter takes "
          + inputDimension);
    }
    float[] z = new float[outputDimension];
    project(weights, embedding, 0, inputDimension, outputDimension, z);
    normalise(z);
    return z;
  }

  /** z = Wᵀ-stored map applied to row {@code off} of {@code x}: axpy over W's rows, which the JIT vectorises. */
  static void project(float[] wt, float[] x, int off, int dIn, int dOut, float[] z) {
    Arrays.fill(z, 0f);
    for (int j = 0; j < dIn; j++) {
      float xj = x[off + j];
      if (xj == 0f) continue;
      int w = j * dOut;
      for (int o = 0; o < dOut; o++) z[o] += xj * wt[w + o];
    }
  }

  /** Rows projected together: W is read once per block of rows, not once per row. */
  private static final int ROWS = 8;

  private static int blocks(int rows) {
    return (rows + ROWS - 1) / ROWS;
  }

  /**
   * {@code out[r]} = {@link #project} of input row {@code items[r]}, for r &lt; {@code count}, W given as its rows
   * ({@code wRows[j]}: how input coordinate j feeds every output). Blocks of {@value #ROWS} rows run in parallel;
   * within a block W's row j is applied to every row before row j + 1, so each output value sums its terms in the
   * order {@link #project} does, and the result is the same bit for bit.
   *
   * <p>Rows are separate arrays on purpose: the JIT vectorises {@code a[o] += x * b[o]}, but not the same loop over
   * two arrays read at different offsets ({@code a[i + o]}, {@code b[k + o]}), which runs about six times slower.
   */
  static void projectRows(float[][] wRows, float[] inputs, int dIn, int[] items, int count, float[][] out) {
    IntStream.range(0, blocks(count)).parallel().forEach(b -> {
      int from = b * ROWS, to = Math.min(count, from + ROWS);
      for (int r = from; r < to; r++) Arrays.fill(out[r], 0f);
      for (int j = 0; j < dIn; j++) {
        float[] wj = wRows[j];
        for (int r = from; r < to; r++) {
          float xj = inputs[items[r] * dIn + j];
          if (xj == 0f) continue;
          float[] z = out[r];
          for (int o = 0; o < z.length; o++) z[o] += xj * wj[o];
        }
      }
    });
  }

  /** Scales to unit length; returns the length before (0 leaves the vector as is). */
  static float normalise(float[] v) {
    double s = 0;
    for (float f : v) s += f * f;
    float norm = (float) Math.sqrt(s);
    if (norm > 0f) {
      float inv = 1f / norm;
      for (int i = 0; i < v.length; i++) v[i] *= inv;
    }
    return norm;
  }

  /** The start of training: W = identity when the dimensions agree, else a seeded random projection. */
  static float[] startWeights(int dIn, int dOut, long seed) {
    if (dIn == dOut) {
      float[] w = new float[dIn * dOut];
      for (int j = 0; j < dIn; j++) w[j * dOut + j] = 1f;
      return w;
    }
    // Gaussian entries of variance 1/d_out roughly keep lengths and angles (Johnson–Lindenstrauss)
    return Gaussian.fill(dIn * dOut, (float) (1 / Math.sqrt(dOut)), new SplittableRandom(seed ^ 0x5eed_adab_7e5L));
  }

  /**
   * Trains exactly {@code steps} steps (no validation) on the sequences of {@code train}.
   *
   * @param inputs n × d_in item embeddings, row i = item i of {@code train}
   * @param train each user's items in time order; weights are pooling weights (&gt; 0 = liked), 0 for the rest
   */
  public static TextAdapter fit(float[] inputs, int inputDimension, Interactions train, Config config, long seed,
                                int steps) {
    Trainer t = new Trainer(inputs, inputDimension, train, config, seed);
    for (int s = 0; s < steps; s++) t.step();
    return t.snapshot();
  }

  /**
   * The result of {@link #select}: the adapter refit on all the data, the config and number of steps chosen (what
   * {@link #fit} needs to fit the same choice on other data), and what was chosen, for reports.
   */
  public record Selection(TextAdapter adapter, Config config, int steps, Map<String, Object> chosen) {}

  /**
   * Chooses the regularisation on held-out training data, then refits on everything. Validation: a seeded 10% of
   * the items with interactions lose them all (as cold items do), and every user with three or more remaining items
   * loses their last one. The adapter trains on what is left; a check scores up to {@code validationUsers} users as
   * the content model does (liked-weighted mean of their whole remaining history, cosine over every item outside
   * it) and averages NDCG@10 of the held-out last item and of the held-out cold items. Step 0 (the raw space) is
   * checked too, so a run that never beats it ends with 0 steps: the identity.
   *
   * <p>The search is coordinate-wise from {@code base}: decay 0.01, then dropout 0.2, then augmentation (crop 0.5
   * with mask 0.2), then residuals for items with 20 or more interactions, each tried against the best so far with
   * early stopping, and kept when it validates better. The refit takes the best run's number of steps.
   */
  public static Selection select(float[] inputs, int inputDimension, Interactions train, Config base, long seed,
                                 int validationUsers) {
    long start = System.nanoTime();
    Validation v = Validation.of(train, seed, validationUsers);
    Config best = base;
    Run bestRun = run(inputs, inputDimension, v, best, seed, null);
    // W starts at the identity whatever the regularisation, so every run's step 0 is the same
    double[] stepZero = inputDimension == (base.outputDimension() == 0 ? inputDimension : base.outputDimension())
        ? new double[] {bestRun.stepZeroNext, bestRun.stepZeroCold} : null;
    Run raw = bestRun;
    int trials = 1;
    // one alternative per knob: each trial is a training run, and the machine this runs on is small
    float[][] decays = {{0.01f}};
    float[][] dropouts = {{0.2f}};
    float[][] augmentations = {{0.5f, 0.2f}};
    float[][] residualCounts = {{20}};
    for (int knob = 0; knob < 4; knob++) {
      Config current = best;
      float[][] options = knob == 0 ? decays : knob == 1 ? dropouts : knob == 2 ? augmentations : residualCounts;
      for (float[] o : options) {
        Config c = switch (knob) {
          case 0 -> current.withRegularisation(o[0], current.dropout(), current.crop(), current.mask());
          case 1 -> current.withRegularisation(current.decay(), o[0], current.crop(), current.mask());
          case 2 -> current.withRegularisation(current.decay(), current.dropout(), o[0], o[1]);
          default -> current.withResidualMinCount((int) o[0]);
        };
        Run r = run(inputs, inputDimension, v, c, seed, stepZero);
        trials++;
        if (r.bestMetric > bestRun.bestMetric) {
          bestRun = r;
          best = c;
        }
      }
    }
    TextAdapter adapter = fit(inputs, inputDimension, train, best, seed, bestRun.bestStep);
    Map<String, Object> chosen = new java.util.LinkedHashMap<>(best.toMap());
    chosen.put("steps", bestRun.bestStep);
    chosen.put("trials", trials);
    chosen.put("val_ndcg10_raw_next", round(raw.stepZeroNext));
    chosen.put("val_ndcg10_raw_cold", round(raw.stepZeroCold));
    chosen.put("val_ndcg10_next", round(bestRun.bestNext));
    chosen.put("val_ndcg10_cold", round(bestRun.bestCold));
    chosen.put("residual_items", adapter.residualItems.length);
    chosen.put("select_seconds", round((System.nanoTime() - start) / 1e9));
    return new Selection(adapter, best, bestRun.bestStep, chosen);
  }

  private static double round(double x) {
    return Math.round(x * 10000) / 10000.0;
  }

  /** One training run with early stopping on the validation metric. */
  private record Run(double bestMetric, int bestStep, double bestNext, double bestCold, double stepZeroNext,
                     double stepZeroCold) {}

  /** Set the system property {@code shiftrec.adapter.trace} to see every validation check on stderr. */
  private static final boolean TRACE = Boolean.getBoolean("shiftrec.adapter.trace");

  /** @param stepZero the validation of the start (the identity), when known: every run starts from it */
  private static Run run(float[] inputs, int dIn, Validation v, Config config, long seed, double[] stepZero) {
    long t0 = System.nanoTime();
    Trainer t = new Trainer(inputs, dIn, v.train, config, seed);
    double[] m = stepZero != null ? stepZero : v.evaluate(t.snapshot().adaptAll(inputs));
    double bestMetric = (m[0] + m[1]) / 2, bestNext = m[0], bestCold = m[1];
    double zeroNext = m[0], zeroCold = m[1];
    if (TRACE) System.err.printf("adapter %s step 0: next %.4f cold %.4f%n", config.toMap(), m[0], m[1]);
    int bestStep = 0, sinceBest = 0;
    for (int s = 1; s <= config.maxSteps(); s++) {
      t.step();
      if (s % config.validateEvery() != 0 && s != config.maxSteps()) continue;
      m = v.evaluate(t.snapshot().adaptAll(inputs));
      double metric = (m[0] + m[1]) / 2;
      if (TRACE) {
        System.err.printf("adapter %s step %d: next %.4f cold %.4f (%.1f s)%n", config.toMap(), s, m[0], m[1],
            (System.nanoTime() - t0) / 1e9);
      }
      if (metric > bestMetric) {
        bestMetric = metric;
        bestStep = s;
        bestNext = m[0];
        bestCold = m[1];
        sinceBest = 0;
      } else if (++sinceBest >= config.patience()) {
        break;
      }
    }
    return new Run(bestMetric, bestStep, bestNext, bestCold, zeroNext, zeroCold);
  }

  /** The held-out parts of the training data and how to score an adapted space on them. */
  static final class Validation {
    final Interactions train;
    final int[] users;
    final int[][] histories;
    final float[][] historyWeights;
    final int[] nextTarget; // -1 = none
    final int[][] coldTargets;
    final int numItems;

    private Validation(Interactions train, int[] users, int[][] histories, float[][] historyWeights, int[] nextTarget,
                       int[][] coldTargets) {
      this.train = train;
      this.users = users;
      this.histories = histories;
      this.historyWeights = historyWeights;
      this.nextTarget = nextTarget;
      this.coldTargets = coldTargets;
      this.numItems = train.numItems();
    }

    static Validation of(Interactions all, long seed, int maxUsers) {
      SplittableRandom random = new SplittableRandom(seed ^ 0x7a11_da7eL);
      int ni = all.numItems(), nu = all.numUsers();
      int[] count = new int[ni];
      for (int it : all.items()) count[it]++;
      int m = 0;
      int[] withEvents = new int[ni];
      for (int i = 0; i < ni; i++) if (count[i] > 0) withEvents[m++] = i;
      shuffle(withEvents, m, random);
      boolean[] cold = new boolean[ni];
      int held = Math.max(1, Math.round(0.1f * m));
      for (int r = 0; r < held && r < m; r++) cold[withEvents[r]] = true;
      int[] offsets = new int[nu + 1];
      int[] items = new int[all.size()];
      float[] weights = new float[all.size()];
      int[] next = new int[nu];
      int[][] colds = new int[nu][];
      int n = 0;
      for (int u = 0; u < nu; u++) {
        int warmFrom = n, coldCount = 0;
        for (int p = all.offsets()[u]; p < all.offsets()[u + 1]; p++) {
          if (cold[all.items()[p]]) {
            coldCount++;
            continue;
          }
          items[n] = all.items()[p];
          weights[n++] = all.weights()[p];
        }
        next[u] = -1;
        if (n - warmFrom >= 3) next[u] = items[--n];
        colds[u] = new int[coldCount];
        int c = 0;
        for (int p = all.offsets()[u]; p < all.offsets()[u + 1]; p++) {
          if (cold[all.items()[p]]) colds[u][c++] = all.items()[p];
        }
        offsets[u + 1] = n;
      }
      Interactions train = new Interactions(nu, ni, offsets, Arrays.copyOf(items, n), Arrays.copyOf(weights, n));
      int[] candidates = new int[nu];
      int nc = 0;
      for (int u = 0; u < nu; u++) {
        if (offsets[u + 1] > offsets[u] && (next[u] >= 0 || colds[u].length > 0)) candidates[nc++] = u;
      }
      shuffle(candidates, nc, random);
      int k = Math.min(nc, maxUsers);
      int[] users = Arrays.copyOf(candidates, k);
      Arrays.sort(users);
      int[][] hist = new int[k][];
      float[][] hw = new float[k][];
      int[] nt = new int[k];
      int[][] ct = new int[k][];
      for (int x = 0; x < k; x++) {
        int u = users[x];
        hist[x] = Arrays.copyOfRange(train.items(), offsets[u], offsets[u + 1]);
        hw[x] = Arrays.copyOfRange(train.weights(), offsets[u], offsets[u + 1]);
        nt[x] = next[u];
        ct[x] = colds[u];
      }
      return new Validation(train, users, hist, hw, nt, ct);
    }

    /**
     * Mean NDCG@10 of the next-item targets and of the cold targets, scored as the content model scores. Blocks of
     * {@value #ROWS} users run in parallel over the catalogue held by columns, so each user's scores grow by one
     * coordinate at a time in loops the JIT vectorises; every score is still summed in coordinate order, and the two
     * means in user order, as a loop over one user and one item at a time would.
     */
    double[] evaluate(float[] adapted) {
      int d = adapted.length / numItems;
      float[][] columns = new float[d][numItems];
      for (int i = 0; i < numItems; i++) for (int j = 0; j < d; j++) columns[j][i] = adapted[i * d + j];
      double[] next = new double[users.length], cold = new double[users.length];
      IntStream.range(0, blocks(users.length)).parallel()
          .forEach(b -> evaluateBlock(adapted, columns, b, next, cold));
      double nextSum = 0, coldSum = 0;
      int nextUsers = 0, coldUsers = 0;
      for (int x = 0; x < users.length; x++) {
        if (nextTarget[x] >= 0) {
          nextSum += next[x];
          nextUsers++;
        }
        if (coldTargets[x].length > 0) {
          coldSum += cold[x];
          coldUsers++;
        }
      }
      return new double[] {nextUsers == 0 ? 0 : nextSum / nextUsers, coldUsers == 0 ? 0 : coldSum / coldUsers};
    }

    /** Items scored per pass over the coordinates: a block's scores for them stay in cache. */
    private static final int ITEM_CHUNK = 2048;

    private void evaluateBlock(float[] adapted, float[][] columns, int block, double[] next, double[] cold) {
      int d = columns.length, from = block * ROWS, m = Math.min(users.length, from + ROWS) - from;
      float[] q = new float[m * d];
      for (int u = 0; u < m; u++) {
        int x = from + u, qo = u * d;
        int[] h = histories[x];
        boolean liked = false;
        for (int p = 0; p < h.length; p++) {
          float w = historyWeights[x][p];
          if (w <= 0f) continue;
          liked = true;
          for (int j = 0; j < d; j++) q[qo + j] += w * adapted[h[p] * d + j];
        }
        if (!liked) for (int item : h) for (int j = 0; j < d; j++) q[qo + j] += adapted[item * d + j];
      }
      float[][] scores = new float[m][numItems]; // the profile's length does not change the order
      for (int c0 = 0; c0 < numItems; c0 += ITEM_CHUNK) {
        int c1 = Math.min(numItems, c0 + ITEM_CHUNK);
        for (int j = 0; j < d; j++) {
          float[] column = columns[j];
          for (int u = 0; u < m; u++) {
            float qj = q[u * d + j];
            float[] s = scores[u];
            for (int i = c0; i < c1; i++) s[i] += column[i] * qj;
          }
        }
      }
      boolean[] excluded = new boolean[numItems];
      int[] top = new int[10];
      for (int u = 0; u < m; u++) {
        int x = from + u;
        int[] h = histories[x];
        for (int item : h) excluded[item] = true;
        int found = topTen(scores[u], excluded, top);
        for (int item : h) excluded[item] = false;
        if (nextTarget[x] >= 0) next[x] = ndcg(top, found, new int[] {nextTarget[x]});
        if (coldTargets[x].length > 0) cold[x] = ndcg(top, found, coldTargets[x]);
      }
    }

    /** The ten best items not excluded, best first (ties: lower index); returns how many were found. */
    private static int topTen(float[] scores, boolean[] excluded, int[] top) {
      int size = 0;
      for (int i = 0; i < scores.length; i++) {
        if (excluded[i]) continue;
        float s = scores[i];
        if (size == top.length && !(s > scores[top[size - 1]])) continue;
        int pos = size == top.length ? size - 1 : size++;
        while (pos > 0 && s > scores[top[pos - 1]]) {
          top[pos] = top[pos - 1];
          pos--;
        }
        top[pos] = i;
      }
      return size;
    }

    private static double ndcg(int[] top, int found, int[] relevant) {
      double dcg = 0, ideal = 0;
      for (int r = 0; r < found; r++) {
        for (int t : relevant) {
          if (top[r] == t) {
            dcg += 1 / (Math.log(r + 2) / Math.log(2));
            break;
          }
        }
      }
      for (int r = 0; r < Math.min(relevant.length, top.length); r++) ideal += 1 / (Math.log(r + 2) / Math.log(2));
      return dcg / ideal;
    }
  }

  private static void shuffle(int[] a, int n, SplittableRandom random) {
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The training state: parameters, Adam moments and the scratch of one mini-batch. */
  static final class Trainer {
    private static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f;
    final Config config;
    final float[] inputs;
    final int dIn, dOut, numItems;
    final Interactions train;
    final SplittableRandom random;
    /** W, its start, gradient and Adam moments, one array per row of W (see {@link #projectRows}). */
    final float[][] start, w, gradW, mW, vW;
    final int[] residualRowOfItem;
    final int[] residualItems;
    final float[] residuals, gradR, mR, vR;
    final int[] positions; // the positions with at least one earlier item of the same user
    final float[] logFrequency; // per item: popularityCorrection × ln(share of positions it is the target of)
    final int[] userOfPosition;
    int steps;
    // mini-batch scratch
    final int[] slotOf;
    int[] slotItem;
    float[] z, v, gradV;
    final float[][] zRows, gzRows; // the batch items' W·x and the gradients of their z, one array per item
    float[] norms;
    int slots;
    final int[] targetSlot, targetItem, contextFrom, contextTo;
    int[] contextSlot;
    float[] contextWeight;
    final float[] pooled, queries, queryNorm, keep;

    Trainer(float[] inputs, int dIn, Interactions train, Config config, long seed) {
      if (dIn < 1 || inputs.length != train.numItems() * dIn) {
        throw new IllegalArgumentException("adapter inputs must be " + train.numItems() + " rows of " + dIn
            + " values, got " + inputs.length + " values");
      }
      this.config = config;
      this.inputs = inputs;
      this.dIn = dIn;
      this.dOut = config.outputDimension() == 0 ? dIn : config.outputDimension();
      this.numItems = train.numItems();
      this.train = train;
      this.random = new SplittableRandom(seed);
      start = Matrices.rows(startWeights(dIn, dOut, seed), dIn, dOut);
      w = new float[dIn][];
      for (int j = 0; j < dIn; j++) w[j] = start[j].clone();
      gradW = new float[dIn][dOut];
      mW = new float[dIn][dOut];
      vW = new float[dIn][dOut];
      int[] count = new int[numItems];
      for (int it : train.items()) count[it]++;
      residualRowOfItem = new int[numItems];
      Arrays.fill(residualRowOfItem, -1);
      int nr = 0;
      if (config.residualMinCount() > 0) {
        for (int i = 0; i < numItems; i++) if (count[i] >= config.residualMinCount()) residualRowOfItem[i] = nr++;
      }
      residualItems = new int[nr];
      for (int i = 0; i < numItems; i++) if (residualRowOfItem[i] >= 0) residualItems[residualRowOfItem[i]] = i;
      residuals = new float[nr * dOut];
      gradR = new float[nr * dOut];
      mR = new float[nr * dOut];
      vR = new float[nr * dOut];
      int np = 0;
      for (int u = 0; u < train.numUsers(); u++) np += Math.max(0, train.rowLength(u) - 1);
      positions = new int[np];
      userOfPosition = new int[np];
      np = 0;
      for (int u = 0; u < train.numUsers(); u++) {
        for (int p = train.offsets()[u] + 1; p < train.offsets()[u + 1]; p++) {
          positions[np] = p;
          userOfPosition[np++] = u;
        }
      }
      logFrequency = new float[numItems];
      if (config.popularityCorrection() > 0f && np > 0) {
        int[] asTarget = new int[numItems];
        for (int p : positions) asTarget[train.items()[p]]++;
        for (int i = 0; i < numItems; i++) {
          if (asTarget[i] > 0) {
            logFrequency[i] = (float) (config.popularityCorrection() * Math.log(asTarget[i] / (double) np));
          }
        }
      }
      int b = config.batchSize();
      slotOf = new int[numItems];
      Arrays.fill(slotOf, -1);
      int cap = b * (config.history() + 1);
      slotItem = new int[cap];
      z = new float[cap * dOut];
      zRows = new float[cap][dOut];
      gzRows = new float[cap][dOut];
      v = new float[cap * dOut];
      gradV = new float[cap * dOut];
      norms = new float[cap];
      targetSlot = new int[b];
      targetItem = new int[b];
      contextFrom = new int[b];
      contextTo = new int[b];
      contextSlot = new int[b * config.history()];
      contextWeight = new float[b * config.history()];
      pooled = new float[b * dOut];
      queries = new float[b * dOut];
      queryNorm = new float[b];
      keep = new float[b * dOut];
    }

    TextAdapter snapshot() {
      float[] flat = new float[dIn * dOut];
      for (int j = 0; j < dIn; j++) System.arraycopy(w[j], 0, flat, j * dOut, dOut);
      return new TextAdapter(config, dIn, flat, residualItems.clone(), residuals.clone());
    }

    /** One mini-batch: sample, forward, backward, Adam, decay. No-op when there is nothing to learn from. */
    void step() {
      if (positions.length < 2) return;
      int b = sample();
      lossAndGradient(b);
      adam();
    }

    /** Draws the batch's examples (history windows with augmentation); returns the batch size. */
    int sample() {
      int b = config.batchSize(), h = config.history();
      slots = 0;
      int nc = 0;
      for (int e = 0; e < b; e++) {
        int k = random.nextInt(positions.length);
        int p = positions[k], u = userOfPosition[k];
        int from = Math.max(train.offsets()[u], p - h), to = p;
        if (config.crop() > 0f) {
          int len = to - from, kept = Math.max(1, Math.round((1 - config.crop()) * len));
          from += random.nextInt(len - kept + 1);
          to = from + kept;
        }
        targetItem[e] = train.items()[p];
        targetSlot[e] = slot(targetItem[e]);
        contextFrom[e] = nc;
        boolean liked = false;
        for (int q = from; q < to; q++) liked |= train.weights()[q] > 0f;
        int first = nc;
        for (int q = from; q < to; q++) {
          if (config.mask() > 0f && random.nextFloat() < config.mask()) continue;
          float wq = liked ? train.weights()[q] : 1f;
          if (wq <= 0f) continue;
          contextSlot[nc] = slot(train.items()[q]);
          contextWeight[nc++] = wq;
        }
        if (nc == first) { // masked away entirely: keep the latest item that counts
          for (int q = to - 1; q >= from; q--) {
            if (liked && train.weights()[q] <= 0f) continue;
            contextSlot[nc] = slot(train.items()[q]);
            contextWeight[nc++] = liked ? train.weights()[q] : 1f;
            break;
          }
        }
        contextTo[e] = nc;
      }
      for (int s = 0; s < slots; s++) slotOf[slotItem[s]] = -1;
      return b;
    }

    private int slot(int item) {
      int s = slotOf[item];
      if (s >= 0) return s;
      slotOf[item] = slots;
      slotItem[slots] = item;
      return slots++;
    }

    /** Forward and backward over the sampled batch; fills gradW and gradR; returns the mean loss. */
    double lossAndGradient(int b) {
      int d = dOut;
      projectRows(w, inputs, dIn, slotItem, slots, zRows);
      for (int s = 0; s < slots; s++) {
        float[] zRow = zRows[s];
        int r = residualRowOfItem[slotItem[s]];
        if (r >= 0) for (int o = 0; o < d; o++) zRow[o] += residuals[r * d + o];
        System.arraycopy(zRow, 0, z, s * d, d);
        norms[s] = normalise(zRow);
        System.arraycopy(zRow, 0, v, s * d, d);
      }
      Arrays.fill(gradV, 0, slots * d, 0f);
      // users: pooled history, dropout, unit length
      for (int e = 0; e < b; e++) {
        int po = e * d;
        Arrays.fill(pooled, po, po + d, 0f);
        for (int c = contextFrom[e]; c < contextTo[e]; c++) {
          int so = contextSlot[c] * d;
          float wc = contextWeight[c];
          for (int o = 0; o < d; o++) pooled[po + o] += wc * v[so + o];
        }
        if (config.dropout() > 0f) {
          float scale = 1f / (1f - config.dropout());
          for (int o = 0; o < d; o++) {
            keep[po + o] = random.nextFloat() < config.dropout() ? 0f : scale;
            pooled[po + o] *= keep[po + o];
          }
        }
        double sq = 0;
        for (int o = 0; o < d; o++) sq += pooled[po + o] * pooled[po + o];
        float norm = (float) Math.sqrt(sq);
        queryNorm[e] = norm;
        float inv = norm > 0f ? 1f / norm : 0f;
        for (int o = 0; o < d; o++) queries[po + o] = pooled[po + o] * inv;
      }
      // in-batch softmax: candidates are the batch's targets; another example's copy of my target is no negative
      float invT = 1f / config.temperature();
      double loss = 0;
      float[] logits = new float[b];
      float[] gradQ = new float[d];
      for (int e = 0; e < b; e++) {
        int qo = e * d;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < b; c++) {
          if (c != e && targetItem[c] == targetItem[e]) {
            logits[c] = Float.NEGATIVE_INFINITY;
            continue;
          }
          int so = targetSlot[c] * d;
          float s = 0f;
          for (int o = 0; o < d; o++) s += queries[qo + o] * v[so + o];
          logits[c] = s * invT - logFrequency[targetItem[c]];
          max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < b; c++) sum += logits[c] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[c] - max);
        loss += -(logits[e] - max - Math.log(sum));
        Arrays.fill(gradQ, 0f);
        for (int c = 0; c < b; c++) {
          if (logits[c] == Float.NEGATIVE_INFINITY) continue;
          float g = (float) (Math.exp(logits[c] - max) / sum) - (c == e ? 1f : 0f);
          g *= invT / b;
          int so = targetSlot[c] * d;
          for (int o = 0; o < d; o++) {
            gradQ[o] += g * v[so + o];
            gradV[so + o] += g * queries[qo + o];
          }
        }
        // through q = s/|s|, the dropout mask and the weighted sum into the history items
        float n = queryNorm[e];
        if (n == 0f) continue;
        float along = 0f;
        for (int o = 0; o < d; o++) along += gradQ[o] * queries[qo + o];
        for (int o = 0; o < d; o++) {
          gradQ[o] = (gradQ[o] - along * queries[qo + o]) / n;
          if (config.dropout() > 0f) gradQ[o] *= keep[qo + o];
        }
        for (int c = contextFrom[e]; c < contextTo[e]; c++) {
          int so = contextSlot[c] * d;
          float wc = contextWeight[c];
          for (int o = 0; o < d; o++) gradV[so + o] += wc * gradQ[o];
        }
      }
      // through v = z/|z| into the gradients of z, which go to the residuals and to W
      Arrays.fill(gradR, 0f);
      for (int s = 0; s < slots; s++) {
        int so = s * d;
        float norm = norms[s];
        if (norm == 0f) continue;
        float along = 0f;
        for (int o = 0; o < d; o++) along += gradV[so + o] * v[so + o];
        float[] gz = gzRows[s];
        for (int o = 0; o < d; o++) gz[o] = (gradV[so + o] - along * v[so + o]) / norm;
        int r = residualRowOfItem[slotItem[s]];
        if (r >= 0) for (int o = 0; o < d; o++) gradR[r * d + o] += gz[o];
      }
      gradientOfW();
      return loss / b;
    }

    /**
     * gradW = Σ_s x_s ⊗ gz_s over the batch's items. Blocks of W's rows run in parallel; each value sums the items
     * in slot order, as a single loop over the items would, so the result does not depend on the threads.
     */
    private void gradientOfW() {
      int rowsPerBlock = 4 * ROWS;
      IntStream.range(0, (dIn + rowsPerBlock - 1) / rowsPerBlock).parallel().forEach(jb -> {
        int jFrom = jb * rowsPerBlock, jTo = Math.min(dIn, jFrom + rowsPerBlock);
        for (int j = jFrom; j < jTo; j++) Arrays.fill(gradW[j], 0f);
        for (int s0 = 0; s0 < slots; s0 += ROWS) {
          int s1 = Math.min(slots, s0 + ROWS);
          for (int j = jFrom; j < jTo; j++) {
            float[] g = gradW[j];
            for (int s = s0; s < s1; s++) {
              if (norms[s] == 0f) continue;
              float xj = inputs[slotItem[s] * dIn + j];
              if (xj == 0f) continue;
              float[] gz = gzRows[s];
              for (int o = 0; o < g.length; o++) g[o] += xj * gz[o];
            }
          }
        }
      });
    }

    private void adam() {
      steps++;
      float c1 = 1f - (float) Math.pow(BETA1, steps), c2 = 1f - (float) Math.pow(BETA2, steps);
      float lr = config.learningRate(), decay = config.decay();
      for (int j = 0; j < dIn; j++) {
        float[] wj = w[j], gj = gradW[j], mj = mW[j], vj = vW[j], sj = start[j];
        for (int k = 0; k < wj.length; k++) {
          float g = gj[k];
          mj[k] = BETA1 * mj[k] + (1 - BETA1) * g;
          vj[k] = BETA2 * vj[k] + (1 - BETA2) * g * g;
          wj[k] -= lr * (mj[k] / c1) / ((float) Math.sqrt(vj[k] / c2) + EPSILON);
          if (decay > 0f) wj[k] -= decay * (wj[k] - sj[k]);
        }
      }
      for (int k = 0; k < residuals.length; k++) {
        float g = gradR[k];
        mR[k] = BETA1 * mR[k] + (1 - BETA1) * g;
        vR[k] = BETA2 * vR[k] + (1 - BETA2) * g * g;
        residuals[k] -= lr * (mR[k] / c1) / ((float) Math.sqrt(vR[k] / c2) + EPSILON);
        if (decay > 0f) residuals[k] -= decay * residuals[k];
      }
    }
  }
}
