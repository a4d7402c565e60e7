package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import java.util.Map;

/**
 * A recommender that can be fit on {@link TrainingData} and then score the whole catalogue for one of its users: the
 * common shape of every model the evaluation harness compares (baselines and ShiftRec variants).
 *
 * <p>Contract: {@link #fit} runs once before any {@link #score}; {@code score} must be safe to call from several
 * threads at once for different users (keep per-call state on the stack or in {@code scoresOut}) and must be
 * deterministic: the same data and seed give bit-identical scores, whatever the thread scheduling.
 */
public interface Model {
  /** The name used on the command line ({@code --models}). */
  String name();

  /** Learns from the training data; {@code seed} drives every random choice. */
  void fit(TrainingData train, long seed);

  /**
   * Writes a score for every catalogue item index into {@code scoresOut} (length = catalogue size): higher is better.
   * {@link Float#NEGATIVE_INFINITY} means "cannot score"; such items rank last. The caller removes items the user
   * already has, so a model need not.
   *
   * @param user a user index of the training data the model was fit on
   */
  void score(int user, float[] scoresOut);

  /** What {@link #fit} chose from the data (e.g. hyper-parameters selected on validation users), for the report. */
  default Map<String, Object> fitted() {
    return Map.of();
  }
}
