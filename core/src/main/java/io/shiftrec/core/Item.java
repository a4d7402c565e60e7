package io.shiftrec.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something that can be recommended. {@code text} is an optional longer description; {@code language} is a BCP-47
 * tag such as "en" or "zh" when known, or null to let the encoder detect it.
 */
public record Item(String id, String domain, String title, String text, List<String> categories, String language,
                   Map<String, Object> attributes) {
  public Item {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(title, "title");
    categories = categories == null ? List.of() : List.copyOf(categories);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
