package io.shiftrec.interest;

import io.shiftrec.core.ArtifactCodec;
import io.shiftrec.core.Feedback;

import io.shiftrec.core.Vectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A user's interests in one embedding space, updated one event at a time at a cost independent of history length
 * (O(interests × dimension)): the state is bounded by {@link InterestConfig#maxInterests()}.
 *
 * <p>Each liked event joins the nearest interest when close enough ({@link InterestConfig#joinSimilarity()}), else
 * opens a new one (or replaces one that has faded); a disliked event lowers the weight of the interest it falls in.
 * A Page-Hinkley detector watches each event's misfit to the long-term profile; when the misfit rises for long
 * enough it records a {@link Migration} and raises the short-term share of the mixture, which then relaxes.
 *
 * <p>Vectors passed in must be unit length in the space the caller scores in (ShiftRec uses the centred space).
 * Not thread-safe; deterministic: the same events in the same order give the same profile.
 */
public final class InterestProfile {
  private final InterestConfig config;
  private final int dimension;
  private final double shortDecay;
  private final double longDecay;
  private final List<Interest> interests = new ArrayList<>();
  private final List<Migration> migrations = new ArrayList<>();
  private final PageHinkley drift;
  private int observed;
  private int nextId;
  private int lastMigrationAt = -1;
  private int leaderAtDriftStart = -1;

  public InterestProfile(InterestConfig config, int dimension) {
    this.config = config;
    this.dimension = dimension;
    this.shortDecay = Math.pow(0.5, 1 / config.shortHalfLife());
    this.longDecay = Math.pow(0.5, 1 / config.longHalfLife());
    this.drift = new PageHinkley(config.driftTolerance(), config.driftThreshold());
  }

  /**
   * Takes one event into account.
   *
   * @param vector the item's unit vector in this profile's space
   * @param weight feedback weight ({@link Feedback}): positive like, negative dislike, zero no signal
   * @param clock the event's clock (timestamp or position), kept for first and last activity
   * @param item the item's catalogue index, kept among recent members for explanations; -1 for text with no item
   * @param categories the item's categories for labels, or null
   */
  public void observe(float[] vector, double weight, long clock, int item, List<String> categories) {
    observed++;
    for (Interest k : interests) {
      k.shortWeight *= shortDecay;
      k.longWeight *= longDecay;
    }
    int nearest = -1;
    float nearestSim = -2f;
    float fit = 0f;
    double longTotal = totalLong();
    for (int i = 0; i < interests.size(); i++) {
      Interest k = interests.get(i);
      float sim = Vectors.dot(k.centroid, vector);
      if (sim > nearestSim) {
        nearestSim = sim;
        nearest = i;
      }
      if (longTotal > 0) fit += (float) (k.longWeight / longTotal) * sim;
    }
    if (weight > 0) {
      int leaderBefore = leader(false);
      Interest target;
      if (nearest >= 0 && nearestSim >= config.joinSimilarity()) target = interests.get(nearest);
      else if (interests.size() < config.maxInterests()) target = open();
      else target = config.maxInterests() == 1 ? interests.get(0) : makeRoom();
      join(target, vector, weight, clock, item, categories);
      if (longTotal > 0) watchDrift(1 - fit, leaderBefore, target, weight, clock);
    } else if (weight < 0 && nearest >= 0 && nearestSim >= config.joinSimilarity()) {
      Interest k = interests.get(nearest);
      k.longWeight = Math.max(0, k.longWeight + weight);
      k.shortWeight = Math.max(0, k.shortWeight + weight);
    }
  }

  /**
   * Feeds the event's misfit to the detector. The drift under test starts at the detector's minimum: the interest
   * leading the long-term profile then is where the user moves from, and the interest that gathered the most weight
   * since then is where they move to.
   */
  private void watchDrift(double misfit, int leaderBefore, Interest joined, double weight, long clock) {
    long minimumBefore = drift.countAtMinimum;
    boolean alarm = drift.add(misfit);
    if (drift.countAtMinimum != minimumBefore || leaderAtDriftStart < 0) {
      leaderAtDriftStart = leaderBefore;
      for (Interest k : interests) k.driftWeight = 0;
    } else {
      joined.driftWeight += weight;
    }
    if (!alarm) return;
    int to = -1;
    for (int i = 0; i < interests.size(); i++) {
      if (to < 0 || interests.get(i).driftWeight > interests.get(to).driftWeight) to = i;
    }
    int from = leaderAtDriftStart;
    if (from >= 0 && to >= 0 && from != to) {
      Interest x = interests.get(from), y = interests.get(to);
      migrations.add(new Migration(x.id, y.id, clock, observed, drift.excessSinceMinimum(),
          x.topCategories(LABEL_CATEGORIES), y.topCategories(LABEL_CATEGORIES), newestMember(x),
          newestMember(y)));
      lastMigrationAt = observed;
    }
    drift.reset();
    leaderAtDriftStart = -1;
    for (Interest k : interests) k.driftWeight = 0;
  }

  /** The interest's newest member item, or -1 when it holds only text (a search query). */
  private static int newestMember(Interest k) {
    int[] recent = k.recentMembers();
    return recent.length == 0 ? -1 : recent[0];
  }

  private Interest open() {
    Interest k = new Interest(nextId++, dimension);
    interests.add(k);
    return k;
  }

  /**
   * With every slot taken, a new taste still gets an interest of its own: the weakest interest is replaced when it
   * has faded below {@link InterestConfig#fadedShare()}, else the two most similar interests merge. Needs at least
   * two interests.
   */
  private Interest makeRoom() {
    int weakest = 0;
    double total = 0;
    for (int i = 0; i < interests.size(); i++) {
      Interest k = interests.get(i);
      total += k.longWeight + k.shortWeight;
      Interest w = interests.get(weakest);
      if (k.longWeight + k.shortWeight < w.longWeight + w.shortWeight) weakest = i;
    }
    Interest w = interests.get(weakest);
    if (total <= 0 || (w.longWeight + w.shortWeight) / total < config.fadedShare()) {
      Interest fresh = new Interest(nextId++, dimension);
      interests.set(weakest, fresh);
      return fresh;
    }
    int a = -1, b = -1;
    float closest = -2f;
    for (int i = 0; i < interests.size(); i++) {
      for (int j = i + 1; j < interests.size(); j++) {
        float sim = Vectors.dot(interests.get(i).centroid, interests.get(j).centroid);
        if (sim > closest) {
          closest = sim;
          a = i;
          b = j;
        }
      }
    }
    merge(a, b);
    return open();
  }

  /** Folds interest {@code b} into {@code a}, keeping the id of the heavier one. */
  private void merge(int a, int b) {
    Interest x = interests.get(a), y = interests.get(b);
    Interest heavy = x.longWeight >= y.longWeight ? x : y, light = heavy == x ? y : x;
    Interest merged = new Interest(heavy.id, dimension);
    for (Interest k : new Interest[] {light, heavy}) {
      float decay = (float) Math.pow(0.5, (observed - k.sumUpdatedAt) / config.centroidHalfLife());
      Vectors.addScaled(merged.sum, k.sum, decay);
      int[] recent = k.recentMembers();
      for (int m = recent.length - 1; m >= 0; m--) merged.addMember(recent[m], null, 0);
      k.categories.forEach((c, v) -> merged.categories.merge(c, v, Double::sum));
    }
    merged.trimCategories();
    System.arraycopy(merged.sum, 0, merged.centroid, 0, dimension);
    Vectors.normalizeInPlace(merged.centroid);
    merged.sumUpdatedAt = observed;
    merged.longWeight = x.longWeight + y.longWeight;
    merged.shortWeight = x.shortWeight + y.shortWeight;
    merged.firstClock = Math.min(x.firstClock, y.firstClock);
    merged.lastClock = Math.max(x.lastClock, y.lastClock);
    merged.events = x.events + y.events;
    merged.driftWeight = x.driftWeight + y.driftWeight;
    interests.set(a, merged);
    interests.remove(b);
    if (leaderAtDriftStart == b) leaderAtDriftStart = a;
    else if (leaderAtDriftStart > b) leaderAtDriftStart--;
  }

  private void join(Interest k, float[] vector, double weight, long clock, int item, List<String> categories) {
    if (k.events > 0) {
      float decay = (float) Math.pow(0.5, (observed - k.sumUpdatedAt) / config.centroidHalfLife());
      for (int j = 0; j < dimension; j++) k.sum[j] *= decay;
    } else {
      k.firstClock = clock;
    }
    Vectors.addScaled(k.sum, vector, (float) weight);
    System.arraycopy(k.sum, 0, k.centroid, 0, dimension);
    Vectors.normalizeInPlace(k.centroid);
    k.sumUpdatedAt = observed;
    k.longWeight += weight;
    k.shortWeight += weight;
    k.lastClock = Math.max(k.lastClock, clock);
    k.events++;
    k.addMember(item, categories, weight);
  }

  /** Index of the interest with the largest short-term (or long-term) weight; -1 when there is none. */
  private int leader(boolean shortTerm) {
    int best = -1;
    double bestWeight = 0;
    for (int i = 0; i < interests.size(); i++) {
      Interest k = interests.get(i);
      double w = shortTerm ? k.shortWeight : k.longWeight;
      if (w > bestWeight) {
        bestWeight = w;
        best = i;
      }
    }
    return best;
  }

  private double totalLong() {
    double t = 0;
    for (Interest k : interests) t += k.longWeight;
    return t;
  }

  /** The short-term share of the mixture now: higher right after a migration, relaxing back to rest. */
  public double shortShare() {
    if (lastMigrationAt < 0) return config.shortShare();
    double since = observed - lastMigrationAt;
    return config.shortShare() + config.migrationBoost() * Math.pow(0.5, since / config.shortHalfLife());
  }

  /**
   * Writes each interest's share of the user's attention into {@code out} (in {@link #interests()} order; sums to 1
   * unless the profile holds no positive weight): a blend of the long- and short-term shares.
   */
  public void mixture(double[] out) {
    double beta = shortShare();
    double longTotal = 0, shortTotal = 0;
    for (Interest k : interests) {
      longTotal += k.longWeight;
      shortTotal += k.shortWeight;
    }
    if (shortTotal <= 0) beta = 0;
    if (longTotal <= 0) beta = shortTotal > 0 ? 1 : 0;
    for (int i = 0; i < interests.size(); i++) {
      Interest k = interests.get(i);
      double l = longTotal > 0 ? k.longWeight / longTotal : 0;
      double s = shortTotal > 0 ? k.shortWeight / shortTotal : 0;
      out[i] = (1 - beta) * l + beta * s;
    }
  }

  public List<Interest> interests() {
    return Collections.unmodifiableList(interests);
  }

  public List<Migration> migrations() {
    return Collections.unmodifiableList(migrations);
  }

  public int observed() {
    return observed;
  }

  public int dimension() {
    return dimension;
  }

  public InterestConfig config() {
    return config;
  }

  public boolean isEmpty() {
    return interests.isEmpty();
  }

  /** The profile's whole state, for storing between events; {@link #fromBytes} restores it exactly. */
  public byte[] toBytes() {
    ArtifactCodec.Writer out = new ArtifactCodec.Writer(FORMAT).writeInt(dimension).writeInt(observed)
        .writeInt(nextId).writeInt(lastMigrationAt).writeInt(leaderAtDriftStart).writeLong(drift.count)
        .writeDouble(drift.mean).writeDouble(drift.cumulative).writeDouble(drift.minimum)
        .writeLong(drift.countAtMinimum).writeInt(interests.size());
    for (Interest k : interests) {
      out.writeInt(k.id).writeFloats(k.sum).writeFloats(k.centroid).writeInt(k.sumUpdatedAt)
          .writeDouble(k.longWeight).writeDouble(k.shortWeight).writeLong(k.firstClock).writeLong(k.lastClock)
          .writeInt(k.events).writeDouble(k.driftWeight).writeInt(k.memberCount).writeInts(k.members)
          .writeInt(k.categories.size());
      for (var e : k.categories.entrySet()) out.writeString(e.getKey()).writeDouble(e.getValue());
    }
    out.writeInt(migrations.size());
    for (Migration m : migrations) {
      out.writeInt(m.from()).writeInt(m.to()).writeLong(m.clock()).writeInt(m.eventIndex()).writeDouble(m.strength())
          .writeInt(m.fromCategories().size()).writeStrings(m.fromCategories().toArray(new String[0]))
          .writeInt(m.toCategories().size()).writeStrings(m.toCategories().toArray(new String[0]))
          .writeInt(m.fromExample()).writeInt(m.toExample());
    }
    return out.toBytes();
  }

  private static final int FORMAT = 1;
  /** Categories recorded per side of a migration. */
  static final int LABEL_CATEGORIES = 3;

  /** Restores a profile written by {@link #toBytes()} under the same configuration. */
  public static InterestProfile fromBytes(InterestConfig config, byte[] data) {
    ArtifactCodec.Reader in = new ArtifactCodec.Reader(data, "interest profile", FORMAT, FORMAT, "");
    InterestProfile p = new InterestProfile(config, in.readCount("dimensions"));
    p.observed = in.readInt();
    p.nextId = in.readInt();
    p.lastMigrationAt = in.readInt();
    p.leaderAtDriftStart = in.readInt();
    p.drift.count = in.readLong();
    p.drift.mean = in.readDouble();
    p.drift.cumulative = in.readDouble();
    p.drift.minimum = in.readDouble();
    p.drift.countAtMinimum = in.readLong();
    int n = in.readCount("interests");
    for (int i = 0; i < n; i++) {
      Interest k = new Interest(in.readInt(), p.dimension);
      System.arraycopy(in.readFloats(p.dimension), 0, k.sum, 0, p.dimension);
      System.arraycopy(in.readFloats(p.dimension), 0, k.centroid, 0, p.dimension);
      k.sumUpdatedAt = in.readInt();
      k.longWeight = in.readDouble();
      k.shortWeight = in.readDouble();
      k.firstClock = in.readLong();
      k.lastClock = in.readLong();
      k.events = in.readInt();
      k.driftWeight = in.readDouble();
      k.memberCount = in.readInt();
      System.arraycopy(in.readInts(Interest.MEMBERS), 0, k.members, 0, Interest.MEMBERS);
      int c = in.readCount("categories");
      for (int j = 0; j < c; j++) k.categories.put(in.readString(), in.readDouble());
      p.interests.add(k);
    }
    int m = in.readCount("migrations");
    for (int i = 0; i < m; i++) {
      p.migrations.add(new Migration(in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readDouble(),
          List.of(in.readStrings(in.readCount("categories"))), List.of(in.readStrings(in.readCount("categories"))),
          in.readInt(), in.readInt()));
    }
    in.end();
    return p;
  }
}
