package io.shiftrec.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The scenario of a request ({@code context[key]=value} over HTTP, {@code --context key=value} on the command line):
 * a documented set of keys, each value checked. A request's context chooses the interests the user showed in events
 * whose context has every given value, so a key outside the set, which could never be matched on purpose, is refused
 * rather than silently ignored. Events may carry any context; these keys are the ones requests match on.
 */
public final class RequestContext {
  private RequestContext() {}

  /** The keys a request's context may have, in the order errors list them. */
  public static final List<String> KEYS = List.of("scenario", "page", "device", "hour", "weekday");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final List<String> WEEKDAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday",
      "saturday", "sunday");

  /**
   * The context as given, in key order, when every key is one of {@link #KEYS} and every value fits it;
   * IllegalArgumentException naming the first key or value that does not.
   */
  public static Map<String, String> checked(Map<String, String> context) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      String value = context.get(key);
      if (value != null) out.put(key, checkValue(key, value));
    }
    for (String key : context.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown context key '" + key + "': the keys are "
            + String.join(", ", KEYS));
      }
    }
    return out;
  }

  private static String checkValue(String key, String value) {
    boolean fits = switch (key) {
      case "hour" -> value.matches("[0-9]{1,2}") && Integer.parseInt(value) <= 23;
      case "weekday" -> WEEKDAYS.contains(value.toLowerCase(Locale.ROOT)) || value.matches("[1-7]");
      default -> NAME.matcher(value).matches();
    };
    if (!fits) {
      throw new IllegalArgumentException("context " + key + " '" + value + "' " + switch (key) {
        case "hour" -> "is not an hour of the day, 0 to 23";
        case "weekday" -> "is not a day of the week (monday … sunday, or 1 to 7 from Monday)";
        default -> "is not a name: letters, digits, '_', '.' and '-', at most 64, starting with a letter or digit";
      });
    }
    return value;
  }
}
