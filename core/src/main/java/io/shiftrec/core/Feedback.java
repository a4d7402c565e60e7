package io.shiftrec.core;


/**
 * How much one event says about a user's taste. Positive is a like, negative a dislike, zero nothing. Explicit
 * ratings are centred on the middle of a five-star scale, so 1 and 2 stars count against an item.
 */
public final class Feedback {
  private Feedback() {}

  public static double weight(Event e) {
    return switch (e.type()) {
      case PURCHASE -> 1.0;
      case REVIEW -> e.hasValue() ? stars(e.value()) : 1.0;
      case RATING -> e.hasValue() ? stars(e.value()) : 0.0;
      case CART -> 0.7;
      case CLICK -> 0.4;
      case VIEW -> 0.2;
      case SEARCH -> 0.0;
    };
  }

  /** 5★ → 2, 4★ → 1, 3.5★ → 0.5, 3★ → 0, 1★ → −2. */
  private static double stars(double value) {
    return value - 3.0;
  }
}
