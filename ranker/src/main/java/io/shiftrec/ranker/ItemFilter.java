package io.shiftrec.ranker;

import io.shiftrec.core.Item;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A condition on items in the filter language of docs/FILTERS.md, such as
 * {@code domain = "Books" and attributes.price < 20 and not "Horror" in categories}.
 *
 * <p>{@link #parse} checks all it can (fields, operators, value types), so a bad filter is refused before any item
 * is read. The result is a tree of nodes whose {@link #test} allocates nothing: it runs for every catalogue item of
 * every request. Immutable and thread-safe.
 *
 * <p>A missing attribute (or an unknown language) makes every comparison on it false, {@code !=} and {@code not in}
 * included; only {@code has} and an enclosing {@code not} see it otherwise.
 */
public final class ItemFilter implements Predicate<Item> {
  /** The longest filter, in characters. */
  public static final int MAX_LENGTH = 2000;
  /** The deepest nesting of parentheses. */
  public static final int MAX_DEPTH = 32;

  private final String text;
  private final Node root;

  private ItemFilter(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /**
   * Parses a filter.
   *
   * @throws BadFilter naming the problem and its column
   */
  public static ItemFilter parse(String text) {
    return parse(text, Map.of());
  }

  /**
   * Parses a filter that may also name {@code moreFields}: text fields the caller keeps beside its items (the service's
   * {@code created_at} and {@code updated_at}, as ISO-8601 instants, which compare in time order as text). A field
   * whose function gives null for an item is missing for it.
   *
   * @throws BadFilter naming the problem and its column
   */
  public static ItemFilter parse(String text, Map<String, Function<Item, Object>> moreFields) {
    Objects.requireNonNull(text, "text");
    int length = text.codePointCount(0, text.length());
    if (length > MAX_LENGTH) {
      throw new BadFilter(MAX_LENGTH + 1, String.format(Locale.ROOT,
          "filter is %,d characters long; the limit is %,d", length, MAX_LENGTH));
    }
    return new ItemFilter(text, new Parser(text, moreFields).filter());
  }

  /** Whether the item passes. */
  @Override
  public boolean test(Item item) {
    return root.test(item);
  }

  /** The filter as it was written. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A filter that cannot be parsed; the message reads {@code column 17: expected a value after '<', found ...}. */
  public static final class BadFilter extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int column;

    BadFilter(int column, String problem) {
      super("column " + column + ": " + problem);
      this.column = column;
    }

    /** Where the problem is: 1 for the first character of the filter. */
    public int column() {
      return column;
    }
  }

  private interface Node {
    boolean test(Item item);
  }

  /** A test on one value of a field; a list value passes when one of its elements does. */
  private interface Match {
    boolean test(Object value);
  }

  /** {@link Literal#compare}'s answer where there is no order: other types, or NaN. */
  private static final int UNORDERED = 2;

  private enum Op {
    EQ, NE, LT, LE, GT, GE;

    boolean holds(int c) {
      return c != UNORDERED && switch (this) {
        case EQ, NE -> c == 0; // the node negates NE, so that a missing field stays false
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        case GE -> c >= 0;
      };
    }
  }

  /**
   * A value written in the filter: {@code value} is its String or Boolean, null for a number. A number is kept as a
   * double and, when written whole, also as a long, so that whole attributes compare exactly beyond 2^53 (large ids).
   */
  private record Literal(Object value, double number, long whole, boolean isWhole, String source, int column) {
    /** -1, 0 or 1 as {@code v} is below, equal to or above this literal; {@link #UNORDERED} when they don't compare. */
    int compare(Object v) {
      if (value instanceof String s) return v instanceof String t ? Integer.signum(t.compareTo(s)) : UNORDERED;
      if (value instanceof Boolean b) return v instanceof Boolean c ? (b.equals(c) ? 0 : 1) : UNORDERED;
      if (!(v instanceof Number n)) return UNORDERED;
      if (isWhole && (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte)) {
        return Long.compare(n.longValue(), whole);
      }
      double x = n.doubleValue();
      return x < number ? -1 : x > number ? 1 : x == number ? 0 : UNORDERED;
    }
  }

  /** {@code text}: a built-in field, a string (language: or unknown), compared with strings only. */
  private record Field(String name, Function<Item, Object> get, boolean text, boolean attribute) {}

  /** The field passes {@code m} (on a list, one element does), or with {@code negated} it is present and fails. */
  private static Node on(Function<Item, Object> field, Match m, boolean negated) {
    return item -> {
      Object v = field.apply(item);
      return v != null && any(v, m) != negated;
    };
  }

  private static boolean any(Object v, Match m) {
    if (!(v instanceof List<?> list)) return m.test(v);
    for (int i = 0; i < list.size(); i++) { // indexed: no iterator per item
      if (m.test(list.get(i))) return true;
    }
    return false;
  }

  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "has");
  private static final String FIELDS = "id, domain, title, language, categories, attributes.NAME";
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  /** Recursive descent over a lexer that reads one token ahead, so the first problem in the text is the one told. */
  private static final class Parser {
    private enum Kind { WORD, STRING, NUMBER, SYMBOL, END }

    private final String src;
    private int pos;
    private int depth;
    // the current token; string holds a string literal's value
    private Kind kind;
    private String token;
    private String string;
    private int start;
    /** The token before, as messages name it. */
    private String after;

    private final Map<String, Function<Item, Object>> moreFields;

    Parser(String src, Map<String, Function<Item, Object>> moreFields) {
      this.src = src;
      this.moreFields = moreFields;
      advance();
    }

    Node filter() {
      if (kind == Kind.END) throw bad(0, "empty filter");
      Node n = or();
      if (kind == Kind.END) return n;
      if (isSymbol(")")) throw bad(start, "')' has no matching '('");
      throw expected("'and', 'or' or end of filter");
    }

    private Node or() {
      return chain("or", this::and, true);
    }

    private Node and() {
      return chain("and", this::unary, false);
    }

    /** Operands joined by {@code keyword}; {@code or} decides which answer of a part settles the whole. */
    private Node chain(String keyword, Supplier<Node> operand, boolean or) {
      List<Node> parts = new ArrayList<>();
      parts.add(operand.get());
      while (acceptWord(keyword)) parts.add(operand.get());
      if (parts.size() == 1) return parts.get(0);
      Node[] p = parts.toArray(new Node[0]);
      return item -> {
        for (Node n : p) {
          if (n.test(item) == or) return or;
        }
        return !or;
      };
    }

    private Node unary() {
      boolean not = false;
      while (acceptWord("not")) not = !not; // a loop, not recursion: a run of nots adds no depth
      Node n = condition();
      return not ? item -> !n.test(item) : n;
    }

    private Node condition() {
      if (isSymbol("(")) {
        int open = start;
        if (++depth > MAX_DEPTH) throw bad(open, "more than " + MAX_DEPTH + " nested parentheses");
        advance();
        Node n = or();
        if (!isSymbol(")")) {
          throw bad(start, "'(' at column " + column(open) + " is not closed: expected 'and', 'or' or ')', found "
              + describe());
        }
        advance();
        depth--;
        return n;
      }
      if (acceptWord("has")) {
        int at = start;
        Field f = field();
        if (!f.attribute) throw bad(at, "has tests an attribute (has attributes.NAME), not '" + f.name + "'");
        Function<Item, Object> get = f.get;
        return item -> get.apply(item) != null;
      }
      Literal lit = literal();
      if (lit != null) return inCategories(lit);
      if (kind != Kind.WORD || KEYWORDS.contains(token.toLowerCase(Locale.ROOT))) throw expected("a condition");
      int at = start;
      Field f = field();
      if (f.name.equals("categories")) throw categoriesMisused(at);
      boolean not = acceptWord("not");
      if (acceptWord("in")) return in(f, not);
      if (not) throw expected("'in'");
      Op op = switch (kind == Kind.SYMBOL ? token : "") {
        case "=" -> Op.EQ;
        case "!=" -> Op.NE;
        case "<" -> Op.LT;
        case "<=" -> Op.LE;
        case ">" -> Op.GT;
        case ">=" -> Op.GE;
        default -> throw expected("=, !=, <, <=, >, >=, in or not in");
      };
      int opAt = start;
      String written = token;
      advance();
      Literal v = checked(f, value());
      if (op != Op.EQ && op != Op.NE && v.value instanceof Boolean) {
        throw bad(opAt, "'" + written + "' orders numbers and strings, not true and false");
      }
      // != is = negated, on a present field: on a list, no element equals
      return on(f.get, x -> op.holds(v.compare(x)), op == Op.NE);
    }

    /** {@code "x" in categories}, {@code "x" not in categories}, the literal read. */
    private Node inCategories(Literal lit) {
      boolean not = acceptWord("not");
      if (!acceptWord("in")) throw expected(not ? "'in'" : "'in' or 'not in'");
      if (kind != Kind.WORD || !token.equalsIgnoreCase("categories")) {
        boolean attribute = kind == Kind.WORD && token.toLowerCase(Locale.ROOT).startsWith("attributes");
        throw expected("'categories'", attribute ? "; for a list attribute write " + token + " = " + lit.source : "");
      }
      advance();
      if (!(lit.value instanceof String s)) {
        throw new BadFilter(lit.column, "categories are strings: write \"" + lit.source + "\" in categories");
      }
      return on(Item::categories, s::equals, not);
    }

    /** {@code FIELD in (v, ...)} after the {@code in}. */
    private Node in(Field f, boolean not) {
      if (!isSymbol("(")) throw expected("'('");
      advance();
      Set<String> strings = new HashSet<>();
      List<Literal> others = new ArrayList<>();
      do {
        Literal v = checked(f, value());
        if (v.value instanceof String s) strings.add(s);
        else others.add(v);
      } while (acceptSymbol(","));
      if (!isSymbol(")")) throw expected("',' or ')'");
      advance();
      Literal[] rest = others.toArray(new Literal[0]);
      return on(f.get, v -> {
        if (v instanceof String s) return strings.contains(s);
        for (Literal l : rest) {
          if (l.compare(v) == 0) return true;
        }
        return false;
      }, not);
    }

    private Field field() {
      if (kind != Kind.WORD) throw expected("a field");
      int at = start;
      String word = token;
      String lower = word.toLowerCase(Locale.ROOT);
      advance();
      Field f = switch (lower) {
        case "id" -> new Field("id", Item::id, true, false);
        case "domain" -> new Field("domain", Item::domain, true, false);
        case "title" -> new Field("title", Item::title, true, false);
        case "language" -> new Field("language", Item::language, true, false);
        case "categories" -> new Field("categories", Item::categories, false, false);
        case "attributes" -> bracketAttribute();
        default -> {
          if (moreFields.containsKey(lower)) yield new Field(lower, moreFields.get(lower), true, false);
          if (!lower.startsWith("attributes.")) {
            throw bad(at, "unknown field '" + word + "' (fields: " + FIELDS
                + (moreFields.isEmpty() ? "" : ", " + String.join(", ", new java.util.TreeSet<>(moreFields.keySet())))
                + ")");
          }
          String name = word.substring("attributes.".length());
          if (name.isEmpty()) throw bad(at, "expected an attribute name after 'attributes.'");
          if (name.indexOf('.') >= 0) {
            throw bad(at, "an attribute name after 'attributes.' holds letters, digits, _ and -: write attributes[\""
                + name + "\"]");
          }
          yield attribute("attributes." + name, name);
        }
      };
      after = "'" + f.name + "'";
      return f;
    }

    /** {@code attributes["any name"]}, after the word. */
    private Field bracketAttribute() {
      if (!acceptSymbol("[")) throw expected(".NAME or [\"NAME\"]");
      if (kind != Kind.STRING) throw expected("an attribute name in double quotes");
      String name = string;
      String source = src.substring(start, pos);
      advance();
      if (!acceptSymbol("]")) throw expected("']'");
      return attribute("attributes[" + source + "]", name);
    }

    private static Field attribute(String display, String name) {
      return new Field(display, item -> item.attributes().get(name), false, true);
    }

    /** The literal, refused where a built-in text field is compared with a number, true or false. */
    private static Literal checked(Field f, Literal v) {
      if (f.text && !(v.value instanceof String)) {
        throw new BadFilter(v.column, f.name + " holds text: write the value in double quotes, like \"" + v.source
            + "\"");
      }
      return v;
    }

    private Literal value() {
      Literal v = literal();
      if (v == null) throw expected("a value");
      return v;
    }

    /** The current token as a literal, consumed, or null where it is none. */
    private Literal literal() {
      int at = column(start);
      String source = src.substring(start, pos);
      Literal v;
      if (kind == Kind.STRING) {
        v = new Literal(string, 0, 0, false, source, at);
      } else if (kind == Kind.NUMBER) {
        double d = Double.parseDouble(source);
        if (Double.isInfinite(d)) throw bad(start, "number " + source + " is out of range");
        long whole = 0;
        boolean isWhole = source.indexOf('.') < 0;
        try {
          whole = Long.parseLong(source);
        } catch (NumberFormatException tooLong) {
          isWhole = false;
        }
        v = new Literal(null, d, whole, isWhole, source, at);
      } else if (kind == Kind.WORD && (token.equalsIgnoreCase("true") || token.equalsIgnoreCase("false"))) {
        v = new Literal(token.equalsIgnoreCase("true"), 0, 0, false, source, at);
      } else {
        return null;
      }
      advance();
      return v;
    }

    /** {@code categories = "x"} and the like, {@code at} the field: the message shows the value the user meant. */
    private BadFilter categoriesMisused(int at) {
      String example = "\"x\"";
      if (kind == Kind.SYMBOL || kind == Kind.WORD) advance(); // the operator
      if (kind == Kind.STRING) example = src.substring(start, pos);
      return bad(at, "categories is a list: write " + example + " in categories");
    }

    // ---- tokens

    private boolean isSymbol(String s) {
      return kind == Kind.SYMBOL && token.equals(s);
    }

    private boolean acceptSymbol(String s) {
      if (!isSymbol(s)) return false;
      advance();
      return true;
    }

    private boolean acceptWord(String keyword) {
      if (kind != Kind.WORD || !token.equalsIgnoreCase(keyword)) return false;
      advance();
      return true;
    }

    private BadFilter expected(String what) {
      return expected(what, "");
    }

    private BadFilter expected(String what, String hint) {
      return bad(start, "expected " + what + (after == null ? "" : " after " + after) + ", found " + describe() + hint);
    }

    private BadFilter bad(int index, String problem) {
      return new BadFilter(column(index), problem);
    }

    private int column(int index) {
      return src.codePointCount(0, index) + 1;
    }

    private String describe() {
      if (kind == Kind.END) return "end of filter";
      String s = src.substring(start, pos);
      if (s.codePointCount(0, s.length()) > 40) s = s.substring(0, s.offsetByCodePoints(0, 37)) + "...";
      return kind == Kind.STRING ? s : "'" + s + "'";
    }

    /** Reads the next token. */
    private void advance() {
      after = kind == null ? null : describe();
      while (pos < src.length() && isSpace(src.charAt(pos))) pos++;
      start = pos;
      if (pos == src.length()) {
        kind = Kind.END;
        return;
      }
      char c = src.charAt(pos);
      if (c == '"') {
        kind = Kind.STRING;
        string = stringLiteral();
      } else if (isDigit(c) || c == '-' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1))) {
        kind = Kind.NUMBER;
        pos++;
        while (pos < src.length() && isNumberPart(src.charAt(pos))) pos++;
        if (!NUMBER.matcher(src.substring(start, pos)).matches()) {
          throw bad(start, "malformed number '" + src.substring(start, pos)
              + "' (digits with an optional minus and decimal point, like -12.5)");
        }
      } else if (Character.isLetter(src.codePointAt(pos)) || c == '_') {
        kind = Kind.WORD;
        while (pos < src.length() && isWordPart(src.codePointAt(pos))) pos += Character.charCount(src.codePointAt(pos));
      } else {
        kind = Kind.SYMBOL;
        pos += (c == '<' || c == '>' || c == '!') && pos + 1 < src.length() && src.charAt(pos + 1) == '=' ? 2 : 1;
        if ("()[],=<>".indexOf(c) < 0 && pos - start == 1) {
          String hint = "!&|".indexOf(c) >= 0 ? " (write not, and, or as words)"
              : "'‘’“”".indexOf(c) >= 0 ? " (strings take straight double quotes: \")" : "";
          throw bad(start, "unexpected character '" + new String(Character.toChars(src.codePointAt(start))) + "'"
              + hint);
        }
      }
      token = src.substring(start, pos);
    }

    /** A string literal from its opening quote; only \" and \\ escape. */
    private String stringLiteral() {
      StringBuilder b = new StringBuilder();
      for (pos++; ; ) {
        if (pos >= src.length()) throw bad(start, "string not closed: a \" is missing at its end");
        char c = src.charAt(pos++);
        if (c == '"') return b.toString();
        if (c == '\\' && pos < src.length()) {
          c = src.charAt(pos++);
          if (c != '"' && c != '\\') {
            throw bad(pos - 2, "unknown escape '\\" + c + "' (a string escapes only \\\" and \\\\)");
          }
        }
        b.append(c);
      }
    }

    /** Also no-break spaces, which pasted text brings. */
    private static boolean isSpace(char c) {
      return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isNumberPart(char c) {
      return Character.isLetterOrDigit(c) || c == '.' || c == '_';
    }

    private static boolean isWordPart(int c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }
  }
}
