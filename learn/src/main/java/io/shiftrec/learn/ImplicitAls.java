package io.shiftrec.learn;

import io.shiftrec.core.Parameters;
import io.shiftrec.core.Vectors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren &amp; Volinsky, ICDM 2008):
 * minimise Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ (Σ|x_u|² + Σ|y_i|²) with p_ui = 1 for an interaction, else 0, and
 * confidence c_ui = 1 + α·w_ui (1 for every non-interaction). Each half-step solves every row's normal equations
 * (YᵀY + λI + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ) x_u = Σ_{i∈u} c_ui y_i with a few conjugate-gradient steps warm-started
 * from the previous x_u (Takács, Pilászy &amp; Tikk, RecSys 2011), so a step costs O(|u|·k + k²) instead of a
 * Cholesky's O(k³).
 *
 * <p>Deterministic for a seed whatever the thread count: rows are solved in parallel, but each row depends only on
 * the other side (fixed during the half-step) and its own previous value, and YᵀY is summed in one fixed order.
 */
public final class ImplicitAls {
  /** Rows handed to a worker at a time: small enough to balance users with long and short histories. */
  private static final int CHUNK = 64;

  private ImplicitAls() {}

  /**
   * @param factors rank k
   * @param regularization λ
   * @param alpha α of the confidence 1 + α·w
   * @param iterations sweeps over users then items
   * @param cgSteps conjugate-gradient steps per row and sweep
   */
  public record Config(int factors, float regularization, float alpha, int iterations, int cgSteps)
      implements Serializable {
    public Config {
      if (factors < 1 || iterations < 1 || cgSteps < 1) {
        throw new IllegalArgumentException("iALS factors, iterations and cg steps must be positive, got "
            + factors + ", " + iterations + ", " + cgSteps);
      }
      if (!(regularization >= 0) || !(alpha >= 0) || Float.isInfinite(regularization) || Float.isInfinite(alpha)) {
        throw new IllegalArgumentException("iALS regularization and alpha must be finite and ≥ 0, got "
            + regularization + ", " + alpha);
      }
    }

    /** Chosen on the validation targets of MovieLens 1M and MovieLens Latest Small (docs/DESIGN.md). */
    public static Config defaults() {
      return new Config(128, 5f, 1f, 15, 3);
    }

    /** The hyperparameters by the names {@link #with} accepts, for reports and saved artefacts. */
    public Map<String, Object> toMap() {
      return Parameters.inOrder("factors", factors, "reg", regularization, "alpha", alpha, "iterations", iterations,
          "cg", cgSteps);
    }

    /** This config with one hyperparameter set from text, e.g. {@code with("alpha", "20")}. */
    public Config with(String key, String value) {
      return switch (key) {
        case "factors" -> new Config(Parameters.positiveInt(key, value), regularization, alpha, iterations, cgSteps);
        case "reg" -> new Config(factors, Parameters.nonNegative(key, value), alpha, iterations, cgSteps);
        case "alpha" -> new Config(factors, regularization, Parameters.nonNegative(key, value), iterations, cgSteps);
        case "iterations" -> new Config(factors, regularization, alpha, Parameters.positiveInt(key, value), cgSteps);
        case "cg" -> new Config(factors, regularization, alpha, iterations, Parameters.positiveInt(key, value));
        default -> throw Parameters.unknown("ials", key, toMap());
      };
    }
  }

  /**
   * Where a half-step's rows are solved: {@link #threads} of this process, or the workers of a cluster (the Spark
   * module's). Whichever runs it, a half-step solves each row with {@link #solveBlock} against the same fixed side
   * and the same {@link #sweepGram YᵀY}, so the factors are the same bit for bit.
   */
  public interface Sweep extends AutoCloseable {
    /** Solves every row of {@code rows} (row-major, k per row) against the fixed {@code cols}, in place. */
    void solve(Interactions data, float[] rows, float[] cols, Config config);

    /** The training over {@code data} has ended: whatever was kept for its rows may go. */
    default void release(Interactions data) {}

    @Override
    default void close() {}
  }

  /** Trains on {@code data} with {@code threads} workers; {@code listener} hears the loss after every sweep. */
  public static Factors fit(Interactions data, Config config, long seed, int threads, EpochListener listener) {
    try (Sweep sweep = threads(threads)) {
      return fit(data, config, seed, sweep, listener);
    }
  }

