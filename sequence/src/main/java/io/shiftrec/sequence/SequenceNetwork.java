package io.shiftrec.sequence;

import io.shiftrec.core.Vectors;
import java.util.Arrays;

/**
 * A trained self-attentive sequence model (SASRec, Kang &amp; McAuley, ICDM 2018) as plain float arrays, and its
 * forward pass for one user: the items of a history, each an input vector plus the vector of its position, go
 * through {@code blocks} causal self-attention blocks; the last position's output, after a final layer norm, is the
 * user's state, and an item's score is its dot product with the item's scoring vector (the same vector as its input,
 * scaled to unit length when the model was trained on cosines).
 *
 * <p>Training runs in PyTorch ({@link SequenceTrainer}); serving and evaluation run this forward pass, which needs no
 * native library, allocates per call only what one history needs and is safe from any number of threads. It matches
 * the training graph in inference mode (no dropout); {@code SequenceNetworkTest} checks both give the same scores.
 *
 * <p>Layout of every matrix: row-major, {@code in × out} (a row vector times the matrix). A block reads, as in the
 * reference implementation: {@code q = LN(x); x = q + Attention(q, x, x); y = LN(x); x = y + W2·relu(W1·y)}.
 */
public final class SequenceNetwork {
  /** The layer norms' epsilon, as in the reference implementation. */
  static final float EPSILON = 1e-8f;

  /** One attention block's weights; matrices are {@code dim × dim}, vectors {@code dim}. */
  public record Block(float[] attentionGamma, float[] attentionBeta, float[] query, float[] queryBias, float[] key,
                      float[] keyBias, float[] value, float[] valueBias, float[] output, float[] outputBias,
                      float[] feedForwardGamma, float[] feedForwardBeta, float[] inner, float[] innerBias,
                      float[] outer, float[] outerBias) {}

  private final int dim;
  private final int heads;
  private final int maxLength;
  private final float[] items;
  private final float[] scoring;
  private final float[] positions;
  private final Block[] blocks;
  private final float[] finalGamma;
  private final float[] finalBeta;

  /**
   * @param items     one row of {@code dim} per catalogue item: the item's vector as the history reads it
   * @param scoring   one row of {@code dim} per catalogue item: the vector a state scores the item with
   * @param positions one row per position, {@code maxLength} rows; the latest item of a history takes the last row
   */
  public SequenceNetwork(int dim, int heads, int maxLength, float[] items, float[] scoring, float[] positions,
                         Block[] blocks, float[] finalGamma, float[] finalBeta) {
    if (dim <= 0 || heads <= 0 || dim % heads != 0) {
      throw new IllegalArgumentException("dim " + dim + " must be a positive multiple of heads " + heads);
    }
    if (items.length % dim != 0 || scoring.length != items.length || positions.length != maxLength * dim) {
      throw new IllegalArgumentException("item or position table does not match dim " + dim);
    }
    this.dim = dim;
    this.heads = heads;
    this.maxLength = maxLength;
    this.items = items;
    this.scoring = scoring;
    this.positions = positions;
    this.blocks = blocks;
    this.finalGamma = finalGamma;
    this.finalBeta = finalBeta;
  }

  public int dim() {
    return dim;
  }

  public int maxLength() {
    return maxLength;
  }

  public int numItems() {
    return items.length / dim;
  }

  /** The items' scoring vectors, one row of {@link #dim()} per item (shared, not copied). */
  public float[] scoring() {
    return scoring;
  }

