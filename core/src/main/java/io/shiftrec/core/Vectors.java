package io.shiftrec.core;

/** Small dense-vector kernels over float[]: the hot paths of scoring. */
public final class Vectors {
  private Vectors() {}

  public static float dot(float[] a, float[] b) {
    return dotAt(a, 0, b, 0, a.length);
  }

  /**
   * Dot product of {@code n} values of {@code a} from {@code aOffset} with {@code n} of {@code b} from
   * {@code bOffset}, summed in order: the kernel every scan, index and solver shares, so the same vectors give the
   * same score everywhere.
   */
  public static float dotAt(float[] a, int aOffset, float[] b, int bOffset, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += a[aOffset + i] * b[bOffset + i];
    return s;
  }

  /**
   * Dot product of {@code b} with {@code k} values of {@code a} from {@code offset}, over four independent partial
   * sums so the CPU overlaps the additions (the JIT does not reorder a float reduction by itself).
   */
  public static float dot(float[] a, int offset, float[] b, int k) {
    return dotUnrolled(a, offset, b, 0, k);
  }

  /**
   * {@link #dotAt} over four independent partial sums, so the CPU overlaps the additions (the JIT does not reorder a
   * float reduction by itself): faster over 384 dimensions, and not bit for bit the same sum.
   */
  public static float dotUnrolled(float[] a, int aOffset, float[] b, int bOffset, int n) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += a[aOffset + j] * b[bOffset + j];
      s1 += a[aOffset + j + 1] * b[bOffset + j + 1];
      s2 += a[aOffset + j + 2] * b[bOffset + j + 2];
      s3 += a[aOffset + j + 3] * b[bOffset + j + 3];
    }
    for (; j < n; j++) s0 += a[aOffset + j] * b[bOffset + j];
    return (s0 + s1) + (s2 + s3);
  }

  /** Dot product of {@code q} with row {@code row} of a row-major matrix of width {@code q.length}. */
  public static float dotRow(float[] matrix, int row, float[] q) {
    return dotAt(matrix, row * q.length, q, 0, q.length);
  }

  public static float norm(float[] a) {
    return (float) Math.sqrt(dot(a, a));
  }

  /** Scales {@code a} in place to unit length; a zero vector stays zero. Returns {@code a}. */
  public static float[] normalizeInPlace(float[] a) {
    float n = norm(a);
    if (n > 0f) {
      float inv = 1f / n;
      for (int i = 0; i < a.length; i++) a[i] *= inv;
    }
    return a;
  }

  /** Scales row {@code row} of a row-major matrix of width {@code dim} to unit length; a zero row stays zero. */
  public static void normalizeRow(float[] matrix, int row, int dim) {
    int off = row * dim;
    float s = 0f;
    for (int i = 0; i < dim; i++) s += matrix[off + i] * matrix[off + i];
    if (s <= 0f) return;
    float inv = (float) (1.0 / Math.sqrt(s));
    for (int i = 0; i < dim; i++) matrix[off + i] *= inv;
  }

  /** {@code acc += w * x}. */
  public static void addScaled(float[] acc, float[] x, float w) {
    for (int i = 0; i < acc.length; i++) acc[i] += w * x[i];
  }

  public static float cosine(float[] a, float[] b) {
    float na = norm(a), nb = norm(b);
    return na == 0f || nb == 0f ? 0f : dot(a, b) / (na * nb);
  }

  /** Little-endian float32 bytes, the on-disk form of a vector in every store. */
  public static byte[] toBytes(float[] v) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return buf.array();
  }

  public static float[] fromBytes(byte[] bytes) {
    if (bytes.length % 4 != 0) throw new IllegalArgumentException("vector blob length " + bytes.length + " is not a multiple of 4");
    float[] v = new float[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
