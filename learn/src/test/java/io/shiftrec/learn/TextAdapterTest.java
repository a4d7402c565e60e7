package io.shiftrec.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextAdapterTest {
  private static final int D = 8, ITEMS = 200, WARM = 160, USERS = 300;

  /**
   * Two item groups (even, odd) whose text carries the group only in a faint first coordinate, drowned by seven
   * coordinates of noise, so raw cosines barely see it. Every user takes 15 warm items (0..159) of one group; items
   * 160..199 are cold: nobody took them in training.
   */
  private static float[] groupEmbeddings() {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[ITEMS * D];
    for (int i = 0; i < ITEMS; i++) {
      x[i * D] = i % 2 == 0 ? 0.15f : -0.15f;
      double s = x[i * D] * x[i * D];
      for (int j = 1; j < D; j++) {
        x[i * D + j] = (float) (r.nextDouble() * 2 - 1);
        s += x[i * D + j] * x[i * D + j];
      }
      for (int j = 0; j < D; j++) x[i * D + j] /= (float) Math.sqrt(s);
    }
    return x;
  }

  private static Interactions groupSequences() {
    SplittableRandom r = new SplittableRandom(5);
    int[] offsets = new int[USERS + 1];
    int[] items = new int[USERS * 15];
    for (int u = 0; u < USERS; u++) {
      int group = u % 2;
      int[] mine = r.ints(0, WARM / 2).distinct().limit(15).map(k -> 2 * k + group).toArray();
      System.arraycopy(mine, 0, items, u * 15, 15);
      offsets[u + 1] = (u + 1) * 15;
    }
    float[] w = new float[items.length];
    Arrays.fill(w, 1f);
    return new Interactions(USERS, ITEMS, offsets, items, w);
  }

  private static TextAdapter.Config small() {
    return new TextAdapter.Config(0, 10, 0.2f, 0.01f, 0f, 0f, 0f, 0f, 0, 32, 300, 25, 3);
  }

  /** Share of each user's 10 nearest cold items (cosine with their mean vector) that are of their group. */
  private static double coldPurity(float[] vectors, Interactions seq) {
    double pure = 0;
    for (int u = 0; u < USERS; u++) {
      float[] q = new float[D];
      for (int p = seq.offsets()[u]; p < seq.offsets()[u + 1]; p++) {
        for (int j = 0; j < D; j++) q[j] += vectors[seq.items()[p] * D + j];
      }
      Integer[] cold = new Integer[ITEMS - WARM];
      for (int c = 0; c < cold.length; c++) cold[c] = WARM + c;
      float[] s = new float[ITEMS];
      for (int i = WARM; i < ITEMS; i++) for (int j = 0; j < D; j++) s[i] += vectors[i * D + j] * q[j];
      Arrays.sort(cold, (a, b) -> Float.compare(s[b], s[a]));
      for (int k = 0; k < 10; k++) if (cold[k] % 2 == u % 2) pure += 0.1;
    }
    return pure / USERS;
  }

  @Test
  void learnsFromBehaviourADirectionTheRawSpaceHardlyUsesAndCarriesItToColdItems() {
    float[] x = groupEmbeddings();
    Interactions seq = groupSequences();
    TextAdapter a = TextAdapter.fit(x, D, seq, small(), 11, 300);
    double raw = coldPurity(x, seq), adapted = coldPurity(a.adaptAll(x), seq);
    assertTrue(raw < 0.8, "raw purity " + raw);
    assertTrue(adapted > 0.95, "adapted purity " + adapted + " (raw " + raw + ")");
  }

  @Test
  void startsAtTheIdentity() {
    float[] x = groupEmbeddings();
    TextAdapter a = TextAdapter.fit(x, D, groupSequences(), small(), 11, 0);
    assertArrayEquals(x, a.adaptAll(x), 1e-6f);
  }

  @Test
  void selectionBeatsTheRawSpaceOnValidationAndRecordsItsChoices() {
    TextAdapter.Selection s = TextAdapter.select(groupEmbeddings(), D, groupSequences(),
        small().withMaxSteps(100), 11, 200);
    assertTrue((int) s.chosen().get("steps") > 0, s.chosen().toString());
    assertTrue((double) s.chosen().get("val_ndcg10_cold") > (double) s.chosen().get("val_ndcg10_raw_cold"),
        s.chosen().toString());
    assertTrue(s.chosen().containsKey("decay") && s.chosen().containsKey("dropout")
        && s.chosen().containsKey("crop") && s.chosen().containsKey("residual_min"), s.chosen().toString());
  }

  @Test
  void sameSeedSameAdapterOtherSeedAnother() {
    float[] x = groupEmbeddings();
    TextAdapter.Config c = new TextAdapter.Config(0, 10, 0.2f, 0.01f, 0.01f, 0.2f, 0.3f, 0.2f, 5, 32, 50, 25, 3);
    TextAdapter a = TextAdapter.fit(x, D, groupSequences(), c, 7, 50);
    TextAdapter b = TextAdapter.fit(x, D, groupSequences(), c, 7, 50);
    TextAdapter other = TextAdapter.fit(x, D, groupSequences(), c, 8, 50);
    assertArrayEquals(a.weights(), b.weights());
    assertArrayEquals(a.residuals(), b.residuals());
    assertArrayEquals(a.residualItems(), b.residualItems());
    assertTrue(a.residualItems().length > 0);
    assertFalse(Arrays.equals(a.weights(), other.weights()));
  }

  /** The analytic gradient of the in-batch softmax loss against central differences, for W and the residuals. */
  @Test
  void gradientMatchesFiniteDifferences() {
    float[] x = groupEmbeddings();
    TextAdapter.Config c = new TextAdapter.Config(0, 5, 0.5f, 0.01f, 0f, 0f, 0f, 0f, 1, 8, 10, 5, 1, 1f);
    TextAdapter.Trainer t = new TextAdapter.Trainer(x, D, groupSequences(), c, 3);
    for (int s = 0; s < 5; s++) t.step(); // away from the identity, residuals non-zero
    int b = t.sample();
    t.lossAndGradient(b);
    float[] gr = t.gradR.clone();
    float[][] gw = new float[D][];
    for (int j = 0; j < D; j++) gw[j] = t.gradW[j].clone();
    SplittableRandom r = new SplittableRandom(1);
    for (int check = 0; check < 30; check++) {
      boolean residual = check % 3 == 2;
      int k = r.nextInt(residual ? t.residuals.length : D * D);
      float[] param = residual ? t.residuals : t.w[k / D];
      int at = residual ? k : k % D;
      float saved = param[at], eps = 1e-2f;
      param[at] = saved + eps;
      double plus = t.lossAndGradient(b);
      param[at] = saved - eps;
      double minus = t.lossAndGradient(b);
      param[at] = saved;
      double numeric = (plus - minus) / (2 * eps), analytic = residual ? gr[k] : gw[k / D][k % D];
      assertEquals(numeric, analytic, 2e-4 + 0.03 * Math.abs(numeric), (residual ? "residual " : "W ") + k);
    }
  }

  @Test
  void badConfigAndInputsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 0, 0.1f, 0.001f, 0f, 0f, 0f, 0f, 0, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 10, 0f, 0.001f, 0f, 0f, 0f, 0f, 0, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 10, 0.1f, 0.001f, 0f, 1f, 0f, 0f, 0, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 10, 0.1f, 0.001f, -0.1f, 0f, 0f, 0f, 0, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(-1, 10, 0.1f, 0.001f, 0f, 0f, 0f, 0f, 0, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 10, 0.1f, 0.001f, 0f, 0f, 0f, 0f, -2, 128, 10, 5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter.Config(0, 10, 0.1f, 0.001f, 0f, 0f, 0f, 0f, 0, 128, 10, 5, 1, 1.5f));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> TextAdapter.Config.defaults().with("learning_rate", "0.1"));
    assertTrue(unknown.getMessage().contains("lr"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TextAdapter.Config.defaults().with("history", "ten"));
    assertEquals(7, TextAdapter.Config.defaults().with("history", "7").history());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TextAdapter.fit(new float[ITEMS * D - 1], D, groupSequences(), small(), 1, 1));
    assertTrue(e.getMessage().contains("rows of " + D), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter(small(), D, new float[D * D - 1], new int[0], new float[0]));
    assertThrows(IllegalArgumentException.class,
        () -> new TextAdapter(small(), D, new float[D * D], new int[] {3, 2}, new float[2 * D]));
  }

  @Test
  void aSmallerOutputDimensionProjectsToIt() {
    float[] x = groupEmbeddings();
    TextAdapter.Config c = new TextAdapter.Config(4, 10, 0.2f, 0.01f, 0f, 0f, 0f, 0f, 0, 32, 20, 10, 1);
    TextAdapter a = TextAdapter.fit(x, D, groupSequences(), c, 2, 20);
    float[] out = a.adaptAll(x);
    assertEquals(ITEMS * 4, out.length);
    double norm = 0;
    for (int j = 0; j < 4; j++) norm += out[j] * out[j];
    assertEquals(1.0, norm, 1e-5);
  }
}
