package io.shiftrec.learn;

/** Told after every training epoch (an ALS sweep over both sides, a BPR pass over the interactions). */
@FunctionalInterface
public interface EpochListener {
  EpochListener NONE = (epoch, loss, current) -> {};

  /**
   * @param epoch 1-based
   * @param loss the objective after this epoch (implicit ALS: exact; BPR: mean over the epoch's samples)
   * @param current the factors as they stand; valid only during the call (training goes on updating them)
   */
  void epochDone(int epoch, double loss, Factors current);
}