  /**
   * The state after a history: items {@code from .. to-1} of {@code history}, oldest first; only the latest
   * {@link #maxLength()} are read. An empty history has no state: null.
   */
  public float[] state(int[] history, int from, int to) {
    int n = Math.min(to - from, maxLength);
    if (n <= 0) return null;
    int start = to - n;
    float[] x = new float[n * dim];
    float inputScale = (float) Math.sqrt(dim);
    for (int t = 0; t < n; t++) {
      int item = history[start + t], position = maxLength - n + t;
      for (int c = 0; c < dim; c++) {
        x[t * dim + c] = items[item * dim + c] * inputScale + positions[position * dim + c];
      }
    }
    float[] q = new float[n * dim], keys = new float[n * dim], values = new float[n * dim];
    float[] queries = new float[n * dim], attended = new float[n * dim], inner = new float[n * dim];
    float[] weights = new float[n], keysByDimension = new float[n * dim];
    for (int b = 0; b < blocks.length; b++) {
      // the last block's output is read at the last position only, so only that row is computed past keys/values
      int first = b == blocks.length - 1 ? n - 1 : 0;
      Block block = blocks[b];
      layerNorm(x, first, n, block.attentionGamma, block.attentionBeta, q);
      affine(x, 0, n, block.key, block.keyBias, keys);
      affine(x, 0, n, block.value, block.valueBias, values);
      affine(q, first, n, block.query, block.queryBias, queries);
      attend(queries, keys, values, first, n, weights, keysByDimension, attended);
      affine(attended, first, n, block.output, block.outputBias, inner);
      for (int i = first * dim; i < n * dim; i++) x[i] = q[i] + inner[i];
      layerNorm(x, first, n, block.feedForwardGamma, block.feedForwardBeta, q);
      affine(q, first, n, block.inner, block.innerBias, inner);
      for (int i = first * dim; i < n * dim; i++) inner[i] = Math.max(0f, inner[i]);
      affine(inner, first, n, block.outer, block.outerBias, x);
      for (int i = first * dim; i < n * dim; i++) x[i] += q[i];
    }
    float[] state = new float[dim];
    float[] last = new float[dim];
    System.arraycopy(x, (n - 1) * dim, last, 0, dim);
    layerNorm(last, 0, 1, finalGamma, finalBeta, state);
    return state;
  }

  /** Every item's score for a state: its dot product with the item's scoring vector. */
  public void score(float[] state, float[] scoresOut) {
    int ni = numItems();
    for (int i = 0; i < ni; i++) scoresOut[i] = Vectors.dotUnrolled(scoring, i * dim, state, 0, dim);
  }

  /**
   * Causal attention of rows {@code first .. n-1}: each query reads the keys and values up to its own position. The
   * keys are read transposed (a row per dimension), so a query's scores and its output are running sums along rows,
   * loops the JIT vectorises, where a dot product per key would be a reduction it does not.
   */
  private void attend(float[] queries, float[] keys, float[] values, int first, int n, float[] weights,
                      float[] keysByDimension, float[] out) {
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < dim; c++) keysByDimension[c * n + s] = keys[s * dim + c];
    }
    int headDim = dim / heads;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    for (int t = first; t < n; t++) {
      for (int h = 0; h < heads; h++) {
        int offset = h * headDim;
        Arrays.fill(weights, 0, t + 1, 0f);
        for (int c = offset; c < offset + headDim; c++) {
          float q = queries[t * dim + c] * scale;
          int row = c * n;
          for (int s = 0; s <= t; s++) weights[s] += q * keysByDimension[row + s];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s <= t; s++) max = Math.max(max, weights[s]);
        float sum = 0f;
        for (int s = 0; s <= t; s++) {
          weights[s] = (float) Math.exp(weights[s] - max);
          sum += weights[s];
        }
        int row = t * dim + offset;
        Arrays.fill(out, row, row + headDim, 0f);
        for (int s = 0; s <= t; s++) {
          float w = weights[s] / sum;
          int from = s * dim + offset;
          for (int c = 0; c < headDim; c++) out[row + c] += w * values[from + c];
        }
      }
    }
  }

  /** Rows {@code first .. n-1}: {@code out = in · matrix + bias}. */
  private void affine(float[] in, int first, int n, float[] matrix, float[] bias, float[] out) {
    for (int t = first; t < n; t++) {
      int row = t * dim;
      System.arraycopy(bias, 0, out, row, dim);
      for (int k = 0; k < dim; k++) {
        float v = in[row + k];
        int m = k * dim;
        for (int c = 0; c < dim; c++) out[row + c] += v * matrix[m + c];
      }
    }
  }

  private void layerNorm(float[] in, int first, int n, float[] gamma, float[] beta, float[] out) {
    for (int t = first; t < n; t++) {
      int row = t * dim;
      float mean = 0f;
      for (int c = 0; c < dim; c++) mean += in[row + c];
      mean /= dim;
      float variance = 0f;
      for (int c = 0; c < dim; c++) {
        float d = in[row + c] - mean;
        variance += d * d;
      }
      float inv = (float) (1.0 / Math.sqrt(variance / dim + EPSILON));
      for (int c = 0; c < dim; c++) out[row + c] = (in[row + c] - mean) * inv * gamma[c] + beta[c];
    }
  }
}
