package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import java.util.Arrays;

/**
 * Where each item occurs in the training histories: the transpose of {@link TrainingData}'s user-by-user arrays.
 * The occurrences of item i are {@code positions[start[i] .. start[i+1])}, indices into
 * {@link TrainingData#historyItems()} in history order, and {@code users[p]} is the user of position p.
 */
record ItemOccurrences(int[] start, int[] positions, int[] users) {
  static ItemOccurrences of(TrainingData data) {
    int ni = data.numItems();
    int[] offsets = data.offsets(), items = data.historyItems();
    int[] users = new int[items.length];
    for (int u = 0; u < data.numUsers(); u++) Arrays.fill(users, offsets[u], offsets[u + 1], u);
    int[] start = new int[ni + 1];
    for (int item : items) start[item + 1]++;
    for (int i = 0; i < ni; i++) start[i + 1] += start[i];
    int[] positions = new int[items.length];
    int[] fill = Arrays.copyOf(start, ni);
    for (int p = 0; p < items.length; p++) positions[fill[items[p]]++] = p;
    return new ItemOccurrences(start, positions, users);
  }
}
