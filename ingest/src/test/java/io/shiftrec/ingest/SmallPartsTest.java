package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Value parsing, strict UTF-8 decoding and format names. */
class SmallPartsTest {
  @Test
  void parsesTimestamps() throws BadRowException {
    assertEquals(1577934245L, Values.parseTimestamp("t", "2020-01-02T03:04:05Z"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "2020-01-02T05:04:05+02:00"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "2020-01-02T04:04:05+01:00[Europe/Paris]"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "2020-01-02T03:04:05.900"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "2020-01-02 03:04:05"));
    assertEquals(1577923200L, Values.parseTimestamp("t", "2020-01-02"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "1577934245"));
    assertEquals(1577934245L, Values.parseTimestamp("t", "1577934245.7"));
    BadRowException e = assertThrows(BadRowException.class, () -> Values.parseTimestamp("timestamp", "yesterday"));
    assertEquals("field 'timestamp': expected ISO-8601 or Unix seconds, got 'yesterday'", e.getMessage());
    assertThrows(BadRowException.class, () -> Values.parseTimestamp("t", "2020-13-45T00:00:00Z"));
  }

  @Test
  void parsesNumbersStrictly() throws BadRowException {
    assertEquals(4.5, Values.parseDouble("v", " 4.5 "));
    assertEquals(1000.0, Values.parseDouble("v", "1e3"));
    for (String bad : new String[] {"NaN", "Infinity", "4d", "0x10", "", "four"}) {
      assertThrows(BadRowException.class, () -> Values.parseDouble("v", bad), bad);
    }
  }

  @Test
  void strictUtf8ReaderRecordsBrokenLinesAndDropsBom() throws IOException {
    byte[] bytes = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', '\n', 'b', (byte) 0x80, '\n', 'c', (byte) 0xE2, (byte) 0x82};
    StrictUtf8Reader utf8 = new StrictUtf8Reader(new ByteArrayInputStream(bytes));
    try (BufferedReader lines = new BufferedReader(utf8)) {
      assertEquals("a", lines.readLine());
      assertEquals("b\uFFFD", lines.readLine());
      assertEquals("c\uFFFD", lines.readLine());
    }
    assertEquals(-1, utf8.brokenLineIn(1, 1));
    assertEquals(2, utf8.brokenLineIn(1, 3));
    assertEquals(3, utf8.brokenLineIn(3, 3), "a truncated sequence at the end of the file counts too");
  }

  @Test
  void formatNames() {
    assertEquals(ImportFormat.MOVIELENS_LATEST, ImportFormat.parse("movielens-latest"));
    assertEquals(ImportFormat.AMAZON_CDSR, ImportFormat.parse(" Amazon-CDSR "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportFormat.parse("ml-1m"));
    assertTrue(e.getMessage().contains("movielens, movielens-latest, amazon-cdsr or generic"), e.getMessage());
    assertEquals("generic", ImportFormat.GENERIC.toString());
  }
}