  /** Trains on {@code data}, each half-step solved by {@code sweep}; {@code listener} hears the loss every sweep. */
  public static Factors fit(Interactions data, Config config, long seed, Sweep sweep, EpochListener listener) {
    int k = config.factors();
    Interactions byItem = data.transpose();
    SplittableRandom random = new SplittableRandom(seed);
    // small random start: symmetric around 0 so no direction is favoured, scaled so initial scores are near 0
    float scale = (float) (0.1 / Math.sqrt(k));
    float[] userFactors = Gaussian.fill(data.numUsers() * k, scale, random);
    float[] itemFactors = Gaussian.fill(data.numItems() * k, scale, random);
    Factors current = new Factors(k, data.numUsers(), data.numItems(), userFactors, itemFactors,
        new float[data.numItems()]);
    try {
      for (int it = 1; it <= config.iterations(); it++) {
        sweep.solve(data, userFactors, itemFactors, config);
        sweep.solve(byItem, itemFactors, userFactors, config);
        if (listener != EpochListener.NONE) listener.epochDone(it, loss(data, current, config), current);
      }
    } finally {
      sweep.release(data);
      sweep.release(byItem);
    }
    return current;
  }

  /** Half-steps on {@code threads} threads of this process (one: the caller's). */
  public static Sweep threads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
    ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "shiftrec-ials");
      t.setDaemon(true);
      return t;
    });
    return new Sweep() {
      @Override
      public void solve(Interactions data, float[] rows, float[] cols, Config config) {
        solveRows(data, rows, cols, config, pool, threads);
      }

      @Override
      public void close() {
        if (pool != null) pool.shutdownNow();
      }
    };
  }

  /**
   * YᵀY of the fixed side as a half-step uses it: summed in double in one fixed order, then rounded to float
   * (k × k, row-major).
   */
  public static float[] sweepGram(float[] cols, int numCols, int k) {
    return toFloat(gram(cols, numCols, k));
  }

  /**
   * Solves rows {@code from} to {@code to} of {@code data} against the fixed {@code cols}, given {@link #sweepGram} of
   * them, updating {@code rows} (those rows' values, row-major, starting with row {@code from}) in place: the work
   * of one worker in a half-step, whichever machine it runs on.
   */
  public static void solveBlock(Interactions data, int from, int to, float[] rows, float[] cols, float[] gram,
                                Config config) {
    int k = config.factors();
    RowSolver solver = new RowSolver(k, Matrices.rows(gram, k, k), config);
    float[][] colRows = Matrices.rows(cols, data.numItems(), k);
    for (int r = from; r < to; r++) solver.solve(data, r, rows, (r - from) * k, colRows);
  }

  /**
   * The objective: Σ over all pairs of c(p − s)² plus λ times the squared norms. The sum over the non-interactions
   * is Σ_u x_uᵀ(YᵀY)x_u minus the interactions' s², so it costs O(nnz·k + users·k²), not O(users·items·k).
   */
  static double loss(Interactions data, Factors factors, Config config) {
    int k = config.factors();
    float[] rows = factors.users(), cols = factors.items();
    double[] gram = gram(cols, data.numItems(), k);
    double total = 0;
    for (int u = 0; u < data.numUsers(); u++) {
      int uo = u * k;
      for (int a = 0; a < k; a++) {
        double ga = 0;
        for (int b = 0; b < k; b++) ga += gram[a * k + b] * rows[uo + b];
        total += rows[uo + a] * ga;
      }
      for (int p = data.offsets()[u]; p < data.offsets()[u + 1]; p++) {
        int io = data.items()[p] * k;
        double s = 0;
        for (int f = 0; f < k; f++) s += rows[uo + f] * cols[io + f];
        double c = 1 + config.alpha() * data.weights()[p];
        total += c * (1 - s) * (1 - s) - s * s;
      }
    }
    return total + config.regularization() * factors.squaredNorm();
  }

  /** One half-step: every row of {@code rows} solved against the fixed {@code cols}. */
  private static void solveRows(Interactions data, float[] rows, float[] cols, Config config, ExecutorService pool,
                                int threads) {
    int k = config.factors();
    float[][] gram = Matrices.rows(sweepGram(cols, data.numItems(), k), k, k);
    float[][] colRows = Matrices.rows(cols, data.numItems(), k);
    int n = data.numUsers();
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      RowSolver solver = new RowSolver(k, gram, config);
      int from;
      while ((from = next.getAndAdd(CHUNK)) < n) {
        int to = Math.min(n, from + CHUNK);
        for (int r = from; r < to; r++) solver.solve(data, r, rows, r * k, colRows);
      }
    };
    if (pool == null) {
      worker.run();
      return;
    }
    List<Future<?>> running = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) running.add(pool.submit(worker));
    try {
      for (Future<?> f : running) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("iALS training interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException("iALS training failed", e.getCause());
    }
  }

  /**
   * Per-worker scratch vectors, allocated once per half-step. The fixed side's rows and YᵀY are one array per row,
   * and the row being solved is copied out and back, so that every {@code a[f] += c·b[f]} reads both arrays at the
   * same index: the JIT vectorises that loop, not the same loop over one flat array at two offsets. Every sum keeps
   * its order (YᵀY·v is summed over the columns of v in order, YᵀY being symmetric), so the factors are the same
   * bit for bit.
   */
  private static final class RowSolver {
    private final int k;
    private final float[][] gram;
    private final float reg;
    private final float alpha;
    private final int steps;
    private final float[] x;
    private final float[] residual;
    private final float[] direction;
    private final float[] product;

    RowSolver(int k, float[][] gram, Config config) {
      this.k = k;
      this.gram = gram;
      this.reg = config.regularization();
      this.alpha = config.alpha();
      this.steps = config.cgSteps();
      x = new float[k];
      residual = new float[k];
      direction = new float[k];
      product = new float[k];
    }

    /** A few CG steps on row {@code r}'s normal equations, updating its value at {@code xo} of {@code rows}. */
    void solve(Interactions data, int r, float[] rows, int xo, float[][] cols) {
      System.arraycopy(rows, xo, x, 0, k);
      int from = data.offsets()[r], to = data.offsets()[r + 1];
      int[] items = data.items();
      float[] w = data.weights();
      // residual = b − A·x = Σ (c − (c − 1)·y·x) y − (YᵀY + λI) x
      multiplyGram(x, residual);
      for (int f = 0; f < k; f++) residual[f] = -residual[f] - reg * x[f];
      for (int p = from; p < to; p++) {
        float[] y = cols[items[p]];
        float extra = alpha * w[p]; // c − 1
        float coef = 1 + extra - extra * dot(y, x);
        for (int f = 0; f < k; f++) residual[f] += coef * y[f];
      }
      System.arraycopy(residual, 0, direction, 0, k);
      float rsOld = dot(residual, residual);
      for (int step = 0; step < steps && rsOld > 1e-20f; step++) {
        // product = A·direction
        multiplyGram(direction, product);
        for (int f = 0; f < k; f++) product[f] += reg * direction[f];
        for (int p = from; p < to; p++) {
          float[] y = cols[items[p]];
          float coef = alpha * w[p] * dot(y, direction);
          for (int f = 0; f < k; f++) product[f] += coef * y[f];
        }
        float curvature = dot(direction, product);
        if (!(curvature > 0)) break; // A is positive definite when λ > 0; with λ = 0 an empty row stops here
        float a = rsOld / curvature;
        for (int f = 0; f < k; f++) {
          x[f] += a * direction[f];
          residual[f] -= a * product[f];
        }
        float rsNew = dot(residual, residual);
        float beta = rsNew / rsOld;
        for (int f = 0; f < k; f++) direction[f] = residual[f] + beta * direction[f];
        rsOld = rsNew;
      }
      System.arraycopy(x, 0, rows, xo, k);
    }

    /** {@code out} = YᵀY·v, each output summed over b in order: column b of the symmetric YᵀY is its row b. */
    private void multiplyGram(float[] v, float[] out) {
      Arrays.fill(out, 0f);
      for (int b = 0; b < k; b++) {
        float vb = v[b];
        float[] column = gram[b];
        for (int a = 0; a < k; a++) out[a] += column[a] * vb;
      }
    }

    private float dot(float[] a, float[] b) {
      return Vectors.dotAt(a, 0, b, 0, k);
    }
  }

  /**
   * Solves a new user's factors against fixed item factors: the minimiser of the iALS objective for one row,
   * x = (YᵀY + α·Σ_i y_i y_iᵀ + λI)⁻¹ (1 + α)·Σ_i y_i over the user's items (binary weights, as training uses).
   * This is how a served model takes in users and events it was not trained on, without retraining. Solved by
   * conjugate gradients from zero until the residual is {@value #TOLERANCE} of the right-hand side: each step costs
   * O(k² + |u|·k), so a served ranking never forms the user's k×k matrix (O(|u|·k²)) nor factors it (O(k³)); the
   * solution matches the exact one to float precision (about 14 steps at rank 128). YᵀY is computed once here and
   * {@link #solve} keeps its scratch on its own stack, so one instance serves many threads.
   */
  public static final class FoldIn {
    /** The residual, relative to the right-hand side, at which {@link #solve} stops. */
    private static final double TOLERANCE = 1e-6;
    private final int k;
    private final int numItems;
    private final float[] items;
    private final double[] gram;
    private final double regularization;
    private final double alpha;

    /** @param items item factors, row-major, {@code rank} floats per item */
    public FoldIn(float[] items, int numItems, int rank, float regularization, float alpha) {
      this(items, numItems, rank, gramOf(items, numItems, rank), regularization, alpha);
    }

    /**
     * @param gram {@link #gramOf} of the factors; passed in when the same factors are re-laid (rows reordered, zero
     *     rows added for new items), which leaves YᵀY unchanged and saves its O(items·k²)
     */
    public FoldIn(float[] items, int numItems, int rank, double[] gram, float regularization, float alpha) {
      if (rank < 1 || items.length != numItems * rank || gram.length != rank * rank) {
        throw new IllegalArgumentException("item factors do not match " + numItems + " items of rank " + rank);
      }
      this.k = rank;
      this.numItems = numItems;
      this.items = items;
      this.gram = gram;
      this.regularization = regularization;
      this.alpha = alpha;
    }

    /** YᵀY of row-major factors, in double. */
    public static double[] gramOf(float[] items, int numItems, int rank) {
      return gram(items, numItems, rank);
    }

    public int rank() {
      return k;
    }

    /**
     * Writes the factors of a user who took {@code history[0..n)} (item rows; repeats count once each time they
     * appear) into {@code out}; zeros for an empty history.
     */
    public void solve(int[] history, int n, float[] out) {
      double[] x = new double[k], residual = new double[k], direction = new double[k], product = new double[k];
      double[] y = new double[k]; // the item's row in double once, so the inner loops are ones the JIT vectorises
      for (int h = 0; h < n; h++) {
        int item = history[h];
        if (item < 0 || item >= numItems) throw new IllegalArgumentException("item row " + item + " out of range");
        int yo = item * k;
        for (int f = 0; f < k; f++) residual[f] += (1 + alpha) * items[yo + f];
      }
      System.arraycopy(residual, 0, direction, 0, k);
      double squared = dot(residual, residual), stop = squared * TOLERANCE * TOLERANCE;
      for (int step = 0; step < k && squared > stop; step++) {
        multiply(history, n, direction, y, product);
        double length = squared / dot(direction, product);
        for (int f = 0; f < k; f++) {
          x[f] += length * direction[f];
          residual[f] -= length * product[f];
        }
        double next = dot(residual, residual);
        for (int f = 0; f < k; f++) direction[f] = residual[f] + next / squared * direction[f];
        squared = next;
      }
      for (int f = 0; f < k; f++) out[f] = (float) x[f];
    }

    /** {@code out} = (YᵀY + α·Σ_h y_h y_hᵀ + λI)·v over the history's items, {@code y} a row of scratch. */
    private void multiply(int[] history, int n, double[] v, double[] y, double[] out) {
      for (int a = 0, o = 0; a < k; a++, o += k) {
        double sum = regularization * v[a];
        for (int b = 0; b < k; b++) sum += gram[o + b] * v[b];
        out[a] = sum;
      }
      for (int h = 0; h < n; h++) {
        int yo = history[h] * k;
        double along = 0;
        for (int f = 0; f < k; f++) {
          y[f] = items[yo + f];
          along += y[f] * v[f];
        }
        along *= alpha;
        for (int f = 0; f < k; f++) out[f] += along * y[f];
      }
    }

    private double dot(double[] a, double[] b) {
      double sum = 0;
      for (int f = 0; f < k; f++) sum += a[f] * b[f];
      return sum;
    }
  }

  /** YᵀY in double, summed row by row in index order (one fixed order, so the result is reproducible). */
  private static double[] gram(float[] m, int rows, int k) {
    double[] g = new double[k * k];
    for (int r = 0, o = 0; r < rows; r++, o += k) {
      for (int a = 0; a < k; a++) {
        double va = m[o + a];
        if (va == 0) continue;
        int go = a * k;
        for (int b = a; b < k; b++) g[go + b] += va * m[o + b];
      }
    }
    for (int a = 0; a < k; a++) for (int b = 0; b < a; b++) g[a * k + b] = g[b * k + a];
    return g;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }
}
