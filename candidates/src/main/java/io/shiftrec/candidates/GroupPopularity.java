package io.shiftrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What people like a new user took: popularity within the user's attribute group, for someone known only by their
 * attributes (age band, gender, occupation). Groups nest along the attribute names in the order given, coarse to
 * fine: everyone, then by the first attribute, then by the first two, and so on. Each level is shrunk toward the
 * level above it (hierarchical additive smoothing):
 *
 * <pre>p_level(i) = (c_level(i) + α · p_parent(i)) / (N_level + α),   p_everyone(i) = c(i) / N</pre>
 *
 * where {@code c} counts the group's users who took item {@code i} and {@code N} all such (user, item) pairs of the
 * group. A group of a few users barely moves away from its parent; a large one speaks for itself. {@code α}, in
 * (user, item) pairs, is a parameter of {@link #score}, to be chosen on validation users. A user whose attribute is
 * missing (or a value no training user had) stops at the last level they are known at.
 *
 * <p>Scores are {@code log(1 + N · p(i))}: at the top level exactly {@code log(1 + users who took i)}, the scale of
 * global popularity. Immutable after {@link Builder#build()}.
 */
public final class GroupPopularity {
  private static final char SEP = '\u0001';
  /**
   * How many (user, item) pairs a group's estimate is shrunk toward its parent's with: the value chosen on both halves
   * of the MovieLens 1M newcomers (docs/archive/benchmarks-history.md, "group popularity, attributes only").
   */
  public static final double DEFAULT_SMOOTHING = 3_000;
  /** Attributes that group users: those most users have, with few values (an age band, not a birthday). */
  private static final int MAX_GROUP_VALUES = 100;
  private static final int MAX_GROUP_KEYS = 3;
  /** The layout of {@link #toBytes}: each group's counts sparse. Format 1, every group's counts dense, is read. */
  private static final int FORMAT = 2;
  private static final int FORMAT_DENSE = 1;

  private final List<String> keys;
  private final int numItems;
  private final int[] everyone;
  private final long everyoneTotal;
  /**
   * Group key (level values joined) → users of the group per item they took, sparse: a group's users take few of the
   * items, and a dense array per group would need groups × items of memory.
   */
  private final Map<String, Counts> counts;
  private final Map<String, Long> totals;

  /** The items a group took, ascending, and how many of its users took each. */
  private record Counts(int[] items, int[] users) {
    /** From a group's taken items, one entry per (user, item) pair, in any order. */
    static Counts of(int[] taken, int size) {
      int[] sorted = Arrays.copyOf(taken, size);
      Arrays.sort(sorted);
      int distinct = 0;
      for (int k = 0; k < sorted.length; k++) if (k == 0 || sorted[k] != sorted[k - 1]) distinct++;
      int[] items = new int[distinct], users = new int[distinct];
      for (int k = 0, d = -1; k < sorted.length; k++) {
        if (k == 0 || sorted[k] != sorted[k - 1]) items[++d] = sorted[k];
        users[d]++;
      }
      return new Counts(items, users);
    }

    static Counts ofDense(int[] perItem) {
      int distinct = 0;
      for (int c : perItem) if (c != 0) distinct++;
      int[] items = new int[distinct], users = new int[distinct];
      for (int i = 0, d = 0; i < perItem.length; i++) {
        if (perItem[i] == 0) continue;
        items[d] = i;
        users[d++] = perItem[i];
      }
      return new Counts(items, users);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Counts c && Arrays.equals(items, c.items) && Arrays.equals(users, c.users);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(items);
    }
  }

  private GroupPopularity(List<String> keys, int numItems, int[] everyone, long everyoneTotal,
                          Map<String, Counts> counts, Map<String, Long> totals) {
    this.keys = keys;
    this.numItems = numItems;
    this.everyone = everyone;
    this.everyoneTotal = everyoneTotal;
    this.counts = counts;
    this.totals = totals;
  }

  /** @param keys attribute names from the coarsest grouping to the finest, e.g. age, gender, occupation */
  public static Builder builder(int numItems, List<String> keys) {
    if (numItems < 1) throw new IllegalArgumentException("numItems must be positive, got " + numItems);
    if (keys.isEmpty()) throw new IllegalArgumentException("group popularity needs at least one attribute name");
    for (String k : keys) {
      if (k == null || k.isBlank()) throw new IllegalArgumentException("blank attribute name in " + keys);
    }
    return new Builder(numItems, List.copyOf(keys));
  }

  /** Counts (user, item) pairs; add each pair once. */
  public static final class Builder {
    private final List<String> keys;
    private final int numItems;
    private final int[] everyone;
    private long everyoneTotal;
    /** Per group, the items its users took so far, one entry per pair (a growable array and its size). */
    private final Map<String, int[]> taken = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final Map<String, Long> totals = new HashMap<>();

    private Builder(int numItems, List<String> keys) {
      this.numItems = numItems;
      this.keys = keys;
      this.everyone = new int[numItems];
    }

    /** One user (with these attributes) took {@code item}. */
    public Builder add(Map<String, Object> attributes, int item) {
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException("item index " + item + " outside [0, " + numItems + ")");
      }
      everyone[item]++;
      everyoneTotal++;
      for (String group : groupsOf(keys, attributes)) {
        int size = sizes.getOrDefault(group, 0);
        int[] items = taken.get(group);
        if (items == null || size == items.length) {
          items = items == null ? new int[8] : Arrays.copyOf(items, size * 2);
          taken.put(group, items);
        }
        items[size] = item;
        sizes.put(group, size + 1);
        totals.merge(group, 1L, Long::sum);
      }
      return this;
    }

    public GroupPopularity build() {
      Map<String, Counts> counts = new HashMap<>();
      for (Map.Entry<String, int[]> e : taken.entrySet()) {
        counts.put(e.getKey(), Counts.of(e.getValue(), sizes.get(e.getKey())));
      }
      return new GroupPopularity(keys, numItems, everyone.clone(), everyoneTotal, counts, new HashMap<>(totals));
    }
  }

  public List<String> keys() {
    return keys;
  }

  /**
   * The attribute names that group users, coarse to fine: those more than half of the {@code users} have, with 2 to
   * {@value #MAX_GROUP_VALUES} distinct values (text, numbers or flags), fewer values first, at most
   * {@value #MAX_GROUP_KEYS}. Empty when none qualifies.
   */
  public static List<String> keysFor(Iterable<Map<String, Object>> attributes, int users) {
    Map<String, java.util.Set<String>> values = new HashMap<>();
    Map<String, Integer> holders = new HashMap<>();
    for (Map<String, Object> a : attributes) {
      for (Map.Entry<String, Object> e : a.entrySet()) {
        Object v = e.getValue();
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) continue;
        values.computeIfAbsent(e.getKey(), k -> new java.util.HashSet<>()).add(v.toString());
        holders.merge(e.getKey(), 1, Integer::sum);
      }
    }
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, Integer> h : holders.entrySet()) {
      int distinct = values.get(h.getKey()).size();
      if (h.getValue() * 2 > users && distinct >= 2 && distinct <= MAX_GROUP_VALUES) keys.add(h.getKey());
    }
    keys.sort(java.util.Comparator.comparingInt((String k) -> values.get(k).size()).thenComparing(k -> k));
    return List.copyOf(keys.subList(0, Math.min(MAX_GROUP_KEYS, keys.size())));
  }

  /** How many items it counts. */
  public int numItems() {
    return numItems;
  }

  /**
   * The counts as bytes: keys, items, everyone's counts, then each group's key, total, and the items it took with how
   * many of its users took each.
   */
  public byte[] toBytes() {
    io.shiftrec.core.ArtifactCodec.Writer out = new io.shiftrec.core.ArtifactCodec.Writer(FORMAT)
        .writeInt(keys.size()).writeStrings(keys.toArray(new String[0])).writeInt(numItems).writeInts(everyone)
        .writeLong(everyoneTotal).writeInt(counts.size());
    for (String group : new java.util.TreeSet<>(counts.keySet())) {
      Counts c = counts.get(group);
      out.writeString(group).writeLong(totals.get(group)).writeInt(c.items().length).writeInts(c.items())
          .writeInts(c.users());
    }
    return out.toBytes();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are cut short or corrupt. */
  public static GroupPopularity fromBytes(byte[] data) {
    io.shiftrec.core.ArtifactCodec.Reader in = new io.shiftrec.core.ArtifactCodec.Reader(data, "group popularity",
        FORMAT_DENSE, FORMAT, "");
    List<String> keys = List.of(in.readStrings(in.readCount("group keys")));
    int n = in.readCount("items");
    int[] everyone = in.readInts(n);
    long everyoneTotal = in.readLong();
    int groups = in.readCount("groups");
    Map<String, Counts> counts = new HashMap<>();
    Map<String, Long> totals = new HashMap<>();
    for (int g = 0; g < groups; g++) {
      String group = in.readString();
      totals.put(group, in.readLong());
      if (in.format() == FORMAT_DENSE) {
        counts.put(group, Counts.ofDense(in.readInts(n)));
      } else {
        int taken = in.readCount("items a group took");
        int[] items = in.readInts(taken);
        for (int k = 0; k < taken; k++) {
          if (items[k] < 0 || items[k] >= n || k > 0 && items[k] <= items[k - 1]) {
            throw new IllegalArgumentException("group popularity corrupt: item " + items[k] + " of group " + g);
          }
        }
        counts.put(group, new Counts(items, in.readInts(taken)));
      }
    }
    in.end();
    return new GroupPopularity(keys, n, everyone, everyoneTotal, counts, totals);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GroupPopularity g) || !keys.equals(g.keys) || numItems != g.numItems
        || everyoneTotal != g.everyoneTotal || !Arrays.equals(everyone, g.everyone) || !totals.equals(g.totals)) {
      return false;
    }
    return counts.equals(g.counts);
  }

  @Override
  public int hashCode() {
    return keys.hashCode() * 31 + Arrays.hashCode(everyone);
  }

  /** How many levels below everyone the attributes reach (0 = none known). */
  public int depth(Map<String, Object> attributes) {
    int d = 0;
    for (String group : groupsOf(keys, attributes)) {
      if (!counts.containsKey(group)) break;
      d++;
    }
    return d;
  }

  /**
   * {@code log(1 + N · p(i))} of every item for a user with these attributes, {@code p} smoothed toward the coarser
   * groups with weight {@code smoothing} (α ≥ 0; 0 = the finest known group's own counts, large = global popularity).
   */
  public void score(Map<String, Object> attributes, double smoothing, float[] out) {
    if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
      throw new IllegalArgumentException("smoothing must be a finite number ≥ 0, got " + smoothing);
    }
    if (out.length != numItems) {
      throw new IllegalArgumentException("expected an array of " + numItems + " scores, got " + out.length);
    }
    if (everyoneTotal == 0) {
      Arrays.fill(out, 0f);
      return;
    }
    double[] p = new double[numItems];
    for (int i = 0; i < numItems; i++) p[i] = (double) everyone[i] / everyoneTotal;
    for (String group : groupsOf(keys, attributes)) {
      Counts c = counts.get(group);
      if (c == null) break; // no training user in this group: the parent's estimate stands
      double n = totals.get(group);
      int[] items = c.items(), users = c.users();
      for (int i = 0, next = 0; i < numItems; i++) {
        int took = 0; // the same arithmetic as over a dense count per item
        if (next < items.length && items[next] == i) took = users[next++];
        p[i] = (took + smoothing * p[i]) / (n + smoothing);
      }
    }
    for (int i = 0; i < numItems; i++) out[i] = (float) Math.log1p(everyoneTotal * p[i]);
  }

  /** Keys of the user's groups, coarse to fine, as far as the attributes are known. */
  private static List<String> groupsOf(List<String> keys, Map<String, Object> attributes) {
    if (attributes == null) throw new IllegalArgumentException("attributes must not be null (pass an empty map)");
    List<String> groups = new ArrayList<>(keys.size());
    StringBuilder key = new StringBuilder();
    for (String k : keys) {
      Object v = attributes.get(k);
      if (v == null || v.toString().isBlank()) break;
      key.append(k).append('=').append(v).append(SEP);
      groups.add(key.toString());
    }
    return groups;
  }
}
