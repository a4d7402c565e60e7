package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedbackTest {
  static Event of(EventType t, double value) {
    return new Event("u", "i", t, value, 1L, null, null, null, Map.of());
  }

  @Test
  void lowRatingsAreNegativeEvidence() {
    assertTrue(Feedback.weight(of(EventType.RATING, 1)) < 0);
    assertEquals(0.0, Feedback.weight(of(EventType.RATING, 3)));
    assertTrue(Feedback.weight(of(EventType.RATING, 5)) > Feedback.weight(of(EventType.RATING, 4)));
  }

  @Test
  void strongerActionsWeighMore() {
    double purchase = Feedback.weight(of(EventType.PURCHASE, Double.NaN));
    double cart = Feedback.weight(of(EventType.CART, Double.NaN));
    double click = Feedback.weight(of(EventType.CLICK, Double.NaN));
    double view = Feedback.weight(of(EventType.VIEW, Double.NaN));
    assertTrue(purchase > cart && cart > click && click > view && view > 0);
  }
}
