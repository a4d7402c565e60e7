package io.shiftrec.core;

/** Keeps the k best (index, score) pairs seen, in a min-heap over primitive arrays; ties go to the lower index. */
public final class TopK {
  private final int[] index;
  private final float[] score;
  private int size;

  public TopK(int k) {
    index = new int[k];
    score = new float[k];
  }

  public void offer(int i, float s) {
    if (index.length == 0) return;
    if (size < index.length) {
      index[size] = i;
      score[size] = s;
      siftUp(size++);
    } else if (better(i, s, index[0], score[0])) {
      index[0] = i;
      score[0] = s;
      siftDown(0);
    }
  }

  private static boolean better(int i, float s, int j, float t) {
    return s > t || s == t && i < j;
  }

  private void siftUp(int c) {
    while (c > 0) {
      int p = (c - 1) / 2;
      if (!better(index[p], score[p], index[c], score[c])) break;
      swap(p, c);
      c = p;
    }
  }

  private void siftDown(int p) {
    while (true) {
      int l = 2 * p + 1, r = l + 1, worst = p;
      if (l < size && better(index[worst], score[worst], index[l], score[l])) worst = l;
      if (r < size && better(index[worst], score[worst], index[r], score[r])) worst = r;
      if (worst == p) return;
      swap(p, worst);
      p = worst;
    }
  }

  private void swap(int a, int b) {
    int ti = index[a]; index[a] = index[b]; index[b] = ti;
    float ts = score[a]; score[a] = score[b]; score[b] = ts;
  }

  /** Indices best first; scores into {@code scoresOut} when not null. */
  public int[] drain(float[] scoresOut) {
    int n = size;
    int[] outIdx = new int[n];
    for (int k = n - 1; k >= 0; k--) {
      outIdx[k] = index[0];
      if (scoresOut != null) scoresOut[k] = score[0];
      index[0] = index[size - 1];
      score[0] = score[size - 1];
      size--;
      siftDown(0);
    }
    return outIdx;
  }
}
