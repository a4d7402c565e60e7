package io.shiftrec.eval;

import io.shiftrec.recommend.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation protocols of CONTRACT.md. Implemented: {@code loo}, {@code temporal}. Each turns a dataset into a
 * {@link Split}; every random choice (none yet) would come from the seed.
 *
 * <p>Common rules. Only events with a catalogue item count. A user's interactions with the same item collapse to its
 * first occurrence (clock of the first event, weight = largest feedback weight), so every target is an item new to
 * the user and can be ranked. Equal clocks keep the dataset's order (the store's arrival order).
 */
public final class Protocols {
  private Protocols() {}

  public static final String LOO = "loo";
  public static final String TEMPORAL = "temporal";
  /** Share of events (by time) before the temporal cut. */
  public static final double DEFAULT_TEMPORAL_CUT = 0.8;
  /** Users need this many distinct items for leave-one-out (train ≥ 1, validation, test). */
  public static final int LOO_MIN_ITEMS = 3;

  public static List<String> implemented() {
    return List.of(LOO, TEMPORAL);
  }

  public static List<String> contracted() {
    return List.of(LOO, TEMPORAL, "cdsr-sampled", "cdsr-full", "cold-target", "cold-item");
  }

  /** Throws IllegalArgumentException for an unknown or not yet implemented protocol, naming those that run. */
  public static String check(String protocol) {
    String p = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
    if (implemented().contains(p)) return p;
    if (contracted().contains(p)) {
      throw new IllegalArgumentException("protocol '" + p + "' is not implemented yet (available: "
          + String.join(", ", implemented()) + ")");
    }
    throw new IllegalArgumentException("unknown protocol '" + protocol + "' (known: "
        + String.join(", ", contracted()) + "; available: " + String.join(", ", implemented()) + ")");
  }

  public static Split split(String protocol, Dataset dataset, long seed, double temporalCut) {
    EventTable table = EventTable.of(dataset);
    return switch (check(protocol)) {
      case LOO -> leaveOneOut(table);
      case TEMPORAL -> temporal(table, temporalCut);
      default -> throw new AssertionError(protocol);
    };
  }

  /**
   * Leave-one-out (SASRec / BERT4Rec practice): per user with at least {@link #LOO_MIN_ITEMS} distinct items, the
   * last item is the test target, the one before it the validation target, the rest training. Every event counts
   * as a target whatever its feedback (a 1★ rating is still the item the user chose to watch next), as is standard
   * for leave-one-out on MovieLens. Models are fit on training + validation for the test (validation is for tuning
   * only; {@link Split#validation()} holds the fit-on-training / validation-target task). Users with fewer items stay
   * in training and are not evaluated.
   */
  static Split leaveOneOut(EventTable t) {
    TrainingData all = build(t, Long.MAX_VALUE);
    int nu = all.numUsers();
    int[] off = all.offsets(), items = all.historyItems();
    float[] w = all.historyWeights();
    long[] c = all.historyClocks();
    TrainingData.Builder fitTest = TrainingData.builder(t.catalog, ids(all));
    TrainingData.Builder fitValid = TrainingData.builder(t.catalog, ids(all));
    int[] testUsers = new int[nu], testTargets = new int[nu], validTargets = new int[nu];
    int nt = 0;
    for (int u = 0; u < nu; u++) {
      int len = off[u + 1] - off[u];
      boolean evaluated = len >= LOO_MIN_ITEMS;
      int trainEnd = evaluated ? off[u + 1] - 2 : off[u + 1];
      for (int p = off[u]; p < off[u + 1]; p++) {
        if (p < trainEnd) fitValid.add(u, items[p], w[p], c[p]);
        if (p < trainEnd + (evaluated ? 1 : 0)) fitTest.add(u, items[p], w[p], c[p]);
      }
      if (evaluated) {
        testUsers[nt] = u;
        validTargets[nt] = items[off[u + 1] - 2];
        testTargets[nt] = items[off[u + 1] - 1];
        nt++;
      }
    }
    int[] users = Arrays.copyOf(testUsers, nt);
    int[] offsets = new int[nt + 1];
    for (int i = 0; i <= nt; i++) offsets[i] = i;
    Split validation = new Split(LOO, fitValid.build(), users, offsets, Arrays.copyOf(validTargets, nt), null);
    return new Split(LOO, fitTest.build(), users, offsets.clone(), Arrays.copyOf(testTargets, nt), validation);
  }

