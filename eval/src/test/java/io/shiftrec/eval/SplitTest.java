package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitTest {
  /** Ten test users 10, 11, … 19; user 10 + t has t % 3 + 1 targets, numbered 100·user + j. */
  private static Split tenUsers() {
    int[] users = new int[10], offsets = new int[11];
    int[] targets = new int[30];
    int n = 0;
    for (int t = 0; t < 10; t++) {
      users[t] = 10 + t;
      for (int j = 0; j <= t % 3; j++) targets[n++] = 100 * users[t] + j;
      offsets[t + 1] = n;
    }
    return new Split("loo", null, users, offsets, java.util.Arrays.copyOf(targets, n), null);
  }

  @Test
  void aSampleKeepsSomeUsersWithTheirTargetsInOrder() {
    Split all = tenUsers();
    Split some = all.sampleUsers(4, 7);
    assertEquals(4, some.numTestUsers());
    for (int t = 0; t < 4; t++) {
      int user = some.testUsers()[t];
      if (t > 0) assertTrue(user > some.testUsers()[t - 1], "in the split's order");
      int[] own = java.util.Arrays.copyOfRange(some.targets(), some.targetOffsets()[t], some.targetOffsets()[t + 1]);
      int[] expected = new int[(user - 10) % 3 + 1];
      for (int j = 0; j < expected.length; j++) expected[j] = 100 * user + j;
      assertArrayEquals(expected, own);
    }
    assertEquals("4 of 10", some.info().get("test users sampled"));
    assertArrayEquals(some.testUsers(), all.sampleUsers(4, 7).testUsers(), "the same for the seed");
    assertSame(all, all.sampleUsers(10, 7), "nothing to leave out");
    assertThrows(IllegalArgumentException.class, () -> all.sampleUsers(0, 7));
  }
}
