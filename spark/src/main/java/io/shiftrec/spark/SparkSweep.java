package io.shiftrec.spark;

import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Interactions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * iALS half-steps on a Spark cluster: the rows of the interaction matrix are cut into blocks of about equal numbers of
 * interactions, kept by the executors for the whole training; each half-step broadcasts the fixed side's factors and
 * YᵀY, sends each block its rows' current factors, every executor solves its blocks with
 * {@link ImplicitAls#solveBlock} (the single-process code), and the driver collects the new factors for the other
 * side's half-step. The result is the same bit for bit as training in one process; the driver holds both sides'
 * factors ((users + items) × rank floats) and the matrix it was given.
 */
public final class SparkSweep implements ImplicitAls.Sweep {
  private final JavaSparkContext spark;
  private final int partitions;
  private final Map<Interactions, Kept> blocks = new IdentityHashMap<>();

  /** A matrix's blocks on the executors, and where each starts and ends, on the driver. */
  private record Kept(JavaRDD<Block> blocks, int[] bounds) {}

  /** @param partitions blocks per side of the matrix */
  public SparkSweep(JavaSparkContext spark, int partitions) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    this.spark = spark;
    this.partitions = partitions;
  }

  @Override
  public void solve(Interactions data, float[] rows, float[] cols, ImplicitAls.Config config) {
    int k = config.factors();
    Kept kept = blocks.computeIfAbsent(data, d -> {
      List<Block> cut = cut(d, partitions);
      int[] bounds = new int[cut.size() + 1];
      for (int b = 0; b < cut.size(); b++) bounds[b + 1] = cut.get(b).from() + cut.get(b).rows();
      return new Kept(spark.parallelize(cut, cut.size()).persist(StorageLevel.MEMORY_AND_DISK()), bounds);
    });
    // one slice of rows per block, in the blocks' order: partition p of both holds block p
    int[] bounds = kept.bounds();
    List<float[]> slices = new ArrayList<>(bounds.length - 1);
    for (int b = 0; b + 1 < bounds.length; b++) slices.add(Arrays.copyOfRange(rows, bounds[b] * k, bounds[b + 1] * k));
    JavaRDD<float[]> current = spark.parallelize(slices, slices.size());
    Broadcast<float[]> fixed = spark.broadcast(cols);
    Broadcast<float[]> gram = spark.broadcast(ImplicitAls.sweepGram(cols, data.numItems(), k));
    List<Solved> solved = kept.blocks().zipPartitions(current, (Iterator<Block> block, Iterator<float[]> values) -> {
      List<Solved> out = new ArrayList<>(1);
      while (block.hasNext()) out.add(block.next().solve(values.next(), fixed.value(), gram.value(), config));
      return out.iterator();
    }).collect();
    for (Solved s : solved) System.arraycopy(s.rows(), 0, rows, s.from() * k, s.rows().length);
    fixed.destroy();
    gram.destroy();
  }

  @Override
  public void release(Interactions data) {
    Kept held = blocks.remove(data);
    if (held != null) held.blocks().unpersist(false);
  }

  @Override
  public void close() {
    for (Kept held : blocks.values()) held.blocks().unpersist(false);
    blocks.clear();
  }

  /** The matrix cut into at most {@code parts} blocks of consecutive rows with about equal numbers of interactions. */
  static List<Block> cut(Interactions data, int parts) {
    int n = data.numUsers();
    long perBlock = Math.max(1, ((long) data.size() + parts - 1) / parts);
    List<Block> out = new ArrayList<>();
    int from = 0;
    while (from < n) {
      int to = from + 1;
      if (out.size() == parts - 1) to = n;
      while (to < n && data.offsets()[to] - data.offsets()[from] < perBlock) to++;
      int first = data.offsets()[from], last = data.offsets()[to];
      int[] offsets = new int[to - from + 1];
      for (int r = from; r <= to; r++) offsets[r - from] = data.offsets()[r] - first;
      out.add(new Block(from, data.numItems(), offsets, Arrays.copyOfRange(data.items(), first, last),
          Arrays.copyOfRange(data.weights(), first, last)));
      from = to;
    }
    return out;
  }

  /** Rows {@code from}… of the matrix and their interactions: what one executor keeps for a training. */
  record Block(int from, int numCols, int[] offsets, int[] cols, float[] weights) implements Serializable {
    int rows() {
      return offsets.length - 1;
    }

    /** These rows, whose current factors are {@code values}, solved against the fixed side. */
    Solved solve(float[] values, float[] fixed, float[] gram, ImplicitAls.Config config) {
      float[] solved = values.clone();
      ImplicitAls.solveBlock(new Interactions(rows(), numCols, offsets, cols, weights), 0, rows(), solved, fixed,
          gram, config);
      return new Solved(from, solved);
    }
  }

  /** A block's new factors, on their way to the driver. */
  record Solved(int from, float[] rows) implements Serializable {}
}
