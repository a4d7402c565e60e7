package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {
  @Test
  void valuesAreReadWithSpaceAroundThem() {
    assertEquals(-3, Parameters.integer("k", " -3 "));
    assertEquals(64, Parameters.positiveInt("factors", "64"));
    assertEquals(1e-3, Parameters.number("l2", "0.001"));
    assertEquals(0f, Parameters.nonNegative("reg", "0"));
    assertEquals(5_000_000_000L, Parameters.longInteger("rate_limit", "5000000000"));
    assertTrue(Parameters.bool("adapter", "TRUE"));
    assertFalse(Parameters.bool("adapter", " false"));
    assertEquals("factors", Parameters.key("factors=64", "ials:factors=64"));
    assertEquals("64", Parameters.value("factors=64"));
  }

  /** Every error is one line naming the setting, the value and what it must be. */
  @Test
  void badValuesAreNamed() {
    assertEquals("negatives of shiftrec-learned must be an integer, got 'many'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.integer("negatives of shiftrec-learned",
            "many")).getMessage());
    assertEquals("factors must be a positive integer, got '0'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.positiveInt("factors", "0")).getMessage());
    assertEquals("l2 must be a number, got 'NaN'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.number("l2", "NaN")).getMessage());
    assertEquals("reg must be a number ≥ 0, got '-1'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.nonNegative("reg", "-1")).getMessage());
    assertEquals("reads_need_key must be true or false, got 'yes'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.bool("reads_need_key", "yes")).getMessage());
    assertEquals("unknown hyperparameter 'size' of ials (known: factors, reg)",
        Parameters.unknown("ials", "size", List.of("factors", "reg")).getMessage());
    assertEquals("expected key=value after ':' in model 'ials:64', got '64'",
        assertThrows(IllegalArgumentException.class, () -> Parameters.key("64", "ials:64")).getMessage());
  }
}
