package io.shiftrec.candidates;

import io.shiftrec.core.Parameters;
import java.util.List;
import io.shiftrec.core.TopK;
import io.shiftrec.core.TrainingData;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * What other users chose next: sequential rules (Ludewig &amp; Jannach, "Evaluation of session-based
 * recommendation algorithms", UMUAI 2018). For every training sequence, an item j that follows an item i within
 * {@code window} steps adds 1/k to the rule i → j (k = the steps between them), so an immediate successor counts
 * most; each item keeps its {@code neighbours} strongest rules. A user's score for j sums the rules from their
 * {@code lastItems} latest items to j, the r-th latest weighted 1/r. Unlike ItemKNN the rules have a direction:
 * a coffee grinder that people buy after a coffee maker does not make the coffee maker a next item.
 */
public final class NextItemModel implements RecentItemsModel {
  public static final String NAME = "next-item";

  /** Window, history read and rules kept, chosen on the validation targets (docs/DESIGN.md, "Learned ranker"). */
  public record Config(int window, int lastItems, int neighbours) {
    public Config {
      if (window < 1 || lastItems < 1 || neighbours < 1) {
        throw new IllegalArgumentException("window, recent and neighbours of " + NAME + " must be positive, got "
            + window + ", " + lastItems + ", " + neighbours);
      }
    }

    public static Config defaults() {
      return new Config(5, 5, 100);
    }

    public Config withLastItems(int lastItems) {
      return new Config(window, lastItems, neighbours);
    }

    /** This config with one hyperparameter set from text, e.g. {@code with("window", "2")}. */
    public Config with(String key, String value) {
      return switch (key) {
        case "window" -> new Config(Parameters.integer(key + " of " + NAME, value), lastItems, neighbours);
        case "recent" -> new Config(window, Parameters.integer(key + " of " + NAME, value), neighbours);
        case "neighbours" -> new Config(window, lastItems, Parameters.integer(key + " of " + NAME, value));
        default -> throw Parameters.unknown(NAME, key, List.of("window", "recent", "neighbours"));
      };
    }
  }

  private final String name;
  private final Config config;
  private TrainingData train;
  private ItemGraph rules;

  public NextItemModel(String name, Config config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  public Config config() {
    return config;
  }

  @Override
  public int lastItems() {
    return config.lastItems();
  }

  @Override
  public NextItemModel readingLast(int lastItems) {
    if (rules == null) throw new IllegalStateException(name + " is not fitted");
    NextItemModel view = new NextItemModel(RecentItemsModel.windowName(name, lastItems),
        config.withLastItems(lastItems));
    view.train = train;
    view.rules = rules;
    return view;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    rules = transitions(train, config.window(), config.neighbours());
  }

  /**
   * The rules i → j of the training sequences: every j that follows i within {@code window} steps adds 1/k (k = the
   * steps between them); each item keeps its {@code keep} strongest.
   */
  public static ItemGraph transitions(TrainingData train, int window, int keep) {
    int ni = train.numItems();
    int[] offsets = train.offsets(), items = train.historyItems();
    ItemOccurrences occurrences = ItemOccurrences.of(train);
    int[] itemStart = occurrences.start(), positions = occurrences.positions(), userOf = occurrences.users();
    int[][] rulesTo = new int[ni][];
    float[][] rulesWeight = new float[ni][];
    ThreadLocal<float[]> sums = ThreadLocal.withInitial(() -> new float[ni]);
    ThreadLocal<int[]> touched = ThreadLocal.withInitial(() -> new int[ni]);
    IntStream.range(0, ni).parallel().forEach(i -> {
      float[] sum = sums.get();
      int[] seen = touched.get();
      int nt = 0;
      for (int q = itemStart[i]; q < itemStart[i + 1]; q++) {
        int p = positions[q];
        int end = Math.min(offsets[userOf[p] + 1], p + window + 1);
        for (int next = p + 1; next < end; next++) {
          int j = items[next];
          if (j == i) continue;
          if (sum[j] == 0f) seen[nt++] = j;
          sum[j] += 1f / (next - p);
        }
      }
      TopK top = new TopK(Math.max(1, Math.min(keep, nt)));
      for (int t = 0; t < nt; t++) {
        top.offer(seen[t], sum[seen[t]]);
        sum[seen[t]] = 0f;
      }
      float[] w = new float[Math.min(keep, nt)];
      rulesTo[i] = top.drain(w);
      rulesWeight[i] = w;
    });
    return ItemGraph.of(rulesTo, rulesWeight);
  }

  @Override
  public void score(int user, float[] scoresOut) {
    int[] offsets = train.offsets();
    scoreFrom(rules, train.historyItems(), offsets[user], offsets[user + 1], config.lastItems(), scoresOut);
  }

  /**
   * The score of every item from a history (items {@code from .. to} of {@code history}, oldest first): the rules
   * of the {@code lastItems} latest, the r-th latest weighted 1/r.
   */
  public static void scoreFrom(ItemGraph rules, int[] history, int from, int to, int lastItems, float[] scoresOut) {
    Arrays.fill(scoresOut, 0f);
    int r = 0;
    for (int p = to - 1; p >= from && r < lastItems; p--) rules.addEdges(history[p], 1f / ++r, scoresOut);
  }

  /** The rules of the fitted model: for each item, the items chosen after it, strongest first. */
  public ItemGraph rules() {
    return rules;
  }
}
