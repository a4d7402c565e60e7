package io.shiftrec.eval;

import io.shiftrec.core.TrainingData;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One evaluation task: the data models are fit on, the test users (indices of that data) and, per test user, the
 * target items in clock order ({@code targets[targetOffsets[t] .. targetOffsets[t+1]-1]} for the t-th test user).
 * By default the candidates are every catalogue item the user has no training interaction with (full ranking), and
 * targets are never among the training items; {@link Candidates} narrows that (one domain, or a sampled list).
 * {@code validation} is the same shape for tuning (fit on the training part only), or null when the protocol has none.
 *
 * @param candidates null for full ranking over the catalogue
 * @param info protocol parameters and counts worth reporting (shares, negatives, held-out users …), in order
 */
public record Split(String protocol, TrainingData train, int[] testUsers, int[] targetOffsets, int[] targets,
                    Split validation, Candidates candidates, Map<String, Object> info) {
  public Split {
    info = info == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(info));
  }

  /** A full-ranking split. */
  public Split(String protocol, TrainingData train, int[] testUsers, int[] targetOffsets, int[] targets,
               Split validation) {
    this(protocol, train, testUsers, targetOffsets, targets, validation, null, null);
  }

  /** This split, its validation split too, with the training users' attributes looked up by id. */
  public Split withUserAttributes(java.util.function.Function<String, Map<String, Object>> byId) {
    return new Split(protocol, train.withUserAttributes(byId), testUsers, targetOffsets, targets,
        validation == null ? null : validation.withUserAttributes(byId), candidates, info);
  }

  public int numTestUsers() {
    return testUsers.length;
  }

  public int numTargets(int t) {
    return targetOffsets[t + 1] - targetOffsets[t];
  }

  /**
   * This split with at most {@code max} of its test users, drawn without replacement for the seed and kept in their
   * order (a full-ranking split only); this split itself when it has no more.
   */
  public Split sampleUsers(int max, long seed) {
    if (max < 1) throw new IllegalArgumentException("max must be positive, got " + max);
    if (candidates != null) throw new IllegalArgumentException("only a full-ranking split samples its users");
    int n = testUsers.length;
    if (n <= max) return this;
    int[] order = new int[n];
    for (int t = 0; t < n; t++) order[t] = t;
    SplittableRandom random = new SplittableRandom(seed);
    for (int t = 0; t < max; t++) {
      int j = t + random.nextInt(n - t);
      int swap = order[t];
      order[t] = order[j];
      order[j] = swap;
    }
    int[] kept = Arrays.copyOf(order, max);
    Arrays.sort(kept);
    int[] users = new int[max], offsets = new int[max + 1];
    int total = 0;
    for (int t : kept) total += numTargets(t);
    int[] kTargets = new int[total];
    for (int i = 0; i < max; i++) {
      int t = kept[i];
      users[i] = testUsers[t];
      System.arraycopy(targets, targetOffsets[t], kTargets, offsets[i], numTargets(t));
      offsets[i + 1] = offsets[i] + numTargets(t);
    }
    Map<String, Object> sampled = new LinkedHashMap<>(info);
    sampled.put("test users sampled", max + " of " + n);
    return new Split(protocol, train, users, offsets, kTargets, validation, null, sampled);
  }

  /** How the targets are ranked, in words (for the report). */
  public String ranking() {
    return candidates == null ? Candidates.FULL : candidates.description();
  }

  /**
   * The candidates a test user's targets are ranked against, when not the full catalogue.
   *
   * @param domain per test user, the domain index ({@link TrainingData#domainNames()}) candidates are restricted to,
   *     or -1 for any; null = no domain restriction. The user's training items stay excluded.
   * @param listOffsets with {@code list}: per test user an explicit candidate list (targets included),
   *     {@code list[listOffsets[t] .. listOffsets[t+1]-1]}, ascending item indices. Exactly these items are
   *     candidates, training items of the user included (the sampled protocols of C2DSR and LLMCDSR draw negatives
   *     without looking at the history). Null = no list.
   * @param description what the candidates are, for the report
   */
  public record Candidates(int[] domain, int[] listOffsets, int[] list, String description) {
    static final String FULL = "full ranking over every catalogue item without a training interaction of the user";

    public Candidates {
      if ((listOffsets == null) != (list == null)) {
        throw new IllegalArgumentException("listOffsets and list go together");
      }
    }

    boolean hasList() {
      return list != null;
    }

    /** The domain restriction of test user t, or -1. */
    int domainOf(int t) {
      return domain == null ? -1 : domain[t];
    }
  }
}
