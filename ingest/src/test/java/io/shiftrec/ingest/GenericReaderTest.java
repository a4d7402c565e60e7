package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic format read into a recording sink: happy paths in JSONL and CSV, and each kind of bad row. */
class GenericReaderTest {
  @TempDir Path dir;

  static final String ITEMS_JSONL = """
      {"id": "b1", "domain": "books", "title": "Dune", "text": "Desert planet.", "categories": ["sf", "classic"], "language": "en", "attributes": {"year": 1965, "isbn": null}}
      {"id": 42, "domain": "food", "title": "Green tea"}
      """;
  static final String USERS_JSONL = """
      {"id": "u1", "split": "train", "attributes": {"country": "NZ"}}
      """;
  static final String EVENTS_JSONL = """
      {"user": "u1", "item": "b1", "type": "rating", "value": 4.5, "timestamp": "2020-01-02T03:04:05Z"}
      {"user": "u1", "item": "42", "type": "purchase", "timestamp": 1577934245, "context": {"device": "phone"}}

      {"user": "u2", "item": "b1", "type": "review", "timestamp": "2020-01-02T04:04:05+01:00", "text": "Loved it"}
      {"user": "u2", "type": "search", "position": 3, "text": "green tea", "domain": "food"}
      {"user": "u3", "item": "b1", "type": "view", "timestamp": "2020-01-02T03:04:05"}
      """;

