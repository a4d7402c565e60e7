package io.shiftrec.ranker;

import io.shiftrec.candidates.Model;
import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Two domains whose tastes correspond by a rule the text space does not show: users of food cluster j buy kitchen
 * cluster (j + 1) mod 4, and the kitchen clusters lie in directions orthogonal to the food ones. A learned mapping
 * finds the rule from bridge users; a newcomer to kitchen with food history only is served the right cluster.
 */
class CrossDomainTransferTest {
  private static final int CLUSTERS = 4;
  private static final int PER_CLUSTER = 5;
  private static final int DIM = 8;

  private static Catalog catalog(SplittableRandom rnd) {
    Catalog.Builder b = Catalog.builder();
    for (String domain : new String[] {"food", "kitchen"}) {
      for (int c = 0; c < CLUSTERS; c++) {
        for (int k = 0; k < PER_CLUSTER; k++) {
          float[] v = new float[DIM];
          v[domain.equals("food") ? c : CLUSTERS + c] = 1f;
          for (int j = 0; j < DIM; j++) v[j] += 0.1f * (float) rnd.nextGaussian();
          b.add(new Item(domain + c + "-" + k, domain, domain + " " + c, null, null, "en", null), "m", v);
        }
      }
    }
    return b.build();
  }

  private static int item(Catalog catalog, String domain, int cluster, int k) {
    return catalog.indexOf(domain + cluster + "-" + k);
  }

  /** 400 bridge users whose food cluster j predicts kitchen cluster j + 1, and one newcomer with food items only. */
  private static TrainingData bridgeData(Catalog catalog, SplittableRandom rnd, int taste) {
    int bridge = 400; // 80 of them validate, the rest fit
    String[] users = new String[bridge + 1];
    for (int u = 0; u <= bridge; u++) users[u] = "u" + u;
    TrainingData.Builder b = TrainingData.builder(catalog, users);
    for (int u = 0; u < bridge; u++) {
      int c = u % CLUSTERS;
      long clock = 0;
      for (int k = 0; k < 3; k++) b.add(u, item(catalog, "food", c, rnd.nextInt(PER_CLUSTER)), 1f, clock++);
      for (int k = 0; k < 3; k++) {
        b.add(u, item(catalog, "kitchen", (c + 1) % CLUSTERS, rnd.nextInt(PER_CLUSTER)), 1f, clock++);
      }
    }
    for (int k = 0; k < 3; k++) b.add(bridge, item(catalog, "food", taste, k), 1f, k);
    return b.build();
  }

  @Test
  void newcomerToADomainGetsTheClusterTheirOtherDomainPredicts() {
    SplittableRandom rnd = new SplittableRandom(5);
    Catalog catalog = catalog(rnd);
    int bridge = 400, newcomer = bridge, taste = 2, expected = (taste + 1) % CLUSTERS;
    TrainingData train = bridgeData(catalog, rnd, taste);

    Model transfer = Models.create("shiftrec-transfer");
    transfer.fit(train, 42);
    float[] scores = new float[catalog.size()];
    transfer.score(newcomer, scores);
    float worstExpected = Float.POSITIVE_INFINITY, bestOther = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < CLUSTERS; c++) {
      for (int k = 0; k < PER_CLUSTER; k++) {
        float s = scores[item(catalog, "kitchen", c, k)];
        if (c == expected) worstExpected = Math.min(worstExpected, s);
        else bestOther = Math.max(bestOther, s);
      }
    }
    assertTrue(worstExpected > bestOther, "every item of kitchen cluster " + expected + " ranks above the others");

    Map<String, Object> fitted = transfer.fitted();
    assertEquals(bridge, fitted.get("bridge_users"));
    assertTrue(fitted.containsKey("food->kitchen") && fitted.containsKey("kitchen->food"), fitted.toString());
    assertTrue(((Map<?, ?>) fitted.get("food->kitchen")).containsKey("chosen_source"), fitted.toString());
  }

  @Test
  void sameDataAndSeedGiveTheSameScoresAndChoices() {
    Catalog catalog = catalog(new SplittableRandom(5));
    TrainingData train = bridgeData(catalog, new SplittableRandom(6), 1);
    float[][] scores = new float[2][catalog.size()];
    Object[] fitted = new Object[2];
    for (int run = 0; run < 2; run++) {
      Model transfer = Models.create("shiftrec-transfer");
      transfer.fit(train, 7);
      transfer.score(400, scores[run]);
      fitted[run] = transfer.fitted().toString();
    }
    assertArrayEquals(scores[0], scores[1]);
    assertEquals(fitted[0], fitted[1]);
  }

  @Test
  void withoutTransferNothingIsFitted() {
    assertTrue(Models.create("shiftrec-zero-shot").fitted().isEmpty());
  }
}
