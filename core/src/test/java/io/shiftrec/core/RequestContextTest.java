package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestContextTest {
  @Test
  void theDocumentedKeysPassWithValuesThatFitThem() {
    Map<String, String> context = Map.of("device", "tv", "hour", "7", "weekday", "Monday", "scenario", "check-out",
        "page", "home.top");
    assertEquals(context, RequestContext.checked(context));
    assertEquals(Map.of("weekday", "7", "hour", "23"), RequestContext.checked(Map.of("weekday", "7", "hour", "23")));
    assertEquals(Map.of(), RequestContext.checked(Map.of()));
  }

  @Test
  void anUnknownKeyOrAValueThatDoesNotFitIsRefusedByName() {
    assertRefused("unknown context key 'colour': the keys are scenario, page, device, hour, weekday",
        Map.of("colour", "red"));
    assertRefused("context hour '24' is not an hour", Map.of("hour", "24"));
    assertRefused("context hour 'noon' is not an hour", Map.of("hour", "noon"));
    assertRefused("context weekday 'funday' is not a day", Map.of("weekday", "funday"));
    assertRefused("context weekday '8' is not a day", Map.of("weekday", "8"));
    assertRefused("context device 'smart tv' is not a name", Map.of("device", "smart tv"));
    assertRefused("context scenario '' is not a name", Map.of("scenario", ""));
    assertRefused("context page '" + "p".repeat(65) + "' is not a name", Map.of("page", "p".repeat(65)));
  }

  private static void assertRefused(String message, Map<String, String> context) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RequestContext.checked(context));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
