package io.shiftrec.eval;

import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The evaluation protocols of CONTRACT.md: {@code loo}, {@code temporal}, {@code cdsr-sampled}, {@code cdsr-full},
 * {@code cold-target} and {@code cold-item}. Each turns a dataset into a {@link Split}; every random choice (negative
 * samples, held-out users and items, directions) comes from the seed through a hash of the user or item id, so it does
 * not depend on the order of the data or on what else is drawn.
 *
 * <p>Common rules. Only events with a catalogue item count. A user's interactions with the same item collapse to its
 * first occurrence (clock of the first event, weight = largest feedback weight), so every target is an item new to
 * the user and can be ranked. Equal clocks keep the dataset's order (the store's arrival order).
 */
public final class Protocols {
  private Protocols() {}

  public static final String LOO = "loo";
  public static final String TEMPORAL = "temporal";
  public static final String CDSR_SAMPLED = "cdsr-sampled";
  public static final String CDSR_FULL = "cdsr-full";
  public static final String COLD_TARGET = "cold-target";
  public static final String COLD_ITEM = "cold-item";
  /** Share of events (by time) before the temporal cut. */
  public static final double DEFAULT_TEMPORAL_CUT = 0.8;
  /** Users need this many distinct items for leave-one-out (train ≥ 1, validation, test). */
  public static final int LOO_MIN_ITEMS = 3;
  /** Negatives per target of {@code cdsr-sampled} (C2DSR, LLMCDSR: 999, so 1,000 candidates). */
  public static final int SAMPLED_NEGATIVES = 999;
  /** Held-out share of the cold protocols when none is given. */
  public static final double DEFAULT_COLD_SHARE = 0.2;

  private static final String VALID = "valid";
  private static final String TEST = "test";
  private static final long SALT_NEGATIVES = 0x6e656761746976L;
  private static final long SALT_COLD_USERS = 0x636f6c6475736572L;
  private static final long SALT_DIRECTION = 0x646972656374L;
  private static final long SALT_COLD_ITEMS = 0x636f6c646974656dL;

  public static List<String> implemented() {
    return List.of(LOO, TEMPORAL, CDSR_SAMPLED, CDSR_FULL, COLD_TARGET, COLD_ITEM);
  }

