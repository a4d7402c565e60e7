package io.shiftrec.ranker;

import io.shiftrec.candidates.FactorArtifact;
import io.shiftrec.candidates.FactorModel;

import io.shiftrec.core.TrainingData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.learn.Factors;
import io.shiftrec.learn.ImplicitAls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactorModelTest {
  /** Users 0-2 took items 0 and 1; user 3 took only item 0; users 4-5 took items 2 and 3. */
  private static TrainingData data() {
    Catalog.Builder c = Catalog.builder();
    for (int i = 0; i < 4; i++) c.add(new Item("i" + i, "A", "t" + i, null, null, "en", null), null, null);
    TrainingData.Builder b = TrainingData.builder(c.build(), new String[] {"u0", "u1", "u2", "u3", "u4", "u5"});
    int[][] rows = {{0, 1}, {0, 1}, {0, 1}, {0}, {2, 3}, {2, 3}};
    for (int u = 0; u < rows.length; u++) for (int i : rows[u]) b.add(u, i, 1f, i);
    return b.build();
  }

  @Test
  void ialsRanksTheCoConsumedItemFirstAndReportsEveryEpoch() {
    FactorModel model = FactorModel.ials("ials", new ImplicitAls.Config(4, 0.1f, 3f, 6, 3));
    List<Integer> epochs = new ArrayList<>();
    Factors f = model.fit(data(), 1, (epoch, loss, current) -> epochs.add(epoch));
    assertEquals(List.of(1, 2, 3, 4, 5, 6), epochs);
    float[] s = new float[4];
    model.score(3, s);
    assertTrue(s[1] > s[2] && s[1] > s[3], Arrays.toString(s));
    float[] snapshot = new float[4];
    FactorModel.scoring("ials", f).score(3, snapshot);
    assertArrayEquals(s, snapshot);
  }

  @Test
  void artefactBytesRoundTrip() {
    TrainingData d = data();
    FactorModel model = (FactorModel) Models.create("bpr:factors=3:epochs=2");
    Factors f = model.fit(d, 5, (epoch, loss, current) -> {});
    FactorArtifact back = FactorArtifact.fromBytes(FactorArtifact.of(d, f).toBytes());
    assertArrayEquals(new String[] {"u0", "u1", "u2", "u3", "u4", "u5"}, back.userIds());
    assertArrayEquals(new String[] {"i0", "i1", "i2", "i3"}, back.itemIds());
    assertEquals(3, back.factors().rank());
    assertArrayEquals(f.users(), back.factors().users());
    assertArrayEquals(f.items(), back.factors().items());
    assertArrayEquals(f.itemBias(), back.factors().itemBias());
    byte[] bytes = FactorArtifact.of(d, f).toBytes();
    assertThrows(IllegalArgumentException.class, () -> FactorArtifact.fromBytes(Arrays.copyOf(bytes, 40)));
    bytes[3] = 9; // another format
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FactorArtifact.fromBytes(bytes)).getMessage()
        .contains("format"));
  }

  @Test
  void factorsReadBackMustMatchTheData() {
    Factors f = new Factors(2, 1, 4, new float[2], new float[8], new float[4]);
    assertThrows(IllegalArgumentException.class, () -> FactorModel.scoring("ials", f).fit(data(), 1));
  }
}
