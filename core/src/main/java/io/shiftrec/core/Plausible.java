package io.shiftrec.core;

import java.nio.charset.StandardCharsets;

/**
 * What a stored id and event may hold. Writes refuse anything else, naming the field; reads skip a stored row that
 * breaks these rules (it can only come from an older version), so one bad row never breaks a user.
 *
 * <ul>
 *   <li>An id is 1 to {@value #MAX_ID_BYTES} UTF-8 bytes of valid Unicode with no control character, so every id can
 *       be written in a URL path within the server's limits and erased again.</li>
 *   <li>A rating or a review's stars lie on the scale {@value #MIN_STARS} to {@value #MAX_STARS}; any other value
 *       lies within ±{@value #MAX_VALUE}.</li>
 *   <li>A timestamp lies between 1970 and a day after now.</li>
 * </ul>
 */
public final class Plausible {
  public static final int MAX_ID_BYTES = 256;
  public static final double MIN_STARS = 0;
  public static final double MAX_STARS = 5;
  public static final double MAX_VALUE = 1e9;
  /** How far ahead of the clock a timestamp may be: a day, for clocks that disagree. */
  public static final long MAX_SECONDS_AHEAD = 86_400;

  private Plausible() {}

  /** Why {@code id} cannot be an id, or null when it can. */
  public static String idProblem(String id) {
    if (id.isEmpty()) return "must not be empty";
    if (id.length() > MAX_ID_BYTES || id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      return "longer than " + MAX_ID_BYTES + " UTF-8 bytes";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isISOControl(c)) return "contains the control character U+" + hex(c);
      if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "is not valid Unicode (a lone surrogate U+" + hex(c) + ")";
      }
    }
    return null;
  }

  /** Why the event's value cannot be stored, or null. */
  public static String valueProblem(EventType type, double value) {
    if (Double.isNaN(value)) return null;
    if (type == EventType.RATING || type == EventType.REVIEW) {
      return value >= MIN_STARS && value <= MAX_STARS ? null
          : "a rating must lie between " + number(MIN_STARS) + " and " + number(MAX_STARS) + ", got " + value;
    }
    return Math.abs(value) <= MAX_VALUE ? null : "must lie between -1e9 and 1e9, got " + value;
  }

  /** Why the timestamp cannot be stored at {@code nowSeconds}, or null. */
  public static String timestampProblem(long timestamp, long nowSeconds) {
    if (timestamp < 0) return "before 1970 (" + timestamp + ")";
    if (timestamp > nowSeconds + MAX_SECONDS_AHEAD) return "more than a day in the future (" + timestamp + ")";
    return null;
  }

  /** The first rule a stored event breaks, as "field 'x': why", or null when it breaks none. */
  public static String eventProblem(Event e, long nowSeconds) {
    String problem = idProblem(e.user());
    if (problem != null) return "field 'user': " + problem;
    if (e.item() != null && (problem = idProblem(e.item())) != null) return "field 'item': " + problem;
    if ((problem = valueProblem(e.type(), e.value())) != null) return "field 'value': " + problem;
    if (e.timestamp() != null && (problem = timestampProblem(e.timestamp(), nowSeconds)) != null) {
      return "field 'timestamp': " + problem;
    }
    return null;
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
