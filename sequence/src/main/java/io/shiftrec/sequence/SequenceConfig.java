package io.shiftrec.sequence;

import io.shiftrec.core.Parameters;
import io.shiftrec.core.TrainingData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyperparameters of a self-attentive sequence model. The defaults are the SASRec paper's (Kang &amp; McAuley 2018,
 * section IV-C): two blocks of one head, 50 dimensions, Adam at 0.001, batches of 128. The paper sets the history
 * read and the dropout per dataset family: 200 items and 0.2 for MovieLens-1M (dense, long histories), 50 and 0.5
 * for the sparse Amazon and Steam sets. {@code maxLength} and {@code dropout} 0 mean "by the data":
 * {@link #forData} picks the dense family when the mean training history holds at least {@link #DENSE_MEAN_HISTORY}
 * items (MovieLens-1M averages 163 per user, the paper's Amazon sets 7 to 9, Steam 12).
 *
 * <p>The loss is that of the generative-recommenders reproduction of SASRec, whose ML-1M figures the field quotes:
 * a softmax over the target and {@code negatives} items drawn uniformly for each sequence (0: over every item), of the
 * cosine between the user's state and each item divided by {@code temperature} (0: the plain dot product of the
 * paper, which trains slower).
 *
 * <p>Training runs for at most {@code maxSteps} batches, with the validation NDCG@10 measured every
 * {@code validateEvery} steps (each user's last training item, ranked from the items before it, over up to 3,000
 * users); it stops when that has not improved for {@code patience} checks, and the best checked weights are kept.
 * Both 0 mean "by the data" ({@link #forData}): on dense data 2,400 steps checked every 100, 100 epochs of the
 * MovieLens 1M subset (2,999 users) and what fits 15 minutes on two cores (the reproduction trains 101 epochs of all
 * 6,040 users, about 4,800 steps), counted in steps so that a small dense set (610 users, 5 steps an epoch) is not
 * stopped after a few dozen; on sparse data {@value #SPARSE_EPOCHS} epochs checked once an epoch: on Amazon
 * Food–Kitchen (53,061 users) the step schedule stopped after 1.4 epochs, the validation NDCG@10 of its first checks
 * noise around 0.002, where 20 epochs found the best at the sixteenth (docs/BENCHMARKS.md, "Sequence models").
 */
public record SequenceConfig(int dim, int blocks, int heads, int maxLength, float dropout, float learningRate,
                             int batchSize, int negatives, float temperature, int maxSteps, int validateEvery,
                             int patience) {
  public static final int DENSE_MEAN_HISTORY = 50;
  /** Epochs a sparse set trains for at most, checked once an epoch. */
  static final int SPARSE_EPOCHS = 20;
  private static final int DENSE_STEPS = 2400;
  private static final int DENSE_VALIDATE_EVERY = 100;

  public SequenceConfig {
    if (dim < 1 || blocks < 1 || heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException("dim must be a positive multiple of heads and blocks positive, got dim "
          + dim + ", heads " + heads + ", blocks " + blocks);
    }
    if (maxLength < 0 || dropout < 0f || dropout >= 1f || !(learningRate > 0f) || batchSize < 1 || negatives < 0
        || !(temperature >= 0f) || maxSteps < 0 || validateEvery < 0 || patience < 1) {
      throw new IllegalArgumentException("maxlen, negatives, temperature, steps and validate-every must be ≥ 0 (0 for"
          + " maxlen, steps and validate-every: by the data), dropout in [0, 1), and lr, batch and patience positive");
    }
  }

  public static SequenceConfig defaults() {
    return new SequenceConfig(50, 2, 1, 0, 0f, 0.001f, 128, 128, 0.05f, 0, 0, 5);
  }

  /**
   * This config with the history length and dropout the paper uses for data like {@code train}, and the training
   * schedule for it, where unset.
   */
  public SequenceConfig forData(TrainingData train) {
    double mean = train.numUsers() == 0 ? 0 : (double) train.size() / train.numUsers();
    boolean dense = mean >= DENSE_MEAN_HISTORY;
    int epoch = Math.max(1, (train.numUsers() + batchSize - 1) / batchSize);
    return new SequenceConfig(dim, blocks, heads, maxLength > 0 ? maxLength : dense ? 200 : 50,
        dropout > 0f ? dropout : dense ? 0.2f : 0.5f, learningRate, batchSize, negatives, temperature,
        maxSteps > 0 ? maxSteps : dense ? DENSE_STEPS : SPARSE_EPOCHS * epoch,
        validateEvery > 0 ? validateEvery : dense ? DENSE_VALIDATE_EVERY : epoch, patience);
  }

  /** This config with one hyperparameter set from text, e.g. {@code with("dim", "64")}. */
  public SequenceConfig with(String key, String value) {
    Map<String, String> all = settable();
    if (!all.containsKey(key)) throw Parameters.unknown("sequence model", key, List.copyOf(all.keySet()));
    all.put(key, value);
    String what = key + " of the sequence model";
    return new SequenceConfig(Parameters.integer(what, all.get("dim")), Parameters.integer(what, all.get("blocks")),
        Parameters.integer(what, all.get("heads")), Parameters.integer(what, all.get("maxlen")),
        (float) Parameters.number(what, all.get("dropout")), (float) Parameters.number(what, all.get("lr")),
        Parameters.integer(what, all.get("batch")), Parameters.integer(what, all.get("negatives")),
        (float) Parameters.number(what, all.get("temperature")), Parameters.integer(what, all.get("steps")), Parameters.integer(what, all.get("validate-every")),
        Parameters.integer(what, all.get("patience")));
  }

  /** Every hyperparameter by its command-line name, with its value. */
  public Map<String, String> settable() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("dim", Integer.toString(dim));
    m.put("blocks", Integer.toString(blocks));
    m.put("heads", Integer.toString(heads));
    m.put("maxlen", Integer.toString(maxLength));
    m.put("dropout", Float.toString(dropout));
    m.put("lr", Float.toString(learningRate));
    m.put("batch", Integer.toString(batchSize));
    m.put("negatives", Integer.toString(negatives));
    m.put("temperature", Float.toString(temperature));
    m.put("steps", Integer.toString(maxSteps));
    m.put("validate-every", Integer.toString(validateEvery));
    m.put("patience", Integer.toString(patience));
    return m;
  }
}
