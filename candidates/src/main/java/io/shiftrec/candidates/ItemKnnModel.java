package io.shiftrec.candidates;

import io.shiftrec.core.TopK;
import io.shiftrec.core.TrainingData;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Item-based k-nearest neighbours (Sarwar et al., WWW 2001; Deshpande &amp; Karypis, TOIS 2004) over the binary
 * user-item matrix: sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i|·|U_j|), each item keeps its {@code neighbours} most similar
 * items (ties: lower index), and a user's score for j is the sum of sim(i, j) over the items i of their history
 * that have j among their neighbours. Every interaction counts, whatever the feedback (implicit-feedback setting).
 * {@link #recent} sums over the user's last few items only: what the user is doing now, not their whole past.
 */
public final class ItemKnnModel implements RecentItemsModel {
  public static final String NAME = "itemknn";
  public static final int DEFAULT_NEIGHBOURS = 100;
  public static final String RECENT = "itemknn-recent";
  /** The window of {@link #RECENT}, chosen with the learned ranker on validation targets (docs/DESIGN.md). */
  public static final int DEFAULT_RECENT_ITEMS = 5;

  private final String name;
  private final int maxNeighbours;
  private final int lastItems;
  private TrainingData train;
  private ItemGraph neighbours;

  public ItemKnnModel(int neighbours) {
    this(NAME, neighbours, Integer.MAX_VALUE);
  }

  private ItemKnnModel(String name, int neighbours, int lastItems) {
    if (neighbours < 1 || lastItems < 1) {
      throw new IllegalArgumentException("neighbours and last items must be positive, got " + neighbours + ", "
          + lastItems);
    }
    this.name = name;
    this.maxNeighbours = neighbours;
    this.lastItems = lastItems;
  }

  /** Scores from the user's {@code lastItems} most recent training items only. */
  public static ItemKnnModel recent(int neighbours, int lastItems) {
    return new ItemKnnModel(RECENT, neighbours, lastItems);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    this.train = train;
    int ni = train.numItems();
    int[] offsets = train.offsets(), items = train.historyItems();
    ItemOccurrences occurrences = ItemOccurrences.of(train);
    int[] itemStart = occurrences.start(), positions = occurrences.positions(), userOf = occurrences.users();
    int[][] nbrI = new int[ni][];
    float[][] nbrS = new float[ni][];
    ThreadLocal<int[]> counts = ThreadLocal.withInitial(() -> new int[ni]);
    ThreadLocal<int[]> touched = ThreadLocal.withInitial(() -> new int[ni]);
    IntStream.range(0, ni).parallel().forEach(i -> {
      int ui = itemStart[i + 1] - itemStart[i];
      if (ui == 0) {
        nbrI[i] = new int[0];
        nbrS[i] = new float[0];
        return;
      }
      int[] co = counts.get();
      int[] seen = touched.get();
      int nt = 0;
      for (int q = itemStart[i]; q < itemStart[i + 1]; q++) {
        int u = userOf[positions[q]];
        for (int p = offsets[u]; p < offsets[u + 1]; p++) {
          int j = items[p];
          if (j == i) continue;
          if (co[j]++ == 0) seen[nt++] = j;
        }
      }
      TopK top = new TopK(maxNeighbours);
      for (int t = 0; t < nt; t++) {
        int j = seen[t];
        int uj = itemStart[j + 1] - itemStart[j];
        top.offer(j, (float) (co[j] / Math.sqrt((double) ui * uj)));
        co[j] = 0;
      }
      float[] s = new float[Math.min(maxNeighbours, nt)];
      nbrI[i] = top.drain(s);
      nbrS[i] = s;
    });
    neighbours = ItemGraph.of(nbrI, nbrS);
  }

  @Override
  public void score(int user, float[] scoresOut) {
    Arrays.fill(scoresOut, 0f);
    int[] offsets = train.offsets(), items = train.historyItems();
    for (int p = Math.max(offsets[user], offsets[user + 1] - lastItems); p < offsets[user + 1]; p++) {
      neighbours.addEdges(items[p], 1f, scoresOut);
    }
  }

  /** How many of the user's latest items score; {@link Integer#MAX_VALUE} for the whole history. */
  @Override
  public int lastItems() {
    return lastItems;
  }

  @Override
  public ItemKnnModel readingLast(int lastItems) {
    if (neighbours == null) throw new IllegalStateException(name + " is not fitted");
    ItemKnnModel view = new ItemKnnModel(RecentItemsModel.windowName(name, lastItems), maxNeighbours, lastItems);
    view.train = train;
    view.neighbours = neighbours;
    return view;
  }

  /** Neighbour lists of the fitted model, each item's most similar first, weighted by similarity. */
  public ItemGraph neighbours() {
    return neighbours;
  }

  /** The neighbours of an item, most similar first (for tests and explanations). */
  public int[] neighboursOf(int item) {
    return Arrays.copyOfRange(neighbours.items(), neighbours.offsets()[item], neighbours.offsets()[item + 1]);
  }

  public float[] similaritiesOf(int item) {
    return Arrays.copyOfRange(neighbours.weights(), neighbours.offsets()[item], neighbours.offsets()[item + 1]);
  }
}
