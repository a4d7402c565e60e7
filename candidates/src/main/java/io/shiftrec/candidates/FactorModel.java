package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import io.shiftrec.learn.BprMf;
import io.shiftrec.learn.EpochListener;
import io.shiftrec.learn.Factors;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Interactions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collaborative filtering by matrix factorisation (the array-level training lives in {@code io.shiftrec.learn}): a
 * user's score for item i is x_u·y_i + b_i. Every interaction counts as one, whatever the feedback, as in
 * {@link ItemKnnModel}: the protocols' targets are any interaction, and rating-derived weights would make a 3★
 * rating no evidence at all.
 */
public final class FactorModel implements Model {
  public static final String IALS = "ials";
  public static final String BPR = "bpr";

  /** Trains factors on the interaction matrix; a pure function of data and seed. */
  @FunctionalInterface
  private interface Trainer {
    Factors fit(Interactions data, long seed, EpochListener listener);
  }

  private final String name;
  private final String algorithm;
  private final Map<String, Object> hyperparameters;
  private final int epochs;
  private final Trainer trainer;
  private final ImplicitAls.Config alsConfig; // null unless iALS
  private Factors factors;

  private FactorModel(String name, String algorithm, Map<String, Object> hyperparameters, int epochs,
                      Trainer trainer, ImplicitAls.Config alsConfig) {
    this.name = name;
    this.algorithm = algorithm;
    this.hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    this.epochs = epochs;
    this.trainer = trainer;
    this.alsConfig = alsConfig;
  }

  /** Implicit ALS on every available core (its result does not depend on the thread count). */
  public static FactorModel ials(String name, ImplicitAls.Config config) {
    int threads = Runtime.getRuntime().availableProcessors();
    return ials(name, config, (data, seed, listener) -> ImplicitAls.fit(data, config, seed, threads, listener));
  }

  private static FactorModel ials(String name, ImplicitAls.Config config, Trainer trainer) {
    return new FactorModel(name, IALS, config.toMap(), config.iterations(), trainer, config);
  }

  public static FactorModel bpr(String name, BprMf.Config config) {
    return new FactorModel(name, BPR, config.toMap(), config.epochs(),
        (data, seed, listener) -> BprMf.fit(data, config, seed, listener), null);
  }

  /**
   * This model, unfitted, with its iALS half-steps solved by {@code sweep} (e.g. on a Spark cluster): the same
   * factors, computed elsewhere. A BPR model is returned as it is.
   */
  public FactorModel withSweep(ImplicitAls.Sweep sweep) {
    if (alsConfig == null) return this;
    ImplicitAls.Config config = alsConfig;
    return ials(name, config, (data, seed, listener) -> ImplicitAls.fit(data, config, seed, sweep, listener));
  }

  /** The binary user × item matrix of the training data: what the factor models learn from. */
  public static Interactions interactions(TrainingData train) {
    return Interactions.binary(train.numUsers(), train.numItems(), train.offsets(), train.historyItems());
  }

  @Override
  public String name() {
    return name;
  }

  /** {@link #IALS} or {@link #BPR}. */
  public String algorithm() {
    return algorithm;
  }

  /** The hyperparameters by the names the model's {@code name:key=value} syntax accepts. */
  public Map<String, Object> hyperparameters() {
    return hyperparameters;
  }

  /** Epochs of training: ALS sweeps or BPR passes. */
  public int epochs() {
    return epochs;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    fit(train, seed, EpochListener.NONE);
  }

  /** As {@link #fit(TrainingData, long)}, telling {@code listener} after every epoch; returns the factors. */
  public Factors fit(TrainingData train, long seed, EpochListener listener) {
    factors = trainer.fit(interactions(train), seed, listener);
    return factors;
  }

  /** The fitted factors (null before {@link #fit}). */
  public Factors factors() {
    return factors;
  }

  /** A model that scores with {@code factors} as they stand (an epoch's snapshot, or factors read back). */
  public static Model scoring(String name, Factors factors) {
    return new Model() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void fit(TrainingData train, long seed) {
        if (train.numUsers() != factors.numUsers() || train.numItems() != factors.numItems()) {
          throw new IllegalArgumentException("factors of " + factors.numUsers() + " users and " + factors.numItems()
              + " items do not fit data of " + train.numUsers() + " and " + train.numItems());
        }
      }

      @Override
      public void score(int user, float[] scoresOut) {
        factors.scoreAll(user, scoresOut);
      }
    };
  }

  @Override
  public void score(int user, float[] scoresOut) {
    factors.scoreAll(user, scoresOut);
  }
}
