package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.User;
import io.shiftrec.core.Feedback;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dataset's events as parallel primitive arrays, in the dataset's order (grouped by user, clock order within).
 * Events without a catalogue item (searches, unknown ids) are left out. Users are indexed in order of first event.
 */
final class EventTable {
  final Catalog catalog;
  final String[] userIds;
  /** The split each user carries in the dataset (train / valid / test), or null. */
  final String[] userSplit;
  final int[] user;
  final int[] item;
  final float[] weight;
  final long[] clock;
  /** True when every kept event has a timestamp (not only a position within the user). */
  final boolean timestamps;

  private EventTable(Catalog catalog, String[] userIds, String[] userSplit, int[] user, int[] item, float[] weight,
                     long[] clock, boolean timestamps) {
    this.catalog = catalog;
    this.userIds = userIds;
    this.userSplit = userSplit;
    this.user = user;
    this.item = item;
    this.weight = weight;
    this.clock = clock;
    this.timestamps = timestamps;
  }

  int size() {
    return user.length;
  }

  static EventTable of(Dataset d) {
    Catalog catalog = d.catalog();
    Map<String, Integer> userIndex = new LinkedHashMap<>();
    int n = d.events().size();
    int[] user = new int[n], item = new int[n];
    float[] weight = new float[n];
    long[] clock = new long[n];
    boolean timestamps = true;
    int m = 0;
    for (Event e : d.events()) {
      int i = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (i < 0) continue;
      Integer u = userIndex.get(e.user());
      if (u == null) userIndex.put(e.user(), u = userIndex.size());
      user[m] = u;
      item[m] = i;
      weight[m] = (float) Feedback.weight(e);
      clock[m] = e.clock();
      timestamps &= e.timestamp() != null;
      m++;
    }
    String[] ids = userIndex.keySet().toArray(new String[0]);
    Map<String, String> splitOf = new HashMap<>();
    for (User u : d.users()) if (u.split() != null) splitOf.put(u.id(), u.split());
    String[] split = new String[ids.length];
    for (int u = 0; u < ids.length; u++) split[u] = splitOf.get(ids[u]);
    return new EventTable(catalog, ids, split, Arrays.copyOf(user, m), Arrays.copyOf(item, m),
        Arrays.copyOf(weight, m), Arrays.copyOf(clock, m), m > 0 && timestamps);
  }
}