  public static List<String> contracted() {
    return List.of(LOO, TEMPORAL, CDSR_SAMPLED, CDSR_FULL, COLD_TARGET, COLD_ITEM);
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
        + String.join(", ", contracted()) + ")");
  }

  /** Throws IllegalArgumentException unless {@code share} is a held-out share in (0, 1). */
  public static double checkColdShare(double share) {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException("cold share must be in (0, 1), got " + share);
    }
    return share;
  }

  /** The split of a protocol with default settings for everything but the seed and the temporal cut. */
  public static Split split(String protocol, Dataset dataset, long seed, double temporalCut) {
    return split(protocol, dataset, seed, temporalCut, DEFAULT_COLD_SHARE, null);
  }

  /** The split the options ask for. */
  public static Split split(Dataset dataset, EvaluateOptions o) {
    return split(o.protocol(), dataset, o.seed(), o.temporalCut(), o.coldShare(), o.coldTargetDomain());
  }

  /**
   * @param coldShare held-out share of {@code cold-target} (overlapping users) and {@code cold-item} (items)
   * @param coldTargetDomain the domain {@code cold-target} hides, or null for every direction
   */
  public static Split split(String protocol, Dataset dataset, long seed, double temporalCut, double coldShare,
                            String coldTargetDomain) {
    String p = check(protocol);
    EventTable table = EventTable.of(dataset);
    Split split = switch (p) {
      case LOO -> leaveOneOut(table);
      case TEMPORAL -> temporal(table, temporalCut);
      case CDSR_SAMPLED -> cdsr(table, true, SAMPLED_NEGATIVES, seed);
      case CDSR_FULL -> cdsr(table, false, 0, seed);
      case COLD_TARGET -> coldTarget(table, checkColdShare(coldShare), coldTargetDomain, seed);
      case COLD_ITEM -> coldItem(table, checkColdShare(coldShare), seed);
      default -> throw new AssertionError(protocol);
    };
    // what users told about themselves is no target: models may read it (the learned ranker reads their group)
    Map<String, Map<String, Object>> attributes = new HashMap<>();
    for (io.shiftrec.core.User u : dataset.users()) if (!u.attributes().isEmpty()) attributes.put(u.id(), u.attributes());
    return attributes.isEmpty() ? split : split.withUserAttributes(attributes::get);
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

  /**
   * The cross-domain sequential protocol of C2DSR (Cao et al., CIKM 2022) and LLMCDSR (Xin et al., TOIS 2025), for
   * datasets whose users carry a split (train / valid / test), as their Amazon Food–Kitchen release does.
   * <ul>
   *   <li>Test users = users with split {@code test} and at least one event; their target is their last item (the
   *       last line entry in the papers' test files), ranked after the history before it. Validation users
   *       ({@code valid}) are the same for {@link Split#validation()}. Users without a split, or {@code train}, are
   *       training users only.</li>
   *   <li>Training data = every item of the training users, and every item but the target of the valid and test
   *       users: the papers' sequence models read an evaluation user's history only as input at prediction time, but
   *       the models here take a user's history from the training data, so it has to be there. The targets are the
   *       only held-out interactions; the test and the validation task share this training data.</li>
   *   <li>{@code cdsr-sampled}: the target is ranked against {@code negatives} (999) items drawn uniformly without
   *       replacement from the target's domain, the target excepted (LLMCDSR {@code evaluation.py}
   *       {@code Evaluator._generate_neg}; C2DSR {@code loader.py} {@code preprocess_for_predict} draws with
   *       replacement). Like both, the draw ignores the user's history, and a drawn history item stays a candidate.
   *       A domain with fewer than {@code negatives + 1} items gives all its other items. The draw of each user comes
   *       from the seed and the user's id.</li>
   *   <li>{@code cdsr-full}: the target is ranked against every item of its domain that the user has no training
   *       interaction with.</li>
   * </ul>
   * Metrics per target domain are the {@code domain:X} segments (the domain of the target).
   */
  static Split cdsr(EventTable t, boolean sampled, int negatives, long seed) {
    String name = sampled ? CDSR_SAMPLED : CDSR_FULL;
    boolean anySplit = false;
    for (String s : t.userSplit) anySplit |= VALID.equals(s) || TEST.equals(s);
    if (!anySplit) {
      throw new IllegalArgumentException("protocol " + name + " needs users that carry a split (test, and valid for "
          + "validation); no user with events in this dataset has one (generic format: \"split\" in users.jsonl)");
    }
    TrainingData all = build(t, Long.MAX_VALUE);
    int nu = all.numUsers();
    int[] off = all.offsets(), items = all.historyItems();
    float[] w = all.historyWeights();
    long[] c = all.historyClocks();
    TrainingData.Builder fit = TrainingData.builder(t.catalog, t.userIds);
    int[] testUsers = new int[nu], testTargets = new int[nu], validUsers = new int[nu], validTargets = new int[nu];
    int nt = 0, nv = 0;
    for (int u = 0; u < nu; u++) {
      boolean test = TEST.equals(t.userSplit[u]), valid = VALID.equals(t.userSplit[u]);
      boolean held = (test || valid) && off[u + 1] > off[u];
      int end = held ? off[u + 1] - 1 : off[u + 1];
      for (int p = off[u]; p < end; p++) fit.add(u, items[p], w[p], c[p]);
      if (held && test) {
        testUsers[nt] = u;
        testTargets[nt++] = items[end];
      } else if (held) {
        validUsers[nv] = u;
        validTargets[nv++] = items[end];
      }
    }
    if (nt == 0) {
      throw new IllegalArgumentException("protocol " + name + " needs users with split test; this dataset has "
          + (nv > 0 ? "only valid ones" : "none"));
    }
    TrainingData train = fit.build();
    Split validation = nv == 0 ? null
        : cdsrSplit(name, VALID, train, validUsers, validTargets, nv, sampled, negatives, seed, null);
    return cdsrSplit(name, TEST, train, testUsers, testTargets, nt, sampled, negatives, seed, validation);
  }

  private static Split cdsrSplit(String name, String role, TrainingData train, int[] userBuf, int[] targetBuf, int n,
                                 boolean sampled, int negatives, long seed, Split validation) {
    int[] users = Arrays.copyOf(userBuf, n), targets = Arrays.copyOf(targetBuf, n);
    int[] offsets = new int[n + 1];
    for (int i = 0; i <= n; i++) offsets[i] = i;
    int[] dom = train.itemDomains();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("target", "last item of each " + role + " user");
    Split.Candidates candidates;
    if (sampled) {
      int[][] pools = itemsByDomain(dom, train.domainNames().length);
      long size = 0;
      for (int i = 0; i < n; i++) size += Math.min(negatives, pools[dom[targets[i]]].length - 1) + 1;
      if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many sampled candidates: " + size);
      int[] list = new int[(int) size];
      int[] listOffsets = new int[n + 1];
      boolean[] drawn = new boolean[train.numItems()];
      int pos = 0;
      for (int i = 0; i < n; i++) {
        int target = targets[i];
        int[] pool = pools[dom[target]];
        int start = pos;
        if (pool.length - 1 <= negatives) {
          for (int item : pool) if (item != target) list[pos++] = item;
        } else {
          SplittableRandom rnd = new SplittableRandom(mix(seed, train.userId(users[i]), SALT_NEGATIVES));
          for (int got = 0; got < negatives; ) {
            int item = pool[rnd.nextInt(pool.length)];
            if (item == target || drawn[item]) continue;
            drawn[item] = true;
            list[pos++] = item;
            got++;
          }
          for (int q = start; q < pos; q++) drawn[list[q]] = false;
        }
        list[pos++] = target;
        Arrays.sort(list, start, pos);
        listOffsets[i + 1] = pos;
      }
      info.put("negatives", negatives);
      candidates = new Split.Candidates(null, listOffsets, list, "the target and " + negatives + " items drawn "
          + "uniformly without replacement from the target's domain, the target excepted (as C2DSR and LLMCDSR, the "
          + "draw ignores the user's history; a drawn history item stays a candidate); seeded per user");
    } else {
      int[] domain = new int[n];
      for (int i = 0; i < n; i++) domain[i] = dom[targets[i]];
      candidates = new Split.Candidates(domain, null, null,
          "every item of the target's domain without a training interaction of the user");
    }
    return new Split(name, train, users, offsets, targets, validation, candidates, info);
  }

  /**
   * Cold start in a target domain (the setting of EMCDR, Man et al., IJCAI 2017, and PTUPCDR, Zhu et al., WSDM 2022,
   * whose test users are a share β ∈ {20%, 50%, 80%} of the overlapping users). Overlapping users = users with items
   * in at least two domains (with {@code targetDomain}: in that domain and another). A seeded share of them, the
   * held-out users, lose every item of their target domain from training; those items, in clock order, are their
   * targets, ranked against every item of the target domain (they have none in training). Everyone else keeps all
   * their items, so the remaining overlapping users are the bridge between the domains.
   * <ul>
   *   <li>Which users: overlapping users ordered by a hash of the seed and their id; the first
   *       {@code round(share × overlapping)} are held out, so a larger share holds out a superset.</li>
   *   <li>Target domain: {@code targetDomain} when given; else every direction: each held-out user's target domain
   *       is one of their domains, drawn with the seed and their id, and the {@code domain:X} segments report each
   *       direction (source = the user's other domains).</li>
   * </ul>
   * User splits are ignored. No validation task.
   */
  static Split coldTarget(EventTable t, double share, String targetDomain, long seed) {
    TrainingData all = build(t, Long.MAX_VALUE);
    String[] names = all.domainNames();
    int nd = names.length;
    int[] dom = all.itemDomains();
    int[] off = all.offsets(), items = all.historyItems();
    float[] w = all.historyWeights();
    long[] c = all.historyClocks();
    int[] domainEvents = new int[nd];
    for (int item : items) domainEvents[dom[item]]++;
    List<String> active = new ArrayList<>();
    for (int d = 0; d < nd; d++) if (domainEvents[d] > 0) active.add(names[d]);
    if (active.size() < 2) {
      throw new IllegalArgumentException("protocol cold-target needs events in at least two item domains; this "
          + "dataset has " + (active.isEmpty() ? "none" : "only '" + active.get(0) + "'"));
    }
    int fixed = -1;
    if (targetDomain != null) {
      for (int d = 0; d < nd; d++) if (names[d].equals(targetDomain) && domainEvents[d] > 0) fixed = d;
      if (fixed < 0) {
        throw new IllegalArgumentException("cold-target domain '" + targetDomain + "' has no events (domains: "
            + String.join(", ", active) + ")");
      }
    }
    int nu = all.numUsers();
    int[] overlapping = new int[nu];
    int no = 0;
    boolean[] has = new boolean[nd];
    for (int u = 0; u < nu; u++) {
      int distinct = 0;
      for (int p = off[u]; p < off[u + 1]; p++) {
        if (!has[dom[items[p]]]) {
          has[dom[items[p]]] = true;
          distinct++;
        }
      }
      if (distinct >= 2 && (fixed < 0 || has[fixed])) overlapping[no++] = u;
      Arrays.fill(has, false);
    }
    if (no == 0) {
      throw new IllegalArgumentException("protocol cold-target needs users with events in two domains"
          + (fixed >= 0 ? " (one of them '" + names[fixed] + "')" : "") + "; this dataset has none");
    }
    long[] keys = new long[no];
    for (int i = 0; i < no; i++) keys[i] = mix(seed, t.userIds[overlapping[i]], SALT_COLD_USERS);
    int[] order = orderByKey(keys);
    int held = (int) Math.round(share * no);
    if (held == 0) {
      throw new IllegalArgumentException("cold share " + share + " of " + no + " overlapping users holds out nobody");
    }
    int[] targetOf = new int[nu];
    Arrays.fill(targetOf, -1);
    int[] perDomain = new int[nd];
    int[] present = new int[nd];
    for (int r = 0; r < held; r++) {
      int u = overlapping[order[r]];
      int target = fixed;
      if (target < 0) {
        int np = 0;
        for (int p = off[u]; p < off[u + 1]; p++) has[dom[items[p]]] = true;
        for (int d = 0; d < nd; d++) if (has[d]) present[np++] = d;
        Arrays.fill(has, false);
        target = present[new SplittableRandom(mix(seed, t.userIds[u], SALT_DIRECTION)).nextInt(np)];
      }
      targetOf[u] = target;
      perDomain[target]++;
    }
    TrainingData.Builder fit = TrainingData.builder(t.catalog, t.userIds);
    int[] testUsers = new int[held], offsets = new int[held + 1], domain = new int[held];
    int[] targets = new int[items.length];
    int nt = 0, ntg = 0;
    for (int u = 0; u < nu; u++) {
      for (int p = off[u]; p < off[u + 1]; p++) {
        if (targetOf[u] >= 0 && dom[items[p]] == targetOf[u]) targets[ntg++] = items[p];
        else fit.add(u, items[p], w[p], c[p]);
      }
      if (targetOf[u] >= 0) {
        testUsers[nt] = u;
        domain[nt] = targetOf[u];
        offsets[++nt] = ntg;
      }
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("cold_share", share);
    info.put("target_domain", fixed >= 0 ? names[fixed] : "every direction: one domain per held-out user, drawn");
    info.put("overlapping_users", no);
    info.put("held_out_users", held);
    for (int d = 0; d < nd; d++) if (perDomain[d] > 0) info.put("held_out_users:" + names[d], perDomain[d]);
    Split.Candidates candidates = new Split.Candidates(domain, null, null, "every item of the target domain (the "
        + "held-out user has none in training)");
    return new Split(COLD_TARGET, fit.build(), testUsers, offsets, Arrays.copyOf(targets, ntg), null, candidates,
        info);
  }

  /**
   * Cold items: a seeded share of the items with events (ordered by a hash of the seed and the item id; the first
   * {@code round(share × items with events)}) lose every event in training, for every user. Test users = users with
   * at least one held-out item and at least one training item (a profile to start from); their targets are their
   * held-out items in clock order, ranked over the full catalogue less their training items, so a cold item has to
   * beat every warm item too. Popularity and collaborative models cannot score a cold item (it has no training
   * users); only content can. No validation task.
   */
  static Split coldItem(EventTable t, double share, long seed) {
    TrainingData all = build(t, Long.MAX_VALUE);
    int ni = all.numItems();
    int[] pop = all.popularity();
    int[] withEvents = new int[ni];
    int m = 0;
    for (int i = 0; i < ni; i++) if (pop[i] > 0) withEvents[m++] = i;
    if (m == 0) throw new IllegalArgumentException("protocol cold-item needs events on catalogue items; none here");
    long[] keys = new long[m];
    for (int j = 0; j < m; j++) keys[j] = mix(seed, t.catalog.item(withEvents[j]).id(), SALT_COLD_ITEMS);
    int[] order = orderByKey(keys);
    int held = (int) Math.round(share * m);
    if (held == 0) {
      throw new IllegalArgumentException("cold share " + share + " of " + m + " items with events holds out none");
    }
    boolean[] cold = new boolean[ni];
    for (int r = 0; r < held; r++) cold[withEvents[order[r]]] = true;
    int nu = all.numUsers();
    int[] off = all.offsets(), items = all.historyItems();
    float[] w = all.historyWeights();
    long[] c = all.historyClocks();
    TrainingData.Builder fit = TrainingData.builder(t.catalog, t.userIds);
    int[] testUsers = new int[nu], offsets = new int[nu + 1];
    int[] targets = new int[items.length];
    int nt = 0, ntg = 0, noProfile = 0;
    for (int u = 0; u < nu; u++) {
      int first = ntg, warm = 0;
      for (int p = off[u]; p < off[u + 1]; p++) {
        if (cold[items[p]]) {
          targets[ntg++] = items[p];
        } else {
          fit.add(u, items[p], w[p], c[p]);
          warm++;
        }
      }
      if (ntg > first && warm == 0) {
        ntg = first; // nothing to start from: not evaluated
        noProfile++;
      } else if (ntg > first) {
        testUsers[nt++] = u;
        offsets[nt] = ntg;
      }
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("cold_share", share);
    info.put("items_with_events", m);
    info.put("held_out_items", held);
    info.put("users_without_training_items", noProfile);
    return new Split(COLD_ITEM, fit.build(), Arrays.copyOf(testUsers, nt), Arrays.copyOf(offsets, nt + 1),
        Arrays.copyOf(targets, ntg), null, null, info);
  }

  /** Item indices per domain index, ascending. */
  private static int[][] itemsByDomain(int[] itemDomain, int domains) {
    int[] count = new int[domains];
    for (int d : itemDomain) count[d]++;
    int[][] out = new int[domains][];
    for (int d = 0; d < domains; d++) out[d] = new int[count[d]];
    Arrays.fill(count, 0);
    for (int i = 0; i < itemDomain.length; i++) out[itemDomain[i]][count[itemDomain[i]]++] = i;
    return out;
  }

  /** Positions 0..n-1 ordered by key, ties by position. Outside any hot path: a boxed sort is fine. */
  private static int[] orderByKey(long[] keys) {
    Integer[] idx = new Integer[keys.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : Integer.compare(a, b));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) out[i] = idx[i];
    return out;
  }

  /** A 64-bit hash of the seed, a salt and an id (FNV-1a over the id's chars, then a MurmurHash3 finaliser). */
  static long mix(long seed, String id, long salt) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= seed * 0x9E3779B97F4A7C15L + salt;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
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
