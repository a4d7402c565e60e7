package io.shiftrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {
  @Test
  void sizesReadAsPeopleWriteThem() {
    assertEquals(new ScaleBenchmark.Size(10_000, 100_000), ScaleBenchmark.Size.parse("10k:100k"));
    assertEquals(new ScaleBenchmark.Size(1_000_000, 20_000_000), ScaleBenchmark.Size.parse("1M:20M"));
    assertEquals(new ScaleBenchmark.Size(2_500, 7_000), ScaleBenchmark.Size.parse("2500:7000"));
    assertThrows(IllegalArgumentException.class, () -> ScaleBenchmark.Size.parse("10k"));
    assertThrows(IllegalArgumentException.class, () -> ScaleBenchmark.Size.parse("5:100"));
    assertThrows(IllegalArgumentException.class, () -> ScaleBenchmark.Size.parse("10k:lots"));
    assertThrows(IllegalArgumentException.class, () -> ScaleBenchmark.Size.parse("9999999999999999999k:1"));
  }

  @Test
  void theGrowthExponentIsTheSlopeOnLogLogAxes() {
    // time = 3·size^1.5 exactly
    List<Map<String, Object>> rows = List.of(Map.of("events", 1_000L, "seconds", 3 * Math.pow(1_000, 1.5)),
        Map.of("events", 10_000L, "seconds", 3 * Math.pow(10_000, 1.5)),
        Map.of("events", 100_000L, "seconds", 3 * Math.pow(100_000, 1.5)));
    assertEquals(1.5, ScaleBenchmark.exponent(rows, "events", "seconds"), 1e-9);
  }
}
