package io.shiftrec.interest;

import java.util.List;

/**
 * A detected move of a user's attention from one interest to another.
 *
 * @param from id of the interest that led the long-term profile before the change
 * @param to id of the interest leading the short-term profile when the change was confirmed
 * @param clock clock of the event that confirmed it (timestamp in seconds, or sequence position)
 * @param eventIndex how many events of the user had been observed when it was confirmed (1-based)
 * @param strength how much worse the new events fit the old profile than the events before: mean misfit
 *     increase in cosine units (0..2)
 * @param fromCategories top categories of the {@code from} interest when the migration was detected (may be empty)
 * @param toCategories top categories of the {@code to} interest then
 * @param fromExample catalogue index of the {@code from} interest's most recent member then
 * @param toExample catalogue index of the {@code to} interest's most recent member then
 */
public record Migration(int from, int to, long clock, int eventIndex, double strength, List<String> fromCategories,
                        List<String> toCategories, int fromExample, int toExample) {
  public Migration {
    fromCategories = List.copyOf(fromCategories);
    toCategories = List.copyOf(toCategories);
  }
}
