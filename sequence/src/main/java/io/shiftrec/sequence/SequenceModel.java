package io.shiftrec.sequence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiftrec.candidates.Model;
import io.shiftrec.core.Parameters;
import io.shiftrec.core.TrainingData;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A self-attentive sequence model ({@link SequenceNetwork}) as a recommender: the user's latest items give a state,
 * every item is scored by its vector's dot product with it. Two variants differ in their item vectors:
 * <ul>
 *   <li>{@value #SASREC} (Kang &amp; McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018): a free vector
 *       per item id. The baseline every sequential recommender is compared with; an item nobody had in training
 *       never learned from a positive, so it cannot be ranked.</li>
 *   <li>{@value #TEXT}: the items' text vectors through a learned map ({@link TextItems}), with a residual of its
 *       own for items with enough training interactions: items with no history are ranked from their text, and
 *       items of every domain and language share one table.</li>
 * </ul>
 * Hyperparameters follow the name: {@code sasrec:dim=64:negatives=0} ({@link SequenceConfig}; the text variant also
 * takes {@code residual-min}).
 */
public final class SequenceModel implements Model {
  public static final String SASREC = "sasrec";
  public static final String TEXT = "shiftrec-seq";
  /** Training interactions an item needs for its own residual in {@value #TEXT}. */
  public static final int DEFAULT_RESIDUAL_MIN = 5;

  /** One trainable vector per item id, drawn like every other weight; the padding row stays zero. */
  static final SequenceTrainer.ItemTable ITEM_IDS = new SequenceTrainer.ItemTable() {
    @Override
    public void create(NDManager manager, Map<String, NDArray> params, int numItems, int dim,
                       SplittableRandom random) {
      double std = Math.sqrt(2.0 / (numItems + 1 + dim));
      float[] table = new float[(numItems + 1) * dim];
      for (int i = dim; i < table.length; i++) table[i] = (float) (SequenceTrainer.gaussian(random) * std);
      params.put("items", manager.create(table, new Shape(numItems + 1, dim)));
    }

    @Override
    public NDArray rows(Map<String, NDArray> params) {
      return params.get("items");
    }
  };

  private final String name;
  private final SequenceConfig config;
  private final Function<TrainingData, SequenceTrainer.ItemTable> items;
  private final int residualMin;
  private TrainingData train;
  private SequenceNetwork network;
  private SequenceTrainer.Result result;
  private SequenceConfig used;

  private SequenceModel(String name, SequenceConfig config, int residualMin,
                        Function<TrainingData, SequenceTrainer.ItemTable> items) {
    this.name = name;
    this.config = config;
    this.residualMin = residualMin;
    this.items = items;
  }

  /** SASRec over item ids. */
  public static SequenceModel sasrec(String name, SequenceConfig config) {
    return new SequenceModel(name, config, 0, train -> ITEM_IDS);
  }

  /** The text-based variant; {@code residualMin} 0 gives no item a residual (text alone). */
  public static SequenceModel text(String name, SequenceConfig config, int residualMin) {
    if (residualMin < 0) throw new IllegalArgumentException("residual-min must be ≥ 0, got " + residualMin);
    return new SequenceModel(name, config, residualMin,
        train -> new TextItems(train.catalog().centred(), train.popularity(), residualMin));
  }

  /** Either variant from its command-line spec, {@code shiftrec-seq:residual-min=1:dim=64}. */
  public static SequenceModel parse(String spec) {
    String[] parts = spec.split(":", -1);
    boolean text = parts[0].equals(TEXT);
    SequenceConfig config = SequenceConfig.defaults();
    int residualMin = DEFAULT_RESIDUAL_MIN;
    for (int p = 1; p < parts.length; p++) {
      String key = Parameters.key(parts[p], spec), value = Parameters.value(parts[p]);
      if (text && key.equals("residual-min")) {
        residualMin = Parameters.integer(key + " of " + TEXT, value);
      } else {
        config = config.with(key, value);
      }
    }
    return text ? text(spec, config, residualMin) : sasrec(spec, config);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    used = config.forData(train);
    result = new SequenceTrainer(train, used, items.apply(train)).fit(seed, name);
    network = result.network();
  }

  @Override
  public void score(int user, float[] scoresOut) {
    int[] offsets = train.offsets();
    float[] state = network.state(train.historyItems(), offsets[user], offsets[user + 1]);
    if (state == null) {
      Arrays.fill(scoresOut, Float.NEGATIVE_INFINITY);
    } else {
      network.score(state, scoresOut);
    }
  }

  /** The trained network (null before {@link #fit}). */
  public SequenceNetwork network() {
    return network;
  }

  @Override
  public Map<String, Object> fitted() {
    if (result == null) return Map.of();
    Map<String, Object> m = new LinkedHashMap<>(Parameters.inOrder("maxlen", used.maxLength(), "dropout",
        used.dropout(), "steps", result.steps(), "best_step", result.bestStep(), "epochs",
        Math.round(result.epochs() * 10) / 10.0, "validation_ndcg10",
        Math.round(result.validationNdcg() * 10000) / 10000.0, "training_seconds",
        Math.round(result.seconds() * 10) / 10.0));
    if (residualMin > 0) m.put("residual_min", residualMin);
    if (result.skippedSteps() > 0) m.put("skipped_steps", result.skippedSteps());
    return m;
  }
}
