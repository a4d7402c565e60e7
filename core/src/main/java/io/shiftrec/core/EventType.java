package io.shiftrec.core;

import java.util.Locale;

/** What a user did with an item. The names are the wire names of the generic format. */
public enum EventType {
  VIEW, CLICK, CART, PURCHASE, RATING, REVIEW, SEARCH;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; throws IllegalArgumentException naming the accepted values. */
  public static EventType parse(String name) {
    if (name != null) {
      for (EventType t : values()) {
        if (t.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) return t;
      }
    }
    throw new IllegalArgumentException("unknown event type '" + name
        + "' (expected view, click, cart, purchase, rating, review or search)");
  }
}
