package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void breaksTiesByLowerIndexAndReturnsBestFirst() {
    TopK top = new TopK(3);
    float[] s = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
    for (int i = 0; i < s.length; i++) top.offer(i, s[i]);
    float[] scores = new float[3];
    assertArrayEquals(new int[] {1, 4, 0}, top.drain(scores));
    assertArrayEquals(new float[] {0.9f, 0.9f, 0.5f}, scores);
  }
}
