package io.shiftrec.interest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of a user's interests: a cluster of their history in one embedding space. Its centroid follows recent
 * members; its long- and short-term weights decay with the user's events and grow with each event that joins it.
 * Read it through the accessors; {@link InterestProfile} owns the updates.
 */
public final class Interest {
  /** Recent member items kept for explanations; a bound, so a profile's size does not grow with history. */
  static final int MEMBERS = 16;
  /** Categories counted per interest for its label. */
  static final int CATEGORIES = 16;

  final int id;
  final float[] sum;
  final float[] centroid;
  int sumUpdatedAt;
  double longWeight;
  double shortWeight;
  long firstClock;
  long lastClock;
  int events;
  /** Weight gathered since the drift under test began (see {@link InterestProfile}). */
  double driftWeight;
  final int[] members = new int[MEMBERS];
  int memberCount;
  final Map<String, Double> categories = new LinkedHashMap<>();

  Interest(int id, int dimension) {
    this.id = id;
    this.sum = new float[dimension];
    this.centroid = new float[dimension];
  }

  public int id() {
    return id;
  }

  /** Unit vector in the profile's (centred) space. Do not modify. */
  public float[] centroid() {
    return centroid;
  }

  public double longWeight() {
    return longWeight;
  }

  public double shortWeight() {
    return shortWeight;
  }

  public long firstClock() {
    return firstClock;
  }

  public long lastClock() {
    return lastClock;
  }

  /** Events that joined this interest. */
  public int events() {
    return events;
  }

  /** Catalogue indices of the most recent distinct member items, newest first. */
  public int[] recentMembers() {
    int n = Math.min(memberCount, MEMBERS);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = members[Math.floorMod(memberCount - 1 - i, MEMBERS)];
    return out;
  }

  /** Up to {@code n} categories of the member items, most frequent (recency-weighted) first. */
  public List<String> topCategories(int n) {
    List<Map.Entry<String, Double>> entries = new ArrayList<>(categories.entrySet());
    entries.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, entries.size()); i++) out.add(entries.get(i).getKey());
    return out;
  }

  /** Records a member item (a catalogue index; negative for text with no item, which only adds categories). */
  void addMember(int item, List<String> itemCategories, double weight) {
    if (item >= 0 && !isRecentMember(item)) {
      members[memberCount % MEMBERS] = item;
      memberCount++;
    }
    if (itemCategories == null) return;
    for (String c : itemCategories) categories.merge(c, weight, Double::sum);
    trimCategories();
  }

  private boolean isRecentMember(int item) {
    for (int i = 0; i < Math.min(memberCount, MEMBERS); i++) if (members[i] == item) return true;
    return false;
  }

  void trimCategories() {
    while (categories.size() > CATEGORIES) {
      String weakest = null;
      for (Map.Entry<String, Double> e : categories.entrySet()) {
        if (weakest == null || e.getValue() < categories.get(weakest)) weakest = e.getKey();
      }
      categories.remove(weakest);
    }
  }
}
