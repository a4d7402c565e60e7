package io.shiftrec.interest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Vectors;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterestProfileTest {
  static final int DIM = 16;
  private final InterestConfig config = InterestConfig.defaults();

  /** A unit vector near axis {@code axis}, jittered by {@code noise}. */
  static float[] near(int axis, double noise, Random rnd) {
    float[] v = new float[DIM];
    v[axis] = 1f;
    for (int j = 0; j < DIM; j++) v[j] += (float) (noise * rnd.nextGaussian());
    return Vectors.normalizeInPlace(v);
  }

  @Test
  void separateTastesBecomeSeparateInterestsWithLabels() {
    Random rnd = new Random(1);
    InterestProfile p = new InterestProfile(config, DIM);
    for (int t = 0; t < 20; t++) {
      boolean scifi = t % 2 == 0;
      p.observe(near(scifi ? 0 : 5, 0.1, rnd), 1, t, t, List.of(scifi ? "Sci-Fi" : "Romance"));
    }
    assertEquals(2, p.interests().size());
    assertEquals(List.of("Sci-Fi"), p.interests().get(0).topCategories(2));
    assertEquals(List.of("Romance"), p.interests().get(1).topCategories(2));
    assertEquals(10, p.interests().get(0).events());
    assertArrayEquals(new int[] {18, 16, 14}, java.util.Arrays.copyOf(p.interests().get(0).recentMembers(), 3));
    double[] mix = new double[2];
    p.mixture(mix);
    assertEquals(1.0, mix[0] + mix[1], 1e-9);
    assertTrue(mix[1] > mix[0], "the interest touched last leads the short-term share");
  }

  @Test
  void interestsStayBoundedAndFadedOnesAreReplaced() {
    Random rnd = new Random(2);
    InterestProfile p = new InterestProfile(config.withMaxInterests(3), DIM);
    for (int axis = 0; axis < DIM; axis++) {
      for (int t = 0; t < 40; t++) p.observe(near(axis, 0.05, rnd), 1, axis * 40L + t, axis, null);
      assertTrue(p.interests().size() <= 3);
    }
    // the newest taste is always among the interests: the old ones faded and were replaced
    float best = -1;
    for (Interest k : p.interests()) best = Math.max(best, Vectors.dot(k.centroid(), near(DIM - 1, 0, rnd)));
    assertTrue(best > 0.95f, "newest taste kept, got " + best);
  }

  @Test
  void dislikesLowerTheirInterestAndOpenNothing() {
    Random rnd = new Random(3);
    InterestProfile p = new InterestProfile(config, DIM);
    for (int t = 0; t < 5; t++) p.observe(near(0, 0.05, rnd), 1, t, t, null);
    double before = p.interests().get(0).longWeight();
    p.observe(near(0, 0.05, rnd), -2, 6, 6, null);
    p.observe(near(7, 0.05, rnd), -2, 7, 7, null); // a dislike far from every interest
    assertEquals(1, p.interests().size());
    assertTrue(p.interests().get(0).longWeight() < before - 1.5);
  }

  @Test
  void aSustainedMoveIsDetectedAsOneMigrationAndBoostsShortTerm() {
    Random rnd = new Random(4);
    InterestProfile p = new InterestProfile(config, DIM);
    for (int t = 0; t < 60; t++) p.observe(near(0, 0.1, rnd), 1, t, t, List.of("Thriller"));
    assertTrue(p.migrations().isEmpty(), "a stable taste is no migration: " + p.migrations());
    assertEquals(config.shortShare(), p.shortShare(), 1e-12);
    for (int t = 60; t < 100; t++) p.observe(near(9, 0.1, rnd), 1, t, t, List.of("History"));
    assertEquals(1, p.migrations().size(), p.migrations().toString());
    Migration m = p.migrations().get(0);
    assertEquals(0, m.from());
    assertEquals(1, m.to());
    assertTrue(m.clock() >= 60 && m.clock() < 66, "detected within a few events: " + m);
    assertTrue(m.strength() > 0.5, "strength is the misfit increase: " + m);
    assertEquals(List.of("History"), p.interests().get(1).topCategories(1));
    assertTrue(p.shortShare() < config.shortShare() + 0.01, "the boost has relaxed after many events");
  }

  @Test
  void incrementalUpdatesThroughStoredStateEqualARebuild() {
    for (long seed = 0; seed < 25; seed++) {
      Random rnd = new Random(seed);
      int n = 1 + rnd.nextInt(300);
      float[][] vectors = new float[n][];
      double[] weights = new double[n];
      int[] items = new int[n];
      for (int t = 0; t < n; t++) {
        // a random walk over tastes with random jumps, likes, dislikes and no-signal events
        vectors[t] = near(rnd.nextInt(rnd.nextBoolean() ? 3 : DIM), rnd.nextDouble() * 0.6, rnd);
        weights[t] = rnd.nextInt(10) == 0 ? -1 - rnd.nextInt(2) : rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble() * 2;
        items[t] = rnd.nextInt(1000);
      }
      InterestConfig c = config.withMaxInterests(1 + rnd.nextInt(8));
      InterestProfile rebuilt = new InterestProfile(c, DIM);
      for (int t = 0; t < n; t++) rebuilt.observe(vectors[t], weights[t], t, items[t], List.of("c" + items[t] % 7));
      byte[] state = new InterestProfile(c, DIM).toBytes();
      for (int t = 0; t < n; t++) {
        InterestProfile live = InterestProfile.fromBytes(c, state);
        live.observe(vectors[t], weights[t], t, items[t], List.of("c" + items[t] % 7));
        state = live.toBytes();
      }
      InterestProfile incremental = InterestProfile.fromBytes(c, state);
      assertEquals(rebuilt.interests().size(), incremental.interests().size(), "seed " + seed);
      for (int k = 0; k < rebuilt.interests().size(); k++) {
        Interest a = rebuilt.interests().get(k), b = incremental.interests().get(k);
        assertEquals(a.id(), b.id());
        assertArrayEquals(a.centroid(), b.centroid(), 1e-6f);
        assertEquals(a.longWeight(), b.longWeight(), 1e-9);
        assertEquals(a.shortWeight(), b.shortWeight(), 1e-9);
        assertEquals(a.topCategories(3), b.topCategories(3));
        assertArrayEquals(a.recentMembers(), b.recentMembers());
      }
      assertEquals(rebuilt.migrations(), incremental.migrations(), "seed " + seed);
      assertEquals(rebuilt.shortShare(), incremental.shortShare(), 1e-12);
    }
  }

  @Test
  void corruptStateIsRejectedWithAClearError() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> InterestProfile.fromBytes(config, new byte[] {0, 0, 0, 9}));
    assertTrue(e.getMessage().contains("interest profile"), e.getMessage());
  }
}
