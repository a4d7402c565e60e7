package io.shiftrec.ranker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shiftrec.core.Item;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemFilterTest {
  private static final Item BOOK = new Item("b1", "Books", "三体", null, List.of("Science Fiction", "Chinese"), "zh",
      Map.of("price", 19.5, "year", 2008, "作者", "刘慈欣", "in_stock", true, "tags", List.of("hugo", "trilogy"),
          "isbn", 9007199254740993L, "release date", "2008-01-01", "page-count", 302));
  private static final Item MOVIE = new Item("m1", "Movies", "Alien", null, List.of("Horror", "Sci-Fi"), "en",
      Map.of("price", 20, "year", 1979L, "color", "red", "in_stock", false, "ratings", List.of(4, 5.0)));
  private static final Item PAN = new Item("k1", "Kitchen", "The \"Pro\" pan \\ 28cm", null, null, null, null);
  private static final List<Item> ITEMS = List.of(BOOK, MOVIE, PAN);

  /** The ids of the items that pass, in catalogue order. */
  private static List<String> passing(String filter) {
    ItemFilter f = ItemFilter.parse(filter);
    return ITEMS.stream().filter(f).map(Item::id).toList();
  }

  private static void assertBad(String filter, int column, String problem) {
    ItemFilter.BadFilter e = assertThrows(ItemFilter.BadFilter.class, () -> ItemFilter.parse(filter));
    assertEquals("column " + column + ": " + problem, e.getMessage());
    assertEquals(column, e.column());
  }

  @Test
  void comparesBuiltInFields() {
    assertEquals(List.of("k1"), passing("domain = \"Kitchen\""));
    assertEquals(List.of("m1"), passing("id = \"m1\""));
    assertEquals(List.of("m1"), passing("language != \"zh\"")); // the pan's language is unknown: false
    assertEquals(List.of("m1", "k1"), passing("not language = \"zh\""));
    assertEquals(List.of("m1"), passing("title < \"B\"")); // "Alien"; "The..." and "三体" sort after
    assertEquals(List.of("k1"), passing("title = \"The \\\"Pro\\\" pan \\\\ 28cm\""));
  }

  @Test
  void readsFieldsTheCallerKeepsBesideItems() {
    Map<String, String> created = Map.of("b1", "2026-11-03T10:00:00Z", "m1", "2026-12-01T09:30:00.250Z");
    Map<String, java.util.function.Function<Item, Object>> times = Map.of("created_at", item -> created.get(item.id()));
    ItemFilter recent = ItemFilter.parse("created_at >= \"2026-12-01\"", times);
    assertEquals(List.of("m1"), ITEMS.stream().filter(recent).map(Item::id).toList());
    ItemFilter older = ItemFilter.parse("CREATED_AT < \"2026-12\"", times); // the pan has no time: missing
    assertEquals(List.of("b1"), ITEMS.stream().filter(older).map(Item::id).toList());
    ItemFilter.BadFilter unknown = assertThrows(ItemFilter.BadFilter.class,
        () -> ItemFilter.parse("updated_at > \"2026\"", times));
    assertTrue(unknown.getMessage().contains("unknown field 'updated_at'") && unknown.getMessage().contains("created_at"),
        unknown.getMessage());
    assertThrows(ItemFilter.BadFilter.class, () -> ItemFilter.parse("created_at > \"2026\""), "not without the field");
  }

  @Test
  void comparesNumbersNumerically() {
    assertEquals(List.of("b1"), passing("attributes.price < 20"));
    assertEquals(List.of("b1", "m1"), passing("attributes.price <= 20"));
    assertEquals(List.of("m1"), passing("attributes.price = 20.0")); // Integer 20
    assertEquals(List.of("b1"), passing("attributes.price = 19.50"));
    assertEquals(List.of("b1"), passing("attributes.price != 20")); // the pan has no price
    assertEquals(List.of("b1"), passing("attributes.year >= 1990"));
    assertEquals(List.of("m1"), passing("attributes.year < 1990")); // Long 1979
    assertEquals(List.of("b1", "m1"), passing("attributes.price>-1"));
    assertEquals(List.of("b1"), passing("attributes.page-count > 300"));
    // whole numbers compare exactly: 2^53 + 1 is no double
    assertEquals(List.of("b1"), passing("attributes.isbn = 9007199254740993"));
    assertEquals(List.of(), passing("attributes.isbn = 9007199254740992"));
    assertEquals(List.of("b1"), passing("attributes.isbn > 9007199254740992"));
  }

  @Test
  void typesDoNotMix() {
    assertEquals(List.of(), passing("attributes.price = \"20\""));
    assertEquals(List.of(), passing("attributes.color < 5"));
    assertEquals(List.of("m1"), passing("attributes.color != 5")); // present and not equal
    assertEquals(List.of(), passing("attributes.in_stock = 1"));
    assertEquals(List.of("m1"), passing("attributes.color > \"q\""));
  }

  @Test
  void booleans() {
    assertEquals(List.of("b1"), passing("attributes.in_stock = true"));
    assertEquals(List.of("m1"), passing("attributes.in_stock != true"));
    assertEquals(List.of("m1"), passing("attributes.in_stock = FALSE"));
  }

  @Test
  void missingAttributesFailEveryComparison() {
    for (String f : List.of("attributes.nope = 1", "attributes.nope != 1", "attributes.nope < \"z\"",
        "attributes.nope in (1, \"a\")", "attributes.nope not in (1, \"a\")")) {
      assertEquals(List.of(), passing(f), f);
    }
    assertEquals(List.of("b1", "m1", "k1"), passing("not attributes.nope = 1"));
    assertEquals(List.of("b1", "m1"), passing("has attributes.price"));
    assertEquals(List.of("k1"), passing("not has attributes.price"));
    assertEquals(List.of("b1"), passing("has attributes[\"release date\"]"));
    assertEquals(List.of("b1"), passing("attributes[\"release date\"] >= \"2000\""));
  }

  @Test
  void listAttributesMatchByElement() {
    assertEquals(List.of("b1"), passing("attributes.tags = \"hugo\""));
    assertEquals(List.of(), passing("attributes.tags != \"hugo\""));
    assertEquals(List.of("b1"), passing("attributes.tags != \"nebula\""));
    assertEquals(List.of("b1"), passing("attributes.tags in (\"nebula\", \"hugo\")"));
    assertEquals(List.of("m1"), passing("attributes.ratings = 4"));
    assertEquals(List.of("m1"), passing("attributes.ratings > 4.5")); // 5.0
    assertEquals(List.of(), passing("attributes.ratings > 5"));
  }

  @Test
  void membership() {
    assertEquals(List.of("m1"), passing("\"Horror\" in categories"));
    assertEquals(List.of("b1", "k1"), passing("\"Horror\" not in categories"));
    assertEquals(List.of("b1", "m1"), passing("domain in (\"Books\",\"Movies\")"));
    assertEquals(List.of("m1", "k1"), passing("domain not in (\"Books\")"));
    assertEquals(List.of("m1"), passing("attributes.color in (\"red\", \"blue\")"));
    assertEquals(List.of(), passing("attributes.color not in (\"red\", \"blue\")"));
    assertEquals(List.of("b1", "m1"), passing("attributes.year in (1979, 2008)")); // Long and Integer
    assertEquals(List.of("b1"), passing("attributes.price in (\"19.5\", 19.5)"));
    assertEquals(List.of("m1"), passing("attributes.in_stock in (false)"));
  }

  @Test
  void precedenceIsNotThenAndThenOr() {
    assertEquals(List.of("k1"), passing("domain = \"Kitchen\" or domain = \"Books\" and attributes.price > 100"));
    assertEquals(List.of("b1"), passing("(domain = \"Kitchen\" or domain = \"Books\") and attributes.price < 100"));
    assertEquals(List.of("k1"), passing("not domain = \"Books\" and not domain = \"Movies\""));
    assertEquals(List.of("k1"), passing("not (domain = \"Books\" or domain = \"Movies\")"));
    assertEquals(List.of("b1"), passing("not not domain = \"Books\""));
    assertEquals(List.of("b1", "m1"), passing("((((has attributes.price))))"));
  }

  @Test
  void keywordsAndFieldsIgnoreCaseAndWhitespaceIsFree() {
    assertEquals(List.of("b1"), passing("DOMAIN = \"Books\" AND Not \"Horror\" IN Categories"));
    assertEquals(List.of("b1"), passing("domain=\"Books\"and(attributes.price<20)"));
    assertEquals(List.of("b1"), passing("\n\tdomain\u3000=\u00a0\"Books\"\r\n"));
    assertEquals(List.of(), passing("domain = \"books\"")); // values do not ignore case
    assertEquals(List.of(), passing("attributes.Price < 100")); // nor do attribute names
  }

  @Test
  void chineseText() {
    assertEquals(List.of("b1"), passing("title = \"三体\" and language = \"zh\""));
    assertEquals(List.of("b1"), passing("attributes.作者 = \"刘慈欣\""));
    assertEquals(List.of("b1"), passing("attributes[\"作者\"] in (\"刘慈欣\", \"金庸\")"));
  }

  @Test
  void keepsItsText() {
    ItemFilter f = ItemFilter.parse(" domain = \"Books\" ");
    assertEquals(" domain = \"Books\" ", f.text());
    assertEquals(f.text(), f.toString());
  }

  @Test
  void refusesWithProblemAndColumn() {
    assertBad("attributes.price <", 19, "expected a value after '<', found end of filter");
    assertBad("colour = \"x\"", 1,
        "unknown field 'colour' (fields: id, domain, title, language, categories, attributes.NAME)");
    assertBad("categories = \"Comedy\"", 1, "categories is a list: write \"Comedy\" in categories");
    assertBad("has categories", 5, "has tests an attribute (has attributes.NAME), not 'categories'");
    assertBad("domain \"Books\"", 8,
        "expected =, !=, <, <=, >, >=, in or not in after 'domain', found \"Books\"");
    assertBad("domain = \"Books\" \"Movies\"", 18,
        "expected 'and', 'or' or end of filter after \"Books\", found \"Movies\"");
    assertBad("(domain = \"Books\"", 18,
        "'(' at column 1 is not closed: expected 'and', 'or' or ')', found end of filter");
    assertBad("domain = \"Books\")", 17, "')' has no matching '('");
    assertBad("and domain = \"x\"", 1, "expected a condition, found 'and'");
    assertBad("domain = \"x\" and", 17, "expected a condition after 'and', found end of filter");
    assertBad("domain not = \"x\"", 12, "expected 'in' after 'not', found '='");
    assertBad("domain in \"a\"", 11, "expected '(' after 'in', found \"a\"");
    assertBad("domain in (\"a\",)", 16, "expected a value after ',', found ')'");
    assertBad("attributes = 1", 12, "expected .NAME or [\"NAME\"] after 'attributes', found '='");
    assertBad("attributes[\"a\" = 1", 16, "expected ']' after \"a\", found '='");
    assertBad("attributes.a.b = 1", 1,
        "an attribute name after 'attributes.' holds letters, digits, _ and -: write attributes[\"a.b\"]");
    assertBad("\"x\" in attributes.tags", 8,
        "expected 'categories' after 'in', found 'attributes.tags'; "
            + "for a list attribute write attributes.tags = \"x\"");
    assertBad("5 in categories", 1, "categories are strings: write \"5\" in categories");
  }

  @Test
  void refusesValuesOfTheWrongType() {
    assertBad("domain = 5", 10, "domain holds text: write the value in double quotes, like \"5\"");
    assertBad("language in (\"en\", true)", 20, "language holds text: write the value in double quotes, like \"true\"");
    assertBad("attributes.in_stock < true", 21, "'<' orders numbers and strings, not true and false");
  }

  @Test
  void refusesBadTokens() {
    assertBad("title = \"abc", 9, "string not closed: a \" is missing at its end");
    assertBad("title = \"a\\nb\"", 11, "unknown escape '\\n' (a string escapes only \\\" and \\\\)");
    assertBad("attributes.price < 1e5", 20,
        "malformed number '1e5' (digits with an optional minus and decimal point, like -12.5)");
    assertBad("attributes.price < 1.", 20,
        "malformed number '1.' (digits with an optional minus and decimal point, like -12.5)");
    assertBad("domain = \"Books\" && id = \"1\"", 18, "unexpected character '&' (write not, and, or as words)");
    assertBad("domain = 'Books'", 10, "unexpected character ''' (strings take straight double quotes: \")");
    assertBad("title = “三体”", 9, "unexpected character '“' (strings take straight double quotes: \")");
    assertBad("attributes.price < 1" + "0".repeat(400), 20, "number 1" + "0".repeat(400) + " is out of range");
  }

  @Test
  void columnsCountCharacters() {
    assertBad("title = \"三体\" and 价格 < 5", 18,
        "unknown field '价格' (fields: id, domain, title, language, categories, attributes.NAME)");
    // 𝄞 is one character, two UTF-16 units
    assertBad("title = \"\uD834\uDD1E\" or x = \"1\"", 16,
        "unknown field 'x' (fields: id, domain, title, language, categories, attributes.NAME)");
  }

  @Test
  void refusesEmptyLongAndDeepFilters() {
    assertBad("", 1, "empty filter");
    assertBad(" \t\n\u00a0", 1, "empty filter");
    String longest = "title = \"" + "x".repeat(ItemFilter.MAX_LENGTH - 10) + "\"";
    assertEquals(ItemFilter.MAX_LENGTH, longest.length());
    assertEquals(List.of(), passing(longest));
    assertBad(longest + " or id = \"1\"", 2001, "filter is 2,012 characters long; the limit is 2,000");
    assertBad("三".repeat(2001), 2001, "filter is 2,001 characters long; the limit is 2,000");

    String deepest = "(".repeat(ItemFilter.MAX_DEPTH) + "domain = \"Books\"" + ")".repeat(ItemFilter.MAX_DEPTH);
    assertEquals(List.of("b1"), passing(deepest));
    assertBad("(" + deepest + ")", 33, "more than 32 nested parentheses");
    assertBad("(".repeat(2000), 33, "more than 32 nested parentheses"); // no StackOverflowError
    // nots are counted, not nested
    assertEquals(List.of("b1"), passing("not ".repeat(490) + "domain = \"Books\""));
    assertEquals(List.of("m1", "k1"), passing("not ".repeat(491) + "domain = \"Books\""));
  }

  @Test
  void testAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ItemFilter f = ItemFilter.parse("(domain in (\"Books\", \"Movies\") or attributes.price >= 1.5) and not "
        + "\"Horror\" in categories and attributes.tags != \"nebula\" and attributes.year in (2008, 1979) "
        + "and attributes.isbn > 5 and has attributes.in_stock and attributes.in_stock = true");
    assertTrue(f.test(BOOK));
    int passed = 0;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      if (f.test(ITEMS.get(i % 3))) passed++;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(33_334, passed);
    assertTrue(allocated < 10_000, allocated + " bytes for 100,000 tests"); // one object each would be 1.6 MB
  }
}
