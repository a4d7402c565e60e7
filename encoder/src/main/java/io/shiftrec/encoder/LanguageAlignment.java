package io.shiftrec.encoder;

import io.shiftrec.core.Vectors;
import io.shiftrec.learn.Cholesky;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A linear map from one model's embedding space into another's, learned from texts that say the same thing in two
 * languages: {@code y ≈ ȳ + (x − x̄)·W}, {@code W = (XcᵀXc + λI)⁻¹ XcᵀYc} (ridge regression of the target vectors
 * on the source vectors, both centred), then L2-normalised like every model output. It puts Chinese texts, read by
 * the Chinese model, where the English model puts their English translations, so both languages share one space.
 */
public final class LanguageAlignment {
  private static final int MAGIC = 0x53524c41; // "SRLA"
  private final int in;
  private final int out;
  private final float[] weights; // in × out, row-major
  private final float[] sourceMean;
  private final float[] targetMean;

  private LanguageAlignment(int in, int out, float[] weights, float[] sourceMean, float[] targetMean) {
    this.in = in;
    this.out = out;
    this.weights = weights;
    this.sourceMean = sourceMean;
    this.targetMean = targetMean;
  }

  /**
   * The alignment of {@code source} vectors onto {@code target} vectors, row by row the same text in two languages.
   *
   * @param lambda ridge regularisation (&gt; 0): how far W is pulled towards zero, i.e. towards the target's mean
   */
  public static LanguageAlignment fit(List<float[]> source, List<float[]> target, double lambda) {
    int n = source.size();
    if (n == 0 || n != target.size()) {
      throw new IllegalArgumentException("an alignment needs as many target vectors as source vectors, at least one");
    }
    if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be positive, got " + lambda);
    int in = source.get(0).length, out = target.get(0).length;
    double[] meanX = mean(source, in), meanY = mean(target, out);
    double[] gram = new double[in * in];
    double[] cross = new double[in * out];
    double[] x = new double[in];
    double[] y = new double[out];
    for (int r = 0; r < n; r++) {
      float[] xs = source.get(r), ys = target.get(r);
      if (xs.length != in || ys.length != out) throw new IllegalArgumentException("vectors of unequal dimension");
      for (int i = 0; i < in; i++) x[i] = xs[i] - meanX[i];
      for (int j = 0; j < out; j++) y[j] = ys[j] - meanY[j];
      for (int i = 0; i < in; i++) {
        double xi = x[i];
        for (int k = i; k < in; k++) gram[i * in + k] += xi * x[k];
        for (int j = 0; j < out; j++) cross[i * out + j] += xi * y[j];
      }
    }
    for (int i = 0; i < in; i++) {
      gram[i * in + i] += lambda;
      for (int k = i + 1; k < in; k++) gram[k * in + i] = gram[i * in + k];
    }
    Cholesky.factorInPlace(gram, in);
    Cholesky.solveInPlace(gram, in, cross, out);
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) w[i] = (float) cross[i];
    return new LanguageAlignment(in, out, w, toFloats(meanX), toFloats(meanY));
  }

  /** The source vector's place in the target space, L2-normalised. */
  public float[] map(float[] source) {
    if (source.length != in) {
      throw new IllegalArgumentException("expected a vector of " + in + " dimensions, got " + source.length);
    }
    float[] y = targetMean.clone();
    for (int i = 0; i < in; i++) {
      float xi = source[i] - sourceMean[i];
      for (int j = 0, o = i * out; j < out; j++, o++) y[j] += xi * weights[o];
    }
    return Vectors.normalizeInPlace(y);
  }

  public int sourceDimension() {
    return in;
  }

  public int targetDimension() {
    return out;
  }

  /** The alignment as bytes ({@link #fromBytes} reads them back). */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(12 + 4 * (weights.length + in + out)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(in).putInt(out);
    for (float v : sourceMean) b.putFloat(v);
    for (float v : targetMean) b.putFloat(v);
    for (float v : weights) b.putFloat(v);
    return b.array();
  }

  /** IllegalArgumentException when the bytes are not an alignment. */
  public static LanguageAlignment fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || b.getInt() != MAGIC) throw new IllegalArgumentException("not a language alignment");
    int in = b.getInt(), out = b.getInt();
    if (in < 1 || out < 1 || bytes.length != 12 + 4L * ((long) in * out + in + out)) {
      throw new IllegalArgumentException("a language alignment of the wrong length");
    }
    float[] sourceMean = new float[in], targetMean = new float[out], w = new float[in * out];
    for (int i = 0; i < in; i++) sourceMean[i] = b.getFloat();
    for (int j = 0; j < out; j++) targetMean[j] = b.getFloat();
    for (int i = 0; i < w.length; i++) w[i] = b.getFloat();
    return new LanguageAlignment(in, out, w, sourceMean, targetMean);
  }

  private static double[] mean(List<float[]> rows, int dims) {
    double[] m = new double[dims];
    for (float[] r : rows) for (int i = 0; i < dims; i++) m[i] += r[i];
    for (int i = 0; i < dims; i++) m[i] /= rows.size();
    return m;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }
}