  /**
   * Global temporal split: the cut is the timestamp below which a share {@code cut} of all events falls (the event
   * at that rank starts the test period). Training = every event before the cut, of every user. Test users = users
   * with training history and at least one item after the cut that they had not met before it; their targets are
   * all such items, in clock order, whatever the feedback. Needs timestamps: positions are per user and cannot be
   * compared across users.
   */
  static Split temporal(EventTable t, double cut) {
    if (!(cut > 0 && cut < 1)) throw new IllegalArgumentException("temporal cut must be in (0, 1), got " + cut);
    if (!t.timestamps) {
      throw new IllegalArgumentException("protocol temporal needs event timestamps; this dataset orders events "
          + "by position only (use loo or the cdsr protocols)");
    }
    long[] sorted = t.clock.clone();
    Arrays.sort(sorted);
    long cutClock = sorted[(int) Math.min(sorted.length - 1, (long) Math.floor(cut * sorted.length))];
    TrainingData train = build(t, cutClock);
    int nu = train.numUsers();
    int[] off = train.offsets(), items = train.historyItems();
    // post-cut events per user, in table order (grouped by user, clock order within a user)
    boolean[] inTrain = new boolean[t.catalog.size()];
    boolean[] taken = new boolean[t.catalog.size()];
    int[] userStart = new int[nu + 1];
    for (int e = 0; e < t.size(); e++) userStart[t.user[e] + 1]++;
    for (int u = 0; u < nu; u++) userStart[u + 1] += userStart[u];
    int[] order = sortedEventsByUserThenClock(t, userStart);
    int[] testUsers = new int[nu];
    int[] offsets = new int[nu + 1];
    int[] targets = new int[t.size()];
    int nt = 0, ntg = 0;
    for (int u = 0; u < nu; u++) {
      if (off[u + 1] == off[u]) continue;
      for (int p = off[u]; p < off[u + 1]; p++) inTrain[items[p]] = true;
      int first = ntg;
      for (int q = userStart[u]; q < userStart[u + 1]; q++) {
        int e = order[q];
        if (t.clock[e] < cutClock || inTrain[t.item[e]] || taken[t.item[e]]) continue;
        taken[t.item[e]] = true;
        targets[ntg++] = t.item[e];
      }
      for (int p = off[u]; p < off[u + 1]; p++) inTrain[items[p]] = false;
      for (int q = first; q < ntg; q++) taken[targets[q]] = false;
      if (ntg > first) {
        testUsers[nt++] = u;
        offsets[nt] = ntg;
      }
    }
    return new Split(TEMPORAL, train, Arrays.copyOf(testUsers, nt), Arrays.copyOf(offsets, nt + 1),
        Arrays.copyOf(targets, ntg), null);
  }

  /** Training data of every event with clock below {@code before}; all users of the table keep their index. */
  private static TrainingData build(EventTable t, long before) {
    TrainingData.Builder b = TrainingData.builder(t.catalog, t.userIds);
    for (int e = 0; e < t.size(); e++) {
      if (t.clock[e] < before) b.add(t.user[e], t.item[e], t.weight[e], t.clock[e]);
    }
    return b.build();
  }

  private static String[] ids(TrainingData d) {
    String[] ids = new String[d.numUsers()];
    for (int u = 0; u < ids.length; u++) ids[u] = d.userId(u);
    return ids;
  }

  /** Event ids grouped by user, each user's events in (clock, table order). */
  private static int[] sortedEventsByUserThenClock(EventTable t, int[] userStart) {
    int nu = userStart.length - 1;
    int[] fill = Arrays.copyOf(userStart, nu);
    int[] order = new int[t.size()];
    for (int e = 0; e < t.size(); e++) order[fill[t.user[e]]++] = e;
    for (int u = 0; u < nu; u++) {
      int from = userStart[u], to = userStart[u + 1];
      boolean sorted = true;
      for (int q = from + 1; q < to && sorted; q++) sorted = t.clock[order[q - 1]] <= t.clock[order[q]];
      if (!sorted) {
        // rare (datasets come in clock order within a user) and outside any hot path, so a boxed sort is fine
        Integer[] idx = new Integer[to - from];
        for (int q = from; q < to; q++) idx[q - from] = order[q];
        Arrays.sort(idx, (a, b) -> t.clock[a] != t.clock[b] ? Long.compare(t.clock[a], t.clock[b])
            : Integer.compare(a, b));
        for (int q = from; q < to; q++) order[q] = idx[q - from];
      }
    }
    return order;
  }
}