  @Test
  void readsJsonLines() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    write("users.jsonl", USERS_JSONL);
    write("events.jsonl", EVENTS_JSONL);
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);

    assertEquals(List.of(), sink.errors);
    assertEquals(List.of(
        new Item("b1", "books", "Dune", "Desert planet.", List.of("sf", "classic"), "en", Map.of("year", 1965)),
        new Item("42", "food", "Green tea", null, List.of(), null, Map.of())), sink.items);
    assertEquals(List.of(new User("u1", "train", Map.of("country", "NZ"))), sink.users);
    long t = 1577934245L; // 2020-01-02T03:04:05Z
    assertEquals(List.of(
        new Event("u1", "b1", EventType.RATING, 4.5, t, null, null, null, null),
        new Event("u1", "42", EventType.PURCHASE, Double.NaN, t, null, null, null, Map.of("device", "phone")),
        new Event("u2", "b1", EventType.REVIEW, Double.NaN, t, null, null, "Loved it", null),
        new Event("u2", null, EventType.SEARCH, Double.NaN, null, 3L, "food", "green tea", null),
        new Event("u3", "b1", EventType.VIEW, Double.NaN, t, null, null, null, null)), sink.events);
  }

  @Test
  void readsCsvWithQuotingListsJsonCellsAndMultiLineText() throws IOException {
    write("items.csv", """
        id,domain,title,text,categories,language,attributes
        b1,books,"Dune, the novel",,sf|classic,en,"{""year"": 1965}"
        42,food,Green tea,"Two
        lines",,,
        """);
    write("users.csv", "id,split\nu1,valid\n");
    write("events.csv", """
        user,item,type,value,timestamp,position,domain,text,context
        u1,b1,rating,4.5,2020-01-02 03:04:05,,,,
        u1,42,review,,,7,,"Nice,
        really",
        u2,42,click,,yesterday,,,,
        """);
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);

    assertEquals(List.of(
        new Item("b1", "books", "Dune, the novel", null, List.of("sf", "classic"), "en", Map.of("year", 1965)),
        new Item("42", "food", "Green tea", "Two\nlines", List.of(), null, Map.of())), sink.items);
    assertEquals(List.of(new User("u1", "valid", null)), sink.users);
    assertEquals(List.of(
        new Event("u1", "b1", EventType.RATING, 4.5, 1577934245L, null, null, null, null),
        new Event("u1", "42", EventType.REVIEW, Double.NaN, null, 7L, null, "Nice,\nreally", null)), sink.events);
    // The bad row comes after a record spanning lines 3-4, so this checks line counting too.
    assertEquals(List.of(new RowError("events.csv", 5,
        "field 'timestamp': expected ISO-8601 or Unix seconds, got 'yesterday'")), sink.errors);
  }

  @Test
  void readsGzippedFiles() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    try (var out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("events.jsonl.gz")))) {
      out.write(EVENTS_JSONL.getBytes(StandardCharsets.UTF_8));
    }
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);
    assertEquals(List.of(), sink.errors);
    assertEquals(5, sink.events.size());
  }

  @Test
  void missingOrAmbiguousFilesFailBeforeReading() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    IOException missing = assertThrows(NoSuchFileException.class, () -> RecordingSink.read(ImportFormat.GENERIC, dir));
    assertTrue(missing.getMessage().contains("missing events.jsonl or events.csv"), missing.getMessage());
    write("events.jsonl", EVENTS_JSONL);
    write("events.csv", "user,item,type,timestamp\n");
    IOException both = assertThrows(IOException.class, () -> RecordingSink.read(ImportFormat.GENERIC, dir));
    assertTrue(both.getMessage().contains("both events.jsonl and events.csv are present"), both.getMessage());
  }

  @Test
  void malformedJsonLine() throws IOException {
    RowError error = singleEventError("""
        {"user": "u1", "item": "b1", "type": "view", "timestamp": 1}
        {"user": "u1", "item": "b1", "type": "view", "timestamp":
        """);
    assertEquals(2, error.line());
    assertTrue(error.reason().startsWith("malformed JSON: "), error.reason());
  }

  /** The rules for stored values hold for files as for the API: each breach names its field. */
  @Test
  void implausibleValuesAreRowErrorsNamingTheField() throws IOException {
    assertEquals(new RowError("events.jsonl", 1, "field 'value': a rating must lie between 0 and 5, got 42.0",
        "value"), singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"rating\", \"value\": 42, "
        + "\"timestamp\": 1}\n"));
    assertEquals("timestamp", singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", "
        + "\"timestamp\": -5}\n").implausibleField());
    assertEquals("user", singleEventError("{\"user\": \"u\\u0000\", \"item\": \"b1\", \"type\": \"view\", "
        + "\"timestamp\": 1}\n").implausibleField());
    assertEquals("item", singleEventError("{\"user\": \"u1\", \"item\": \"" + "b".repeat(257) + "\", \"type\": "
        + "\"view\", \"timestamp\": 1}\n").implausibleField());
  }

  @Test
  void wrongJsonTypes() throws IOException {
    assertEquals(new RowError("events.jsonl", 1, "field 'value': expected a finite number, got string '4'"),
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"rating\", \"value\": \"4\", \"timestamp\": 1}\n"));
    assertEquals(new RowError("events.jsonl", 1, "field 'context': expected an object, got array"),
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", \"timestamp\": 1, \"context\": [1]}\n"));
    assertEquals(new RowError("events.jsonl", 1, "field 'timestamp': expected ISO-8601 or Unix seconds, got boolean true"),
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", \"timestamp\": true}\n"));
    assertEquals(new RowError("events.jsonl", 1, "field 'position': expected a non-negative integer, got -2"),
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", \"position\": -2}\n"));
    assertEquals("expected a JSON object, got array", singleEventError("[1, 2]\n").reason());

    write("items.jsonl", "{\"id\": \"b1\", \"domain\": \"books\", \"title\": 5}\n");
    assertEquals(List.of(new RowError("items.jsonl", 1, "field 'title': expected a string, got number 5")),
        readWithEvents("").errors);
  }

  @Test
  void missingFields() throws IOException {
    write("items.jsonl", "{\"id\": \"b1\", \"title\": \"Dune\"}\n");
    assertEquals(List.of(new RowError("items.jsonl", 1, "missing field 'domain'")), readWithEvents("").errors);
    write("items.jsonl", ITEMS_JSONL);
    assertEquals("missing field 'timestamp' or 'position': an event needs one of them",
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\"}\n").reason());
    assertEquals("missing field 'item'",
        singleEventError("{\"user\": \"u1\", \"type\": \"view\", \"timestamp\": 1}\n").reason());
    assertEquals("field 'value': a rating needs a number",
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"rating\", \"timestamp\": 1}\n").reason());
  }

  @Test
  void unknownEventTypeAndUnknownField() throws IOException {
    assertEquals(new RowError("events.jsonl", 1,
            "field 'type': unknown event type 'like' (expected view, click, cart, purchase, rating, review or search)"),
        singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"like\", \"timestamp\": 1}\n"));
    assertTrue(singleEventError("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", \"timestmp\": 1}\n")
        .reason().startsWith("unknown field 'timestmp' (accepted: user, item, type, value, timestamp"));
  }

  @Test
  void unknownCsvColumnRejectsTheHeader() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    write("events.csv", "user,item,type,timestmp\nu1,b1,view,1\n");
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);
    assertEquals(1, sink.errors.size());
    assertEquals("events.csv", sink.errors.get(0).file());
    assertEquals(1, sink.errors.get(0).line());
    assertTrue(sink.errors.get(0).reason().startsWith("unknown column(s) 'timestmp'"), sink.errors.get(0).reason());
    assertEquals(List.of(), sink.events);
  }

  @Test
  void csvLineNumbersSurviveBlankLinesCrlfAndAMissingFinalNewline() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    write("events.csv", "user,item,type,timestamp\r\nu1,b1,wink,1\r\n\r\nu1,b1,view,\"x\r\n\"\r\nu1,b1,view,x\r\n"
        + "u1,b1\r\n\nu1,b1,view,\"unclosed\n");
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);
    // An unclosed quote is reported after the last good record; the parser's message names its start line.
    assertEquals(List.of(2L, 4L, 6L, 7L, 8L), sink.errors.stream().map(RowError::line).toList(), sink.errors::toString);
    assertTrue(sink.errors.get(1).reason().startsWith("field 'timestamp'"), sink.errors.get(1).reason());
    assertEquals("expected 4 columns, got 2", sink.errors.get(3).reason());
    assertTrue(sink.errors.get(4).reason().startsWith("malformed CSV, rest of file not read"), sink.errors.get(4).reason());
    assertTrue(sink.errors.get(4).reason().contains("startline 9"), sink.errors.get(4).reason());

    write("events.csv", "user,item,type,timestamp\nu1,b1,view,1\n\n\nu1,b1,view,yesterday");
    assertEquals(List.of(new RowError("events.csv", 5,
        "field 'timestamp': expected ISO-8601 or Unix seconds, got 'yesterday'")), RecordingSink.read(ImportFormat.GENERIC, dir).errors);
  }

  @Test
  void brokenUtf8IsReportedByLineAndReadingGoesOn() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"view\", \"timestamp\": 1}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"review\", \"timestamp\": 2, \"text\": \"caf".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by a non-continuation byte
    bytes.writeBytes("\"}\n{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"review\", \"timestamp\": 3, \"text\": \"café\"}\n"
        .getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("events.jsonl"), bytes.toByteArray());
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);
    assertEquals(List.of(new RowError("events.jsonl", 2, "invalid UTF-8 byte sequence")), sink.errors);
    assertEquals(2, sink.events.size());
    assertEquals("café", sink.events.get(1).text());
  }

  @Test
  void brokenUtf8InCsvAfterAMultiLineRecord() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("user,item,type,timestamp,text\nu1,b1,review,1,\"two\nlines\"\nu1,b1,review,2,bad ".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xFF});
    bytes.writeBytes("\nu1,b1,review,3,good\n".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("events.csv"), bytes.toByteArray());
    RecordingSink sink = RecordingSink.read(ImportFormat.GENERIC, dir);
    assertEquals(List.of(new RowError("events.csv", 4, "invalid UTF-8 byte sequence")), sink.errors);
    assertEquals(2, sink.events.size());
  }

  @Test
  void oversizedField() throws IOException {
    String text = "é".repeat(40_000); // 80,000 UTF-8 bytes in 40,000 chars
    RowError error = singleEventError(
        "{\"user\": \"u1\", \"item\": \"b1\", \"type\": \"review\", \"timestamp\": 1, \"text\": \"" + text + "\"}\n");
    assertEquals(new RowError("events.jsonl", 1, "field 'text': longer than 64 KiB (80000 bytes)"), error);
  }

  @Test
  void badSplit() throws IOException {
    write("items.jsonl", ITEMS_JSONL);
    write("users.jsonl", "{\"id\": \"u1\", \"split\": \"holdout\"}\n");
    RecordingSink sink = readWithEvents("");
    assertEquals(List.of(new RowError("users.jsonl", 1, "field 'split': expected train, valid or test, got 'holdout'")),
        sink.errors);
    assertEquals(List.of(), sink.users);
  }

  private RowError singleEventError(String events) throws IOException {
    if (!Files.exists(dir.resolve("items.jsonl"))) write("items.jsonl", ITEMS_JSONL);
    RecordingSink sink = readWithEvents(events);
    assertEquals(1, sink.errors.size(), sink.errors::toString);
    assertEquals("events.jsonl", sink.errors.get(0).file());
    return sink.errors.get(0);
  }

  private RecordingSink readWithEvents(String events) throws IOException {
    write("events.jsonl", events);
    return RecordingSink.read(ImportFormat.GENERIC, dir);
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(dir.resolve(name), content);
  }
}
