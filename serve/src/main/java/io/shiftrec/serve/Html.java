package io.shiftrec.serve;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Markup that is safe to send: made only by {@link #of} from a template written in this code, whose {@code {}} holes
 * take values escaped as text (an {@code Html} value goes in as it is, being made the same way). Ids, titles, texts
 * and labels are user data, so no value reaches a page unescaped and no page can be made to run a script: the
 * escaping covers element content and double-quoted attribute values alike, and templates quote every attribute.
 */
final class Html {
  static final Html EMPTY = new Html("");

  private final String markup;

  private Html(String markup) {
    this.markup = markup;
  }

  /**
   * The template with each {@code {}} replaced by the next value: an {@code Html} as it is, null as nothing, anything
   * else as its {@code String.valueOf} escaped. The template itself must be a literal of this code, never data.
   */
  static Html of(String template, Object... values) {
    StringBuilder out = new StringBuilder(template.length() + 16 * values.length);
    int from = 0;
    int used = 0;
    for (int hole = template.indexOf("{}"); hole >= 0; hole = template.indexOf("{}", from)) {
      if (used == values.length) throw new IllegalArgumentException("more holes than values in " + template);
      out.append(template, from, hole);
      Object v = values[used++];
      if (v instanceof Html h) out.append(h.markup);
      else if (v != null) escape(String.valueOf(v), out);
      from = hole + 2;
    }
    if (used != values.length) throw new IllegalArgumentException("more values than holes in " + template);
    return new Html(out.append(template, from, template.length()).toString());
  }

  /** The parts one after another. */
  static Html join(List<Html> parts) {
    StringBuilder out = new StringBuilder();
    for (Html h : parts) out.append(h.markup);
    return new Html(out.toString());
  }

  /** Collects parts in order, then {@link #build}s them into one. */
  static final class Builder {
    private final List<Html> parts = new ArrayList<>();

    Builder add(String template, Object... values) {
      parts.add(of(template, values));
      return this;
    }

    Builder add(Html part) {
      parts.add(part);
      return this;
    }

    boolean isEmpty() {
      return parts.isEmpty();
    }

    Html build() {
      return join(parts);
    }
  }

  static Builder builder() {
    return new Builder();
  }

  /** {@code text} as HTML text, also safe inside a double- or single-quoted attribute value. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    escape(text, out);
    return out.toString();
  }

  private static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }

  /**
   * A path under this server: {@code prefix} (a literal such as {@code /ui/users/}) and {@code segment}
   * percent-encoded as one path segment, so an id cannot add segments, a query or a scheme. Escaped again as text
   * where it is put into an attribute.
   */
  static String path(String prefix, String segment) {
    return prefix + encode(segment);
  }

  /** {@code text} percent-encoded as UTF-8: every byte but letters, digits and {@code - . _ *}. */
  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return markup;
  }
}
