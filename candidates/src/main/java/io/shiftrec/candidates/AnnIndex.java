package io.shiftrec.candidates;

import io.shiftrec.core.TopK;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Approximate nearest neighbours over the unit vectors of one {@link Catalog.Space}, by cosine (dot product of unit
 * vectors): a hierarchical graph index from <a href="https://github.com/jbellis/jvector">jvector</a>, searched with an
 * exact score function and re-scored exactly, so the scores it returns are the same cosines a brute-force scan would
 * give; only which items make the top k is approximate.
 *
 * <p>Build it over the space the scorer uses (usually the {@link Catalog#centred() centred} catalogue's). The index
 * keeps its own copy of the vectors; it does not see later changes to the space.
 *
 * <p><b>Determinism.</b> With {@link Params#threads()} = 1 (the default) the build is sequential and the same space,
 * parameters and seed give the same graph, hence the same results. The seed orders the insertions (the graph's
 * level draws use jvector's own fixed-seed generator, in insertion order). With more threads the insertions race and
 * the graph, though equally good, varies between builds.
 *
 * <p><b>Threads.</b> {@link #search} is safe to call from any number of threads at once; each call borrows a graph
 * searcher from a small pool.
 */
public final class AnnIndex {
  /**
   * jvector logs through java.util.logging; on Java 17 it warns on first use that SIMD needs Java 20+, and reports its
   * thread pool size. Those lines would land in the CLI's output, so its loggers are quieted to errors, unless the
   * logging configuration already set a level for them. Held here so the setting is not garbage collected.
   */
  private static final Logger JVECTOR_LOG = quiet(Logger.getLogger("io.github.jbellis.jvector"));
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

  /**
   * Graph parameters, HNSW/DiskANN style.
   *
   * @param maxDegree neighbours kept per node, on every layer (HNSW's M, though HNSW keeps 2M on layer 0)
   * @param beamWidth candidates explored per insertion (HNSW's efConstruction)
   * @param efSearch candidates explored per query (HNSW's efSearch, jvector's rerankK); raised to k when smaller
   * @param neighborOverflow how far a node's list may overflow {@code maxDegree} before it is pruned (jvector: 1.2)
   * @param alpha DiskANN's diversity factor for pruning; 1 = HNSW's heuristic, &gt; 1 keeps longer edges (jvector: 1.2)
   * @param threads build threads; 1 makes the build deterministic for a seed
   */
  public record Params(int maxDegree, int beamWidth, int efSearch, float neighborOverflow, float alpha, int threads) {
    /**
     * Chosen with {@code io.shiftrec.bench.AnnBenchmark} (Java 17, 1,000 queries): recall@10 0.991 on the centred bge-small MovieLens
     * titles (9.7k items) and 0.961 on 36k synthetic 384-d items, where noisy-item queries reach 0.9996 and diffuse
     * mean-of-8-random-items queries 0.92. M 16 builds in half the time but stays at 0.935 on 36k items even at
     * efSearch 256. efSearch can also be set per {@link #search(float[], int, int, IntPredicate, int[], float[])
     * search}.
     */
    public static final Params DEFAULT = new Params(32, 100, 200, 1.2f, 1.2f, 1);

    public Params {
      if (maxDegree < 2) throw new IllegalArgumentException("maxDegree must be at least 2, got " + maxDegree);
      if (beamWidth < 1) throw new IllegalArgumentException("beamWidth must be positive, got " + beamWidth);
      if (efSearch < 1) throw new IllegalArgumentException("efSearch must be positive, got " + efSearch);
      if (!(neighborOverflow >= 1f)) throw new IllegalArgumentException("neighborOverflow must be >= 1");
      if (!(alpha >= 1f)) throw new IllegalArgumentException("alpha must be >= 1");
      if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
    }

    public Params withMaxDegree(int m) {
      return new Params(m, beamWidth, efSearch, neighborOverflow, alpha, threads);
    }

    public Params withBeamWidth(int b) {
      return new Params(maxDegree, b, efSearch, neighborOverflow, alpha, threads);
    }

    public Params withEfSearch(int ef) {
      return new Params(maxDegree, beamWidth, ef, neighborOverflow, alpha, threads);
    }

    public Params withThreads(int t) {
      return new Params(maxDegree, beamWidth, efSearch, neighborOverflow, alpha, t);
    }
  }

  private final int dimension;
  private final Params params;
  /** Per graph node: its unit vector (shared with the jvector wrappers) and its catalogue index. */
  private final float[][] rows;
  private final int[] itemOfNode;
  private final Values values;
  private final ImmutableGraphIndex graph; // null when empty
  private final ConcurrentLinkedQueue<GraphSearcher> searchers = new ConcurrentLinkedQueue<>();

  private AnnIndex(int dimension, Params params, float[][] rows, int[] itemOfNode, Values values,
                   ImmutableGraphIndex graph) {
    this.dimension = dimension;
    this.params = params;
    this.rows = rows;
    this.itemOfNode = itemOfNode;
    this.values = values;
    this.graph = graph;
  }

  /** Indexes every vector of {@code space}. */
  public static AnnIndex build(Catalog.Space space, Params params, long seed) {
    return build(space.dimension, space.vectors, space.itemIndex, params, seed);
  }

  /**
   * Indexes row-major unit {@code vectors} of width {@code dimension}; row r is catalogue item {@code itemIndex[r]}.
   * Zero or more rows; the vectors are copied.
   */
  public static AnnIndex build(int dimension, float[] vectors, int[] itemIndex, Params params, long seed) {
    if (dimension < 1) throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    if (vectors.length != (long) itemIndex.length * dimension) {
      throw new IllegalArgumentException(vectors.length + " floats are not " + itemIndex.length + " rows of "
          + dimension);
    }
    int n = itemIndex.length;
    int[] order = permutation(n, seed);
    float[][] rows = new float[n][];
    int[] itemOfNode = new int[n];
    VectorFloat<?>[] wrapped = new VectorFloat<?>[n];
    for (int node = 0; node < n; node++) {
      int r = order[node];
      float[] v = new float[dimension];
      System.arraycopy(vectors, r * dimension, v, 0, dimension);
      rows[node] = v;
      itemOfNode[node] = itemIndex[r];
      wrapped[node] = VTS.createFloatVector(v);
    }
    Values values = new Values(wrapped, dimension);
    if (n == 0) return new AnnIndex(dimension, params, rows, itemOfNode, values, null);

    BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(values,
        VectorSimilarityFunction.DOT_PRODUCT);
    ForkJoinPool pool = new ForkJoinPool(params.threads());
    try {
      GraphIndexBuilder builder = GraphIndexBuilder.builder(scores, dimension, params.maxDegree())
          .withBeamWidth(params.beamWidth())
          .withNeighborOverflow(params.neighborOverflow())
          .withAlpha(params.alpha())
          .withSimdExecutor(pool)
          .withParallelExecutor(pool)
          .build();
      // Run inside the pool so jvector's own parallel steps (clean-up) stay on its threads; with one thread the
      // whole build is sequential, in seed order.
      pool.submit(() -> {
        if (params.threads() == 1) {
          for (int node = 0; node < n; node++) builder.addGraphNode(node, wrapped[node]);
          builder.cleanup();
        } else {
          builder.build(values);
        }
      }).get();
      ImmutableGraphIndex graph = builder.getGraph();
      builder.close();
      return new AnnIndex(dimension, params, rows, itemOfNode, values, graph);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the ANN index", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error err) throw err;
      throw new IllegalStateException("building the ANN index failed: " + c, c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      pool.shutdown();
    }
  }

  /** Which jvector vector kernels run here (scalar "Default…" below Java 20). */
  public static String vectorization() {
    return VectorizationProvider.getInstance().getClass().getSimpleName();
  }

  /** The items indexed. */
  public int size() {
    return itemOfNode.length;
  }

  public int dimension() {
    return dimension;
  }

  public Params params() {
    return params;
  }

  /** {@link #search(float[], int, int, IntPredicate, int[], float[])} at the index's {@link Params#efSearch()}. */
  public int search(float[] query, int k, IntPredicate accept, int[] itemsOut, float[] scoresOut) {
    return search(query, k, params.efSearch(), accept, itemsOut, scoresOut);
  }

  /**
   * The (approximately) {@code k} items most similar to {@code query}, best first.
   *
   * @param query any non-zero vector of the index's dimension; it is normalised, so scores are cosines
   * @param efSearch candidates explored (raised to k); higher is slower and closer to exact
   * @param accept which catalogue indices may be returned (e.g. {@code i -> !seen.get(i)}); null accepts all. Called
   *     from the searching thread, possibly more than once per item.
   * @param itemsOut receives catalogue indices, at least {@code k} long
   * @param scoresOut receives cosines, at least {@code k} long, or null
   * @return how many results were written, {@code min(k, accepted items)}; 0 for an empty index or a zero query
   */
  public int search(float[] query, int k, int efSearch, IntPredicate accept, int[] itemsOut, float[] scoresOut) {
    if (query.length != dimension) {
      throw new IllegalArgumentException("query has dimension " + query.length + ", the index " + dimension);
    }
    if (k < 0) throw new IllegalArgumentException("k must not be negative, got " + k);
    if (itemsOut.length < k || scoresOut != null && scoresOut.length < k) {
      throw new IllegalArgumentException("output arrays are shorter than k = " + k);
    }
    int n = itemOfNode.length;
    float[] q = unit(query);
    if (k == 0 || n == 0 || q == null) return 0;
    int width = Math.max(k, efSearch);
    if (width >= n) return exact(q, k, accept, itemsOut, scoresOut);

    Bits ok = accept == null ? Bits.ALL : node -> accept.test(itemOfNode[node]);
    GraphSearcher searcher = searchers.poll();
    if (searcher == null) searcher = new GraphSearcher(graph);
    SearchResult.NodeScore[] found;
    try {
      DefaultSearchScoreProvider sp = DefaultSearchScoreProvider.exact(VTS.createFloatVector(q),
          VectorSimilarityFunction.DOT_PRODUCT, values);
      found = searcher.search(sp, k, width, 0f, 0f, ok).getNodes();
    } finally {
      searchers.offer(searcher);
    }
    int m = Math.min(k, found.length);
    // A filter that rejects most of the graph can end the walk with fewer than k hits; the scan finds them all.
    if (m < k && accept != null) return exact(q, k, accept, itemsOut, scoresOut);
    float[] sc = scoresOut != null ? scoresOut : new float[m];
    for (int j = 0; j < m; j++) {
      int node = found[j].node;
      float s = Vectors.dot(rows[node], q);
      int item = itemOfNode[node];
      int p = j; // insertion into best-first order by the exact score, ties to the lower catalogue index
      while (p > 0 && (sc[p - 1] < s || sc[p - 1] == s && itemsOut[p - 1] > item)) {
        itemsOut[p] = itemsOut[p - 1];
        sc[p] = sc[p - 1];
        p--;
      }
      itemsOut[p] = item;
      sc[p] = s;
    }
    return m;
  }

  /** Exact top k by a full scan (small indexes, or k close to the size). */
  private int exact(float[] q, int k, IntPredicate accept, int[] itemsOut, float[] scoresOut) {
    int kk = Math.min(k, rows.length);
    TopK top = new TopK(kk);
    for (int node = 0; node < rows.length; node++) {
      int item = itemOfNode[node];
      if (accept != null && !accept.test(item)) continue;
      top.offer(item, Vectors.dot(rows[node], q));
    }
    float[] s = new float[kk];
    int[] picks = top.drain(s);
    System.arraycopy(picks, 0, itemsOut, 0, picks.length);
    if (scoresOut != null) System.arraycopy(s, 0, scoresOut, 0, picks.length);
    return picks.length;
  }


  /** A unit copy of {@code v}, or null for a zero (or non-finite) vector. */
  private static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) s += (double) x * x;
    if (!(s > 0) || Double.isInfinite(s)) return null;
    float inv = (float) (1.0 / Math.sqrt(s));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
    return out;
  }

  private static Logger quiet(Logger log) {
    if (log.getLevel() == null) log.setLevel(Level.SEVERE);
    return log;
  }

  /** 0..n-1 shuffled by the seed (Fisher–Yates). */
  private static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  /** The graph nodes' vectors for jvector: immutable, so one instance serves every thread. */
  private static final class Values implements RandomAccessVectorValues {
    private final VectorFloat<?>[] vectors;
    private final int dimension;

    Values(VectorFloat<?>[] vectors, int dimension) {
      this.vectors = vectors;
      this.dimension = dimension;
    }

    @Override
    public int size() {
      return vectors.length;
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public VectorFloat<?> getVector(int node) {
      return vectors[node];
    }

    @Override
    public boolean isValueShared() {
      return false;
    }

    @Override
    public RandomAccessVectorValues copy() {
      return this;
    }
  }
}
