package io.shiftrec.candidates;

/**
 * A model whose score for a user reads only their latest items through a structure learned once (neighbour lists,
 * next-item rules): once fit, it can score from any number of latest items without fitting again, so the learned
 * ranker weighs what the user did last, lately and over a longer stretch as separate features.
 */
public interface RecentItemsModel extends Model {
  /** How many of the user's latest items the score reads. */
  int lastItems();

  /**
   * This fitted model reading the latest {@code lastItems} items instead, sharing what it learned; named
   * {@link #windowName}.
   */
  Model readingLast(int lastItems);

  /** The name of {@code model} read over its latest {@code lastItems} items, e.g. {@code next-item@20}. */
  static String windowName(String model, int lastItems) {
    return model + "@" + lastItems;
  }
}
