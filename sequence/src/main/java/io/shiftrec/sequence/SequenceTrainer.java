package io.shiftrec.sequence;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SequenceNetwork} with PyTorch (through DJL): each user's training sequence, but its last item,
 * predicts every next item; the last item validates (see {@link SequenceConfig} for the loss and the stopping rule).
 *
 * <p>The item table is what the model's variant says ({@link ItemTable}): free vectors per item for SASRec, a
 * learned projection of the items' text vectors for the text-based part. Weights start from a seeded Java generator
 * and batches follow a seeded order, so a seed fixes the run as far as PyTorch's own kernels are deterministic.
 */
final class SequenceTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SequenceTrainer.class);
  /** PyTorch through DJL records gradients for one training at a time in a process. */
  private static final Object ONE_TRAINING = new Object();
  private static final float MASKED = -1e9f;
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.98f; // the reference implementation's Adam betas
  private static final float ADAM_EPSILON = 1e-8f;
  private static final int VALIDATION_BATCH = 256;
  private static final int SORTED_RUN = 8;
  /** Users ranked at each validation check, at most (drawn from the seed beyond that). */
  private static final int VALIDATION_USERS = 3000;
  private static final float NORM_EPSILON = 1e-6f;
  /**
   * Steps in a row whose gradients were not all finite numbers after which training gives up. Now and then one step
   * gives such a gradient, on two threads and not repeatably (about one training in six of SequenceModelTest's ring
   * saw one, in the item table's gradient, its loss finite); the cause is not found. Such a step is skipped, as
   * mixed-precision training skips an overflowed step, and counted in the report.
   */
  private static final int SKIPPED_IN_A_ROW = 10;

  /**
   * The setting of Intel MKL (PyTorch's CPU matrix library) under which its results do not depend on where the
   * arrays happen to lie in memory. Without it, a matrix product takes another code path from one run to the next,
   * the last bits of the sums differ, and a training of thousands of steps is not repeatable (measured on Amazon
   * Food–Kitchen: the loss after 400 steps differed in the fourth digit between runs of one seed). MKL reads it from
   * the environment once, at load: the launcher and the build's test runs set it.
   */
  static final String REPRODUCIBLE_MKL = "AUTO,STRICT";

  static {
    // Models ship in Maven artifacts and the product runs without a network: never let DJL download anything.
    if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    if (!REPRODUCIBLE_MKL.equals(System.getenv("MKL_CBWR"))) {
      LOG.warn("MKL_CBWR is not {}: sequence models trained in this"
          + " process may differ from run to run in their last bits (./shiftrec sets it)", REPRODUCIBLE_MKL);
    }
  }

  /** How a variant turns its parameters into the item table, one row per item after a zero row for padding. */
  interface ItemTable {
    /** Creates the variant's parameters (drawn from {@code random}) in {@code params}. */
    void create(NDManager manager, Map<String, NDArray> params, int numItems, int dim, SplittableRandom random);

    /** The table, {@code (items + 1) × dim}, row 0 the padding. */
    NDArray rows(Map<String, NDArray> params);
  }

  /** What training reached, for the report. */
  record Result(SequenceNetwork network, int steps, int bestStep, double epochs, double validationNdcg,
                double seconds, int skippedSteps) {}

  private final TrainingData train;
  private final SequenceConfig config;
  private final ItemTable itemTable;
  private final int numItems;
  private final int maxLength;
  private final int dim;
  /** Each parameter's shape, recorded by {@link #snapshot} so the kept weights can be rebuilt as arrays. */
  private final Map<String, Shape> shapes = new LinkedHashMap<>();

  SequenceTrainer(TrainingData train, SequenceConfig config, ItemTable itemTable) {
    this.train = train;
    this.config = config;
    this.itemTable = itemTable;
    this.numItems = train.numItems();
    this.maxLength = config.maxLength();
    this.dim = config.dim();
  }

  Result fit(long seed, String name) {
    synchronized (ONE_TRAINING) {
      long started = System.nanoTime();
      Examples examples = examples();
      if (examples.trainingUsers == 0) throw new IllegalArgumentException(name + " needs users with 3 or more items");
      Engine engine = Engine.getEngine("PyTorch");
      engine.setRandomSeed((int) seed);
      SplittableRandom random = new SplittableRandom(seed);
      try (NDManager manager = engine.newBaseManager()) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        itemTable.create(manager, params, numItems, dim, random);
        createNetwork(manager, params, random);
        Adam adam = new Adam(manager, params, config.learningRate());
        NDArray causal = causalMask(manager);
        int[] order = new int[examples.trainingUsers];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int[] validators = validators(examples, random);
        Map<String, float[]> best = snapshot(params);
        double bestNdcg = -1, lossSum = 0;
        int bestStep = 0, sinceBest = 0, step = 0, losses = 0, skipped = 0, skippedInARow = 0;
        while (step < config.maxSteps() && sinceBest < config.patience()) {
          int[] batches = batchOrder(order, examples, random);
          for (int b = 0; b < batches.length && step < config.maxSteps() && sinceBest < config.patience();
               b += config.batchSize()) {
            int size = Math.min(config.batchSize(), batches.length - b);
            double loss = step(manager, params, adam, causal, examples, batches, b, size, random);
            step++;
            if (!Double.isFinite(loss)) { // the step was not applied
              skipped++;
              LOG.warn("{}: step {} gave a gradient that is not a number; skipped", name, step);
              if (++skippedInARow == SKIPPED_IN_A_ROW) {
                throw new IllegalStateException(name + ": training diverged (" + SKIPPED_IN_A_ROW + " steps in a row"
                    + " without finite gradients, up to step " + step + "); try a lower lr");
              }
              continue;
            }
            skippedInARow = 0;
            lossSum += loss;
            losses++;
            if (step % config.validateEvery() != 0 && step != config.maxSteps()) continue;
            double ndcg = validate(manager, params, causal, examples, validators);
            LOG.info("{}: step {} (epoch {}), loss {}, validation NDCG@10 {}", name, step,
                String.format("%.1f", (double) step * config.batchSize() / order.length),
                String.format("%.4f", lossSum / losses), String.format("%.4f", ndcg));
            lossSum = 0;
            losses = 0;
            if (ndcg > bestNdcg) {
              bestNdcg = ndcg;
              bestStep = step;
              best = snapshot(params);
              sinceBest = 0;
            } else {
              sinceBest++;
            }
          }
        }
        SequenceNetwork network = network(best, manager);
        double stepsPerEpoch = Math.ceil((double) order.length / config.batchSize());
        return new Result(network, step, bestStep, step / stepsPerEpoch, bestNdcg,
            (System.nanoTime() - started) / 1e9, skipped);
      }
    }
  }

  /** Weights drawn from a seed, as the network, and the training graph's scores (inference mode) after histories. */
  record Drawn(SequenceNetwork network, float[][] scores) {}

  /** For the parity test: {@link Drawn} for histories of item indices, oldest first. */
  Drawn drawn(long seed, int[][] histories) {
    synchronized (ONE_TRAINING) {
      SplittableRandom random = new SplittableRandom(seed);
      try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        itemTable.create(manager, params, numItems, dim, random);
        createNetwork(manager, params, random);
        NDArray causal = causalMask(manager);
        float[][] scores = new float[histories.length][];
        for (int h = 0; h < histories.length; h++) {
          int n = Math.min(maxLength, histories[h].length);
          long[] input = new long[maxLength];
          for (int t = 0; t < n; t++) input[maxLength - n + t] = histories[h][histories[h].length - n + t] + 1;
          try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray table = itemTable.rows(params);
            NDArray last = forward(params, table, manager.create(input, new Shape(1, maxLength)), causal, false)
                .get(new NDIndex(":, -1, :"));
            scores[h] = last.matMul(outputRows(table).transpose()).toFloatArray();
          }
        }
        return new Drawn(network(snapshot(params), manager), scores);
      }
    }
  }

  /**
   * The training and validation sequences as padded rows of item ids + 1 (0 pads on the left, the latest item
   * last): for each user with three or more items, the input is their items but the last two, the targets are
   * the same shifted by one, and the validation row is every item but the last, which is the validation target.
   */
  private Examples examples() {
    int[] offsets = train.offsets(), items = train.historyItems();
    List<Integer> users = new ArrayList<>();
    for (int u = 0; u < train.numUsers(); u++) if (offsets[u + 1] - offsets[u] >= 3) users.add(u);
    int n = users.size();
    Examples e = new Examples(n, maxLength);
    for (int k = 0; k < n; k++) {
      int u = users.get(k), from = offsets[u], validation = offsets[u + 1] - 1;
      // training pairs: inputs from .. validation-2, targets from+1 .. validation-1
      int pairs = Math.min(maxLength, validation - from - 1);
      e.lengths[k] = pairs;
      for (int t = 0; t < pairs; t++) {
        int row = k * maxLength + maxLength - pairs + t;
        e.inputs[row] = items[validation - 1 - pairs + t] + 1;
        e.targets[row] = items[validation - pairs + t] + 1;
      }
      int read = Math.min(maxLength, validation - from);
      e.validationLengths[k] = read;
      for (int t = 0; t < read; t++) e.validationInputs[k * maxLength + maxLength - read + t] = items[validation - read + t] + 1;
      e.validationTargets[k] = items[validation];
    }
    return e;
  }

  private static final class Examples {
    final int trainingUsers;
    final long[] inputs, targets, validationInputs;
    final int[] validationTargets;
    /** Items of each training row (the rest is padding). */
    final int[] lengths, validationLengths;

    Examples(int users, int maxLength) {
      lengths = new int[users];
      validationLengths = new int[users];
      trainingUsers = users;
      inputs = new long[users * maxLength];
      targets = new long[users * maxLength];
      validationInputs = new long[users * maxLength];
      validationTargets = new int[users];
    }
  }

  private double step(NDManager manager, Map<String, NDArray> params, Adam adam, NDArray causal, Examples e,
                      int[] order, int first, int size, SplittableRandom random) {
    int length = 0;
    for (int r = 0; r < size; r++) length = Math.max(length, e.lengths[order[first + r]]);
    long[] input = new long[size * length], target = new long[size * length];
    for (int r = 0; r < size; r++) {
      int from = order[first + r] * maxLength + maxLength - length;
      System.arraycopy(e.inputs, from, input, r * length, length);
      System.arraycopy(e.targets, from, target, r * length, length);
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray inputs = manager.create(input, new Shape(size, length));
      NDArray targets = manager.create(target, new Shape(size, length));
      float loss;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray table = itemTable.rows(params);
        NDArray hidden = forward(params, table, inputs, causal, true);
        NDArray lossArray = loss(manager, table, hidden, targets, random);
        collector.backward(lossArray);
        loss = lossArray.getFloat();
      }
      return adam.update() ? loss : Double.NaN;
    }
  }

  /**
   * Each epoch's batches: users in a random order, then, within runs of {@link #SORTED_RUN} batches, by length, so
   * a batch pads little (attention costs the square of the padded length); the batches are then shuffled.
   */
  private int[] batchOrder(int[] order, Examples e, SplittableRandom random) {
    shuffle(order, random);
    int run = SORTED_RUN * config.batchSize();
    Integer[] boxed = new Integer[order.length];
    for (int i = 0; i < order.length; i++) boxed[i] = order[i];
    for (int from = 0; from < boxed.length; from += run) {
      Arrays.sort(boxed, from, Math.min(boxed.length, from + run),
          (a, b) -> Integer.compare(e.lengths[a], e.lengths[b]));
    }
    int batches = (order.length + config.batchSize() - 1) / config.batchSize();
    int[] batchIndex = new int[batches];
    for (int b = 0; b < batches; b++) batchIndex[b] = b;
    shuffle(batchIndex, random);
    int[] out = new int[order.length];
    int k = 0;
    for (int b : batchIndex) {
      for (int i = b * config.batchSize(); i < Math.min(order.length, (b + 1) * config.batchSize()); i++) {
        out[k++] = boxed[i];
      }
    }
    return out;
  }

  /** The hidden state at every position, {@code (batch, maxLength, dim)}. */
  private NDArray forward(Map<String, NDArray> p, NDArray table, NDArray inputs, NDArray causal, boolean training) {
    long batch = inputs.getShape().get(0);
    int length = (int) inputs.getShape().get(1);
    NDArray mask = inputs.gt(0).toType(DataType.FLOAT32, false).expandDims(-1);
    NDArray x = embed(table, inputs).mul((float) Math.sqrt(dim)).add(p.get("positions").get(new NDIndex((maxLength - length) + ":")));
    x = dropout(x, training).mul(mask);
    NDArray attentionMask = causal.get(new NDIndex(":, :, :{}, :{}", length, length))
        .add(inputs.eq(0).toType(DataType.FLOAT32, false).mul(MASKED).reshape(batch, 1, 1, length));
    int heads = config.heads(), headDim = dim / heads;
    for (int b = 0; b < config.blocks(); b++) {
      String k = "block" + b + ".";
      NDArray q = layerNorm(x, p.get(k + "attentionGamma"), p.get(k + "attentionBeta"));
      NDArray queries = split(q.matMul(p.get(k + "query")).add(p.get(k + "queryBias")), batch, heads, headDim);
      NDArray keys = split(x.matMul(p.get(k + "key")).add(p.get(k + "keyBias")), batch, heads, headDim);
      NDArray values = split(x.matMul(p.get(k + "value")).add(p.get(k + "valueBias")), batch, heads, headDim);
      NDArray weights = queries.matMul(keys.transpose(0, 1, 3, 2)).mul((float) (1.0 / Math.sqrt(headDim)))
          .add(attentionMask).softmax(-1);
      NDArray attended = dropout(weights, training).matMul(values).transpose(0, 2, 1, 3)
          .reshape(batch, length, dim);
      x = q.add(attended.matMul(p.get(k + "output")).add(p.get(k + "outputBias")));
      NDArray y = layerNorm(x, p.get(k + "feedForwardGamma"), p.get(k + "feedForwardBeta"));
      NDArray inner = dropout(y.matMul(p.get(k + "inner")).add(p.get(k + "innerBias")), training).getNDArrayInternal()
          .relu();
      x = y.add(dropout(inner.matMul(p.get(k + "outer")).add(p.get(k + "outerBias")), training)).mul(mask);
    }
    return layerNorm(x, p.get("finalGamma"), p.get("finalBeta"));
  }

  /** Softmax cross-entropy of each position's target against sampled negatives (or every item), padding left out. */
  private NDArray loss(NDManager manager, NDArray table, NDArray hidden, NDArray targets, SplittableRandom random) {
    NDArray real = targets.gt(0).toType(DataType.FLOAT32, false);
    NDArray user = normalised(hidden);
    NDArray logProbability;
    if (config.negatives() == 0) {
      NDArray logits = similarity(user, outputRows(table).transpose());
      NDArray index = targets.sub(1).clip(0, numItems - 1).expandDims(-1);
      logProbability = logits.logSoftmax(-1).gather(index, -1).squeeze(-1);
    } else {
      // each sequence draws its own negatives: shared by a whole batch, an item would be pushed down once in many
      // steps, and the popularity of items (most of what a softmax over random negatives learns first) comes slowly
      long batch = targets.getShape().get(0);
      long[] drawn = new long[(int) batch * config.negatives()];
      for (int i = 0; i < drawn.length; i++) drawn[i] = 1 + random.nextInt(numItems);
      NDArray negatives = manager.create(drawn, new Shape(batch, config.negatives()));
      NDArray positive = similarity(user.mul(normalised(embed(table, targets))).sum(new int[] {-1}, true), null);
      NDArray negative = similarity(user, normalised(embed(table, negatives)).transpose(0, 2, 1));
      // a negative that is the position's own target is no negative
      NDArray hits = targets.expandDims(-1).eq(negatives.expandDims(1)).toType(DataType.FLOAT32, false).mul(MASKED);
      logProbability = positive.concat(negative.add(hits), -1).logSoftmax(-1).get(new NDIndex(":, :, 0"));
    }
    return logProbability.mul(real).sum().neg().div(real.sum());
  }

  /** {@code user · items} (or {@code user} already multiplied, when {@code items} is null) over the temperature. */
  private NDArray similarity(NDArray user, NDArray items) {
    NDArray dot = items == null ? user : user.matMul(items);
    return config.temperature() > 0f ? dot.div(config.temperature()) : dot;
  }

  /** The item rows that score, {@code items × dim}: unit length when a temperature is set. */
  private NDArray outputRows(NDArray table) {
    return normalised(table.get(new NDIndex("1:")));
  }

  /** Rows scaled to unit length when the loss reads cosines (a smooth norm, so a zero padding row stays finite). */
  private NDArray normalised(NDArray x) {
    if (config.temperature() == 0f) return x;
    return x.div(x.square().sum(new int[] {-1}, true).add(NORM_EPSILON * NORM_EPSILON).sqrt());
  }

  /**
   * The users whose validation item is ranked at each check: every one up to {@link #VALIDATION_USERS}, else that many
   * drawn from the seed; by length, so a batch pads little.
   */
  private int[] validators(Examples e, SplittableRandom random) {
    int[] all = new int[e.trainingUsers];
    for (int i = 0; i < all.length; i++) all[i] = i;
    if (all.length > VALIDATION_USERS) {
      shuffle(all, random);
      all = Arrays.copyOf(all, VALIDATION_USERS);
    }
    Integer[] boxed = new Integer[all.length];
    for (int i = 0; i < all.length; i++) boxed[i] = all[i];
    Arrays.sort(boxed, (a, b) -> e.validationLengths[a] != e.validationLengths[b]
        ? Integer.compare(e.validationLengths[a], e.validationLengths[b]) : Integer.compare(a, b));
    for (int i = 0; i < all.length; i++) all[i] = boxed[i];
    return all;
  }

  /** NDCG@10 of each validator's last training item among every item they have not had. */
  private double validate(NDManager manager, Map<String, NDArray> params, NDArray causal, Examples e,
                          int[] validators) {
    int users = validators.length;
    double sum = 0;
    for (int first = 0; first < users; first += VALIDATION_BATCH) {
      int size = Math.min(VALIDATION_BATCH, users - first);
      float[] scores;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        int length = 0;
        for (int r = 0; r < size; r++) length = Math.max(length, e.validationLengths[validators[first + r]]);
        long[] input = new long[size * length];
        for (int r = 0; r < size; r++) {
          System.arraycopy(e.validationInputs, validators[first + r] * maxLength + maxLength - length, input,
              r * length, length);
        }
        NDArray inputs = manager.create(input, new Shape(size, length));
        NDArray table = itemTable.rows(params);
        NDArray last = forward(params, table, inputs, causal, false).get(new NDIndex(":, -1, :"));
        scores = last.matMul(outputRows(table).transpose()).toFloatArray();
      }
      for (int r = 0; r < size; r++) {
        int k = validators[first + r], target = e.validationTargets[k], row = r * numItems;
        float targetScore = scores[row + target];
        if (Float.isNaN(targetScore)) continue; // a miss: never let scores that went wrong look like a perfect ranking
        for (int t = 0; t < maxLength; t++) {
          long item = e.validationInputs[k * maxLength + t];
          if (item > 0) scores[row + (int) item - 1] = Float.NEGATIVE_INFINITY;
        }
        int rank = 0;
        for (int i = 0; i < numItems && rank < 10; i++) {
          float s = scores[row + i];
          if (s > targetScore || (s == targetScore && i < target)) rank++;
        }
        if (rank < 10) sum += 1.0 / (Math.log(rank + 2) / Math.log(2));
      }
    }
    return sum / users;
  }

  private void createNetwork(NDManager manager, Map<String, NDArray> params, SplittableRandom random) {
    params.put("positions", xavier(manager, random, maxLength, dim));
    for (int b = 0; b < config.blocks(); b++) {
      String k = "block" + b + ".";
      params.put(k + "attentionGamma", ones(manager));
      params.put(k + "attentionBeta", zeros(manager));
      for (String m : List.of("query", "key", "value", "output", "inner", "outer")) {
        params.put(k + m, xavier(manager, random, dim, dim));
        params.put(k + m + "Bias", zeros(manager));
      }
      params.put(k + "feedForwardGamma", ones(manager));
      params.put(k + "feedForwardBeta", zeros(manager));
    }
    params.put("finalGamma", ones(manager));
    params.put("finalBeta", zeros(manager));
    for (NDArray a : params.values()) a.setRequiresGradient(true);
  }

  private SequenceNetwork network(Map<String, float[]> w, NDManager manager) {
    SequenceNetwork.Block[] blocks = new SequenceNetwork.Block[config.blocks()];
    for (int b = 0; b < blocks.length; b++) {
      String k = "block" + b + ".";
      blocks[b] = new SequenceNetwork.Block(w.get(k + "attentionGamma"), w.get(k + "attentionBeta"),
          w.get(k + "query"), w.get(k + "queryBias"), w.get(k + "key"), w.get(k + "keyBias"), w.get(k + "value"),
          w.get(k + "valueBias"), w.get(k + "output"), w.get(k + "outputBias"), w.get(k + "feedForwardGamma"),
          w.get(k + "feedForwardBeta"), w.get(k + "inner"), w.get(k + "innerBias"), w.get(k + "outer"),
          w.get(k + "outerBias"));
    }
    float[] items, scoring;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Map<String, NDArray> best = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> entry : w.entrySet()) {
        best.put(entry.getKey(), manager.create(entry.getValue(), shapes.get(entry.getKey())));
      }
      NDArray table = itemTable.rows(best);
      items = table.get(new NDIndex("1:")).toFloatArray();
      scoring = outputRows(table).toFloatArray();
    }
    return new SequenceNetwork(dim, config.heads(), maxLength, items, scoring, w.get("positions"), blocks,
        w.get("finalGamma"), w.get("finalBeta"));
  }

  private Map<String, float[]> snapshot(Map<String, NDArray> params) {
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      copy.put(e.getKey(), e.getValue().toFloatArray());
      shapes.put(e.getKey(), e.getValue().getShape());
    }
    return copy;
  }

  private NDArray causalMask(NDManager manager) {
    float[] mask = new float[maxLength * maxLength];
    for (int t = 0; t < maxLength; t++) for (int s = t + 1; s < maxLength; s++) mask[t * maxLength + s] = MASKED;
    return manager.create(mask, new Shape(1, 1, maxLength, maxLength));
  }

  private static NDArray split(NDArray x, long batch, int heads, int headDim) {
    return x.reshape(batch, -1, heads, headDim).transpose(0, 2, 1, 3);
  }

  static NDArray embed(NDArray table, NDArray indices) {
    return table.getNDArrayInternal().embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private NDArray dropout(NDArray x, boolean training) {
    if (!training || config.dropout() == 0f) return x;
    return x.getNDArrayInternal().dropout(x, config.dropout(), true).singletonOrThrow();
  }

  private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    return x.getNDArrayInternal().layerNorm(x, new Shape(dim), gamma, beta, SequenceNetwork.EPSILON)
        .singletonOrThrow();
  }

  private NDArray ones(NDManager manager) {
    return manager.ones(new Shape(dim));
  }

  private NDArray zeros(NDManager manager) {
    return manager.zeros(new Shape(dim));
  }

  /** Xavier-normal weights (the reference implementation's initialisation) from the seeded generator. */
  static NDArray xavier(NDManager manager, SplittableRandom random, int rows, int columns) {
    double std = Math.sqrt(2.0 / (rows + columns));
    float[] w = new float[rows * columns];
    for (int i = 0; i < w.length; i++) w[i] = (float) (gaussian(random) * std);
    return manager.create(w, new Shape(rows, columns));
  }

  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(), v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1), t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * Adam (Kingma &amp; Ba) over the parameters, its moments kept beside them. DJL's own optimiser keeps its moments
   * in arrays created at the first update, which the per-batch scope that frees each step's arrays would free too.
   */
  static final class Adam {
    private final List<NDArray> weights = new ArrayList<>(), means = new ArrayList<>(), variances = new ArrayList<>();
    private final float rate;
    private int steps;

    Adam(NDManager manager, Map<String, NDArray> params, float rate) {
      this.rate = rate;
      for (NDArray w : params.values()) {
        weights.add(w);
        means.add(manager.zeros(w.getShape()));
        variances.add(manager.zeros(w.getShape()));
      }
    }

    /**
     * Applies the gradients of the last backward pass and clears them; false, changing nothing but clearing them,
     * when any is not a finite number.
     */
    boolean update() {
      for (NDArray w : weights) {
        NDArray g = w.getGradient();
        if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
          for (NDArray each : weights) JniUtils.zeroGrad((PtNDArray) each);
          return false;
        }
      }
      steps++;
      double correction1 = 1 - Math.pow(BETA1, steps), correction2 = 1 - Math.pow(BETA2, steps);
      float stepSize = (float) (rate * Math.sqrt(correction2) / correction1);
      float epsilon = (float) (ADAM_EPSILON * Math.sqrt(correction2));
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i), g = w.getGradient();
        means.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
        variances.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
        w.subi(means.get(i).div(variances.get(i).sqrt().add(epsilon)).muli(stepSize));
        JniUtils.zeroGrad((PtNDArray) w); // PyTorch adds each backward pass to the gradient: start the next from zero
      }
      return true;
    }
  }
}
