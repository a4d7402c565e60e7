package io.shiftrec.encoder;

import io.shiftrec.core.Item;
import io.shiftrec.core.TextHash;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The text embedded for an item: the configured fields in order, empty ones skipped, joined by " | ", e.g.
 * "Toy Story (1995) | Adventure, Animation, Children | A cowboy doll is threatened by a new spaceman figure."
 * The separators are neutral so one template suits Chinese and English alike.
 *
 * <p>Fields are "title", "categories" (joined by ", "), "text", or the name of an attribute (a list attribute is
 * joined like categories). The cache key {@link #hash(Item)} covers the composed text and the truncation, so changing
 * the template or {@code maxTokens} re-encodes.
 */
public final class ItemText {
  public static final List<String> DEFAULT_FIELDS = List.of("title", "categories", "text");

  private static final String SEPARATOR = " | ";
  private static final String LIST_SEPARATOR = ", ";

  private final List<String> fields;
  private final int maxTokens;

  /** {@code maxTokens} is the truncation the encoders apply: at most {@link BundledModels#MAX_TOKENS}. */
  public ItemText(List<String> fields, int maxTokens) {
    if (fields.isEmpty()) throw new IllegalArgumentException("an item text needs at least one field");
    if (maxTokens < 2 || maxTokens > BundledModels.MAX_TOKENS) {
      throw new IllegalArgumentException(
          "maxTokens must be in [2, " + BundledModels.MAX_TOKENS + "], got " + maxTokens);
    }
    this.fields = List.copyOf(fields);
    this.maxTokens = maxTokens;
  }

  /** Title, categories and text, truncated at the models' limit. */
  public static ItemText defaults() {
    return new ItemText(DEFAULT_FIELDS, BundledModels.MAX_TOKENS);
  }

  public int maxTokens() {
    return maxTokens;
  }

  public String compose(Item item) {
    List<String> parts = new ArrayList<>(fields.size());
    for (String field : fields) {
      String part = switch (field) {
        case "title" -> item.title();
        case "categories" -> String.join(LIST_SEPARATOR, item.categories());
        case "text" -> item.text();
        default -> attribute(item.attributes().get(field));
      };
      if (part != null && !part.isBlank()) parts.add(part.strip());
    }
    return String.join(SEPARATOR, parts);
  }

  /** The embedding cache key of the item under this template and truncation. */
  public String hash(Item item) {
    return hashOf(compose(item));
  }

  /** The cache key of an already composed text. */
  String hashOf(String composed) {
    return TextHash.of("max_tokens=" + maxTokens + "\n" + composed);
  }

  private static String attribute(Object value) {
    if (value == null) return null;
    if (value instanceof Collection<?> list) {
      List<String> parts = new ArrayList<>(list.size());
      for (Object o : list) if (o != null) parts.add(o.toString());
      return String.join(LIST_SEPARATOR, parts);
    }
    return value.toString();
  }
}
