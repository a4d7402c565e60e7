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
  private static final int FORMAT = 1;

  private final List<String> keys;
  private final int numItems;
  private final int[] everyone;
  private final long everyoneTotal;
  private final Map<String, int[]> counts; // group key (level values joined) -> users per item
  private final Map<String, Long> totals;

  private GroupPopularity(List<String> keys, int numItems, int[] everyone, long everyoneTotal,
                          Map<String, int[]> counts, Map<String, Long> totals) {
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
    private final Map<String, int[]> counts = new HashMap<>();
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
        counts.computeIfAbsent(group, g -> new int[numItems])[item]++;
        totals.merge(group, 1L, Long::sum);
      }
      return this;
    }

    public GroupPopularity build() {
      return new GroupPopularity(keys, numItems, everyone.clone(), everyoneTotal, new HashMap<>(counts),
          new HashMap<>(totals));
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

  /** The counts as bytes: keys, items, everyone's counts, then each group's key, total and counts. */
  public byte[] toBytes() {
    io.shiftrec.core.ArtifactCodec.Writer out = new io.shiftrec.core.ArtifactCodec.Writer(FORMAT)
        .writeInt(keys.size()).writeStrings(keys.toArray(new String[0])).writeInt(numItems).writeInts(everyone)
        .writeLong(everyoneTotal).writeInt(counts.size());
    for (String group : new java.util.TreeSet<>(counts.keySet())) {
      out.writeString(group).writeLong(totals.get(group)).writeInts(counts.get(group));
    }
    return out.toBytes();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are cut short or corrupt. */
  public static GroupPopularity fromBytes(byte[] data) {
    io.shiftrec.core.ArtifactCodec.Reader in = new io.shiftrec.core.ArtifactCodec.Reader(data, "group popularity",
        FORMAT, FORMAT, "");
    List<String> keys = List.of(in.readStrings(in.readCount("group keys")));
    int n = in.readCount("items");
    int[] everyone = in.readInts(n);
    long everyoneTotal = in.readLong();
    int groups = in.readCount("groups");
    Map<String, int[]> counts = new HashMap<>();
    Map<String, Long> totals = new HashMap<>();
    for (int g = 0; g < groups; g++) {
      String group = in.readString();
      totals.put(group, in.readLong());
      counts.put(group, in.readInts(n));
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
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      if (!Arrays.equals(e.getValue(), g.counts.get(e.getKey()))) return false;
    }
    return true;
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
      int[] c = counts.get(group);
      if (c == null) break; // no training user in this group: the parent's estimate stands
      double n = totals.get(group);
      for (int i = 0; i < numItems; i++) p[i] = (c[i] + smoothing * p[i]) / (n + smoothing);
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
