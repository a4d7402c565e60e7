package io.shiftrec.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model may learn from, in primitive arrays: user {@code u}'s history is positions
 * {@code offsets()[u] .. offsets()[u+1]-1} of {@link #historyItems()}, {@link #historyWeights()} and
 * {@link #historyClocks()}, in clock order, each item at most once per user (first occurrence kept, weight = the
 * largest {@link Feedback} weight of its events, so a view followed by a purchase counts as a purchase).
 *
 * <p>The arrays are shared, not copied: callers must not modify them. Item indices are those of {@link #catalog()}.
 */
public final class TrainingData {
  private final Catalog catalog;
  private final String[] userIds;
  private final int[] offsets;
  private final int[] items;
  private final float[] weights;
  private final long[] clocks;
  private final String[] domainNames;
  private final int[] itemDomain;
  private final int[] popularity;
  private final int[] lastDomain;
  /** Per user, what they told about themselves (age band, occupation, …); null: no user has any. */
  private final Map<String, Object>[] userAttributes;

  private TrainingData(Catalog catalog, String[] userIds, int[] offsets, int[] items, float[] weights, long[] clocks) {
    this.catalog = catalog;
    this.userIds = userIds;
    this.offsets = offsets;
    this.items = items;
    this.weights = weights;
    this.clocks = clocks;
    this.userAttributes = null;
    int n = catalog.size();
    Map<String, Integer> domainIndex = new LinkedHashMap<>();
    itemDomain = new int[n];
    for (int i = 0; i < n; i++) {
      itemDomain[i] = domainIndex.computeIfAbsent(catalog.item(i).domain(), d -> domainIndex.size());
    }
    domainNames = domainIndex.keySet().toArray(new String[0]);
    popularity = new int[n];
    for (int item : items) popularity[item]++;
    lastDomain = new int[userIds.length];
    for (int u = 0; u < userIds.length; u++) {
      lastDomain[u] = offsets[u + 1] > offsets[u] ? itemDomain[items[offsets[u + 1] - 1]] : -1;
    }
  }

  public Catalog catalog() {
    return catalog;
  }

  public int numUsers() {
    return userIds.length;
  }

  public int numItems() {
    return catalog.size();
  }

  public String userId(int user) {
    return userIds[user];
  }

  /** CSR offsets, length {@code numUsers() + 1}. */
  public int[] offsets() {
    return offsets;
  }

  public int[] historyItems() {
    return items;
  }

  public float[] historyWeights() {
    return weights;
  }

  public long[] historyClocks() {
    return clocks;
  }

  public int historyLength(int user) {
    return offsets[user + 1] - offsets[user];
  }

  /** Number of training interactions (total). */
  public int size() {
    return items.length;
  }

  /** Domain index of every item; names in {@link #domainNames()}. */
  public int[] itemDomains() {
    return itemDomain;
  }

  public String[] domainNames() {
    return domainNames;
  }

  /** Distinct training users per item. */
  public int[] popularity() {
    return popularity;
  }

  /** The same data and what is derived from it (arrays shared), with other users' attributes. */
  private TrainingData(TrainingData data, Map<String, Object>[] userAttributes) {
    this.catalog = data.catalog;
    this.userIds = data.userIds;
    this.offsets = data.offsets;
    this.items = data.items;
    this.weights = data.weights;
    this.clocks = data.clocks;
    this.domainNames = data.domainNames;
    this.itemDomain = data.itemDomain;
    this.popularity = data.popularity;
    this.lastDomain = data.lastDomain;
    this.userAttributes = userAttributes;
  }

  /** The user's attributes (empty when they gave none, or none were attached). */
  public Map<String, Object> userAttributes(int user) {
    return userAttributes == null || userAttributes[user] == null ? Map.of() : userAttributes[user];
  }

  /** Whether any user has attributes. */
  public boolean hasUserAttributes() {
    return userAttributes != null;
  }

  /**
   * The same data (arrays shared) with each user's attributes looked up by id ({@code byId} may answer null or an
   * empty map for a user without any).
   */
  @SuppressWarnings("unchecked")
  public TrainingData withUserAttributes(java.util.function.Function<String, Map<String, Object>> byId) {
    Map<String, Object>[] attributes = new Map[userIds.length];
    boolean any = false;
    for (int u = 0; u < userIds.length; u++) {
      Map<String, Object> a = byId.apply(userIds[u]);
      if (a != null && !a.isEmpty()) {
        attributes[u] = a;
        any = true;
      }
    }
    return new TrainingData(this, any ? attributes : null);
  }

  /** This data with the users' attributes of {@code other}, whose users are the same, in the same order. */
  public TrainingData withUserAttributesOf(TrainingData other) {
    if (!Arrays.equals(userIds, other.userIds)) throw new IllegalArgumentException("other users");
    return other.userAttributes == null ? this : new TrainingData(this, other.userAttributes);
  }

  /** Domain index of the user's most recent training item, or -1 when the user has no training history. */
  public int lastDomain(int user) {
    return lastDomain[user];
  }

  /**
   * Training data from raw events: users indexed in order of first appearance, events without a catalogue item
   * (searches, unknown ids) left out, weights from {@link Feedback#weight(Event)}, clocks from {@link Event#clock()}.
   */
  public static TrainingData fromEvents(Catalog catalog, Iterable<Event> events) {
    Map<String, Integer> userIndex = new HashMap<>();
    List<String> ids = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    List<Event> kept = new ArrayList<>();
    for (Event e : events) {
      int item = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (item < 0) continue;
      int u = userIndex.computeIfAbsent(e.user(), id -> {
        ids.add(id);
        return ids.size() - 1;
      });
      rows.add(new int[] {u, item});
      kept.add(e);
    }
    Builder b = builder(catalog, ids.toArray(new String[0]));
    for (int r = 0; r < rows.size(); r++) {
      Event e = kept.get(r);
      b.add(rows.get(r)[0], rows.get(r)[1], (float) Feedback.weight(e), e.clock());
    }
    return b.build();
  }

  public static Builder builder(Catalog catalog, String[] userIds) {
    return new Builder(catalog, userIds);
  }

  /** Collects (user, item, weight, clock) rows in any order; {@link #build()} groups, orders and de-duplicates. */
  public static final class Builder {
    private final Catalog catalog;
    private final String[] userIds;
    private int[] user = new int[1024];
    private int[] item = new int[1024];
    private float[] weight = new float[1024];
    private long[] clock = new long[1024];
    private int size;

    private Builder(Catalog catalog, String[] userIds) {
      this.catalog = catalog;
      this.userIds = userIds.clone();
    }

    public Builder add(int u, int i, float w, long c) {
      if (u < 0 || u >= userIds.length) throw new IllegalArgumentException("user index " + u + " out of range");
      if (i < 0 || i >= catalog.size()) throw new IllegalArgumentException("item index " + i + " out of range");
      if (size == user.length) {
        int cap = size * 2;
        user = Arrays.copyOf(user, cap);
        item = Arrays.copyOf(item, cap);
        weight = Arrays.copyOf(weight, cap);
        clock = Arrays.copyOf(clock, cap);
      }
      user[size] = u;
      item[size] = i;
      weight[size] = w;
      clock[size] = c;
      size++;
      return this;
    }

    /** Orders each user's rows by clock (ties: order added) and keeps each item once per user. */
    public TrainingData build() {
      int nu = userIds.length;
      int[] start = new int[nu + 1];
      for (int r = 0; r < size; r++) start[user[r] + 1]++;
      for (int u = 0; u < nu; u++) start[u + 1] += start[u];
      int[] order = new int[size];
      int[] fill = Arrays.copyOf(start, nu);
      for (int r = 0; r < size; r++) order[fill[user[r]]++] = r; // stable counting sort by user
      int[] outOffsets = new int[nu + 1];
      int[] outItems = new int[size];
      float[] outWeights = new float[size];
      long[] outClocks = new long[size];
      int[] firstPos = new int[catalog.size()];
      Arrays.fill(firstPos, -1);
      int n = 0;
      for (int u = 0; u < nu; u++) {
        int from = start[u], to = start[u + 1];
        sortByClock(order, from, to);
        int userStart = n;
        for (int p = from; p < to; p++) {
          int r = order[p];
          int seen = firstPos[item[r]];
          if (seen >= userStart) {
            outWeights[seen] = Math.max(outWeights[seen], weight[r]);
          } else {
            firstPos[item[r]] = n;
            outItems[n] = item[r];
            outWeights[n] = weight[r];
            outClocks[n] = clock[r];
            n++;
          }
        }
        outOffsets[u + 1] = n;
      }
      return new TrainingData(catalog, userIds, outOffsets, Arrays.copyOf(outItems, n),
          Arrays.copyOf(outWeights, n), Arrays.copyOf(outClocks, n));
    }

    /** Sorts row ids by (clock, row id): a merge sort over int[], no boxing. */
    private void sortByClock(int[] order, int from, int to) {
      boolean sorted = true;
      for (int p = from + 1; p < to && sorted; p++) sorted = clock[order[p - 1]] <= clock[order[p]];
      if (sorted) return;
      int m = to - from;
      int[] buf = Arrays.copyOfRange(order, from, to);
      mergeSort(buf, new int[m], 0, m);
      System.arraycopy(buf, 0, order, from, m);
    }

    private void mergeSort(int[] a, int[] tmp, int lo, int hi) {
      if (hi - lo < 2) return;
      int mid = (lo + hi) >>> 1;
      mergeSort(a, tmp, lo, mid);
      mergeSort(a, tmp, mid, hi);
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        // rows were added in order within a user's slice, so row id breaks clock ties by order added
        if (clock[a[j]] < clock[a[i]] || clock[a[j]] == clock[a[i]] && a[j] < a[i]) tmp[k++] = a[j++];
        else tmp[k++] = a[i++];
      }
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
      System.arraycopy(tmp, lo, a, lo, hi - lo);
    }
  }
}
