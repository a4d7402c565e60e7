package io.shiftrec.bench;

import io.shiftrec.candidates.AnnIndex;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.TextVectors;
import io.shiftrec.core.TopK;
import io.shiftrec.core.Vectors;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.sequence.SequenceNetwork;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH micro-benchmarks of the serving kernels, on a synthetic catalogue the size of the MovieLens 1M subset (unit
 * vectors of 384 dimensions): dot products, top-k selection, the interests' kernel mixture over every item, one
 * ANN query, and the sequence models' forward pass (their serving cost; the time of a call does not depend on the
 * weights' values, so they are drawn). Run by {@code ./shiftrec bench kernels}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBenchmarks {
  private static final int DIMENSION = 384;

  @Param("3883")
  public int items;

  private Catalog catalog;
  private Catalog.Space space;
  private float[] query;
  private float[] scores;
  private float[] out;
  private InterestProfile profile;
  private AnnIndex index;
  private int[] found;
  private SequenceNetwork sequence;
  private int[] history;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    Catalog.Builder b = Catalog.builder();
    for (int i = 0; i < items; i++) {
      b.add(new Item("i" + i, "bench", "Item " + i, null, List.of(), "en", Map.of()), "m", unit(random));
    }
    catalog = b.build();
    space = catalog.spaces().get("m");
    query = unit(random);
    scores = new float[items];
    for (int i = 0; i < items; i++) scores[i] = (float) random.nextGaussian();
    out = new float[items];
    UserInterests user = new UserInterests(catalog, InterestConfig.defaults());
    for (int e = 0; e < 163; e++) { // the MovieLens 1M subset's mean history
      user.add(new Event("u", "i" + random.nextInt(items), EventType.RATING, 5, (long) e, null, null, null, Map.of()),
          TextVectors.NONE);
    }
    profile = user.profiles().get("m");
    index = AnnIndex.build(space, AnnIndex.Params.DEFAULT, 42);
    found = new int[100];
    sequence = drawnSequenceNetwork(random, items);
    history = new int[SEQUENCE_LENGTH];
    for (int t = 0; t < history.length; t++) history[t] = random.nextInt(items);
  }

  /** The sequence models' shape on MovieLens-like data: 50 dimensions, two blocks of one head, 200 items read. */
  private static final int SEQUENCE_DIM = 50;
  private static final int SEQUENCE_LENGTH = 200;

  private static SequenceNetwork drawnSequenceNetwork(SplittableRandom random, int items) {
    SequenceNetwork.Block[] blocks = new SequenceNetwork.Block[2];
    int d = SEQUENCE_DIM, dd = SEQUENCE_DIM * SEQUENCE_DIM;
    for (int b = 0; b < blocks.length; b++) {
      blocks[b] = new SequenceNetwork.Block(ones(), drawn(random, d), drawn(random, dd), drawn(random, d),
          drawn(random, dd), drawn(random, d), drawn(random, dd), drawn(random, d), drawn(random, dd),
          drawn(random, d), ones(), drawn(random, d), drawn(random, dd), drawn(random, d), drawn(random, dd),
          drawn(random, d));
    }
    return new SequenceNetwork(SEQUENCE_DIM, 1, SEQUENCE_LENGTH, drawn(random, items * SEQUENCE_DIM),
        drawn(random, items * SEQUENCE_DIM), drawn(random, SEQUENCE_LENGTH * SEQUENCE_DIM), blocks, ones(),
        drawn(random, SEQUENCE_DIM));
  }

  private static float[] drawn(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * 0.1);
    return v;
  }

  private static float[] ones() {
    float[] v = new float[SEQUENCE_DIM];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  private static float[] unit(SplittableRandom random) {
    float[] v = new float[DIMENSION];
    double norm = 0;
    for (int d = 0; d < DIMENSION; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < DIMENSION; d++) v[d] /= (float) Math.sqrt(norm);
    return v;
  }

  /** Cosine of two items, one running sum (how {@code Catalog.similarity} sums). */
  @Benchmark
  public float dotOneSum() {
    return Vectors.dotAt(space.vectors, 0, space.vectors, DIMENSION, DIMENSION);
  }

  /** The same over four partial sums ({@code Vectors.dotUnrolled}, the diversity re-rank's). */
  @Benchmark
  public float dotFourSums() {
    return Vectors.dotUnrolled(space.vectors, 0, space.vectors, DIMENSION, DIMENSION);
  }

  /** The 100 best of every item's score (a retriever's candidates). */
  @Benchmark
  public int[] topHundred() {
    TopK top = new TopK(100);
    for (int i = 0; i < scores.length; i++) top.offer(i, scores[i]);
    return top.drain(null);
  }

  /**
   * The sums under two features of a ranking, by plain loops or by the JDK's Vector API ({@link VectorApiKernel}):
   * eight interests against every item's 384 coordinates, and the next-item rules' three windows against every
   * item's 512 factors.
   */
  @State(Scope.Thread)
  public static class ColumnProducts {
    @Param({"plain", "vector-api"})
    public String kernel;

    @Param({"interests", "rules"})
    public String shape;

    private float[][] columns;
    private int dimension;
    private float[][] queries;
    private float[][] products;

    @Setup
    public void setUp(KernelBenchmarks catalogue) {
      SplittableRandom random = new SplittableRandom(7);
      boolean interests = shape.equals("interests");
      dimension = interests ? DIMENSION : RULES_RANK;
      columns = interests ? catalogue.space.columns() : drawnColumns(random, RULES_RANK, catalogue.items);
      queries = new float[interests ? INTERESTS : RULES_WINDOWS][];
      for (int q = 0; q < queries.length; q++) queries[q] = drawn(random, dimension);
      products = new float[queries.length][catalogue.items];
    }
  }

  /** Interests a user of the MovieLens 1M subset holds in one space, about; the rules' rank and windows. */
  private static final int INTERESTS = 8;
  private static final int RULES_RANK = 512;
  private static final int RULES_WINDOWS = 3;

  private static float[][] drawnColumns(SplittableRandom random, int dimension, int items) {
    float[][] columns = new float[dimension][];
    for (int j = 0; j < dimension; j++) columns[j] = drawn(random, items);
    return columns;
  }

  /** Every query against every item's column-major coordinates: {@link ColumnProducts}. */
  @Benchmark
  public float[][] queriesAgainstEveryItem(ColumnProducts p) {
    if (p.kernel.equals("plain")) {
      VectorApiKernel.plainProducts(p.columns, p.dimension, p.queries, p.queries.length, 0, items, p.products);
    } else {
      VectorApiKernel.products(p.columns, p.dimension, p.queries, p.queries.length, 0, items, p.products);
    }
    return p.products;
  }

  /** The interests' kernel mixture over every item (the ranker's costliest feature). */
  @Benchmark
  public float[] interestsOverCatalogue() {
    ShiftRecModel.scoreSpace(profile, space, ShiftRecModel.DEFAULT_TEMPERATURE, out);
    return out;
  }

  /** The 100 items nearest a vector through the HNSW index. */
  @Benchmark
  public int annQuery() {
    return index.search(query, 100, i -> true, found, null);
  }

  /** The same by scanning every item (similar items' first answer). */
  @Benchmark
  public int[] scanQuery() {
    TopK top = new TopK(100);
    for (int r = 0; r < items; r++) top.offer(r, Vectors.dot(space.vectors, r * DIMENSION, query, DIMENSION));
    return top.drain(null);
  }

  /**
   * One user scored by a sequence model ({@code sasrec}, {@code shiftrec-seq}): the forward pass over their latest
   * 200 items, then every item's score. Sampled, so the report gives the percentiles.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public float[] sequenceModelScoresAUser() {
    sequence.score(sequence.state(history, 0, history.length), out);
    return out;
  }
}
