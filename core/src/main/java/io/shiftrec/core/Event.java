package io.shiftrec.core;

import java.util.Map;
import java.util.Objects;

/**
 * One time-stamped (or ordered) interaction. Exactly one clock is usually set: {@code timestamp} in Unix seconds, or
 * {@code position} (order within the user) when a dataset has no time. {@code value} is NaN when absent (a rating's
 * stars otherwise). {@code item} may be null for a search with no clicked item.
 */
public record Event(String user, String item, EventType type, double value, Long timestamp, Long position,
                    String domain, String text, Map<String, Object> context) {
  public Event {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(type, "type");
    context = context == null ? Map.of() : Map.copyOf(context);
  }

  public boolean hasValue() {
    return !Double.isNaN(value);
  }

  /** The event's place on the user's clock: timestamp when known, else position. */
  public long clock() {
    return timestamp != null ? timestamp : position != null ? position : 0L;
  }
}
