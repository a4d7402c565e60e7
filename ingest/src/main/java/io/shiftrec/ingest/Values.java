package io.shiftrec.ingest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/** Parsing of single field values, with errors that name the field and quote the bad value. */
final class Values {
  private Values() {}

  /** Longest accepted text field, in UTF-8 bytes. */
  static final int MAX_FIELD_BYTES = 64 * 1024;

  static String checkSize(String field, String value) throws BadRowException {
    // A char is 1 to 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4), so only long strings need counting.
    if (value.length() > MAX_FIELD_BYTES / 3 && utf8Length(value) > MAX_FIELD_BYTES) {
      throw new BadRowException(field(field) + "longer than 64 KiB (" + utf8Length(value) + " bytes)");
    }
    return value;
  }

  static long parseLong(String field, String value) throws BadRowException {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new BadRowException(field(field) + "expected an integer, got " + quote(value));
    }
  }

  /** A finite decimal number in plain or exponent notation (no NaN, no hex, no type suffixes). */
  static double parseDouble(String field, String value) throws BadRowException {
    try {
      double d = new BigDecimal(value.trim()).doubleValue();
      if (Double.isFinite(d)) return d;
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new BadRowException(field(field) + "expected a number, got " + quote(value));
  }

  /**
   * Unix seconds (a fraction is floored) or ISO-8601: with an offset or Z (optionally followed by a [zone]), or a
   * plain date-time or date taken as UTC. A space may stand for the 'T' between date and time.
   */
  static long parseTimestamp(String field, String value) throws BadRowException {
    String s = value.trim();
    if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.indexOf('-', 1) < 0) {
      try {
        return new BigDecimal(s).setScale(0, RoundingMode.FLOOR).longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw new BadRowException(field(field) + "expected ISO-8601 or Unix seconds, got " + quote(value));
      }
    }
    if (s.length() > 10 && s.charAt(10) == ' ') s = s.substring(0, 10) + 'T' + s.substring(11);
    try {
      if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
      return t instanceof ZonedDateTime z ? z.toEpochSecond() : ((LocalDateTime) t).toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new BadRowException(field(field) + "expected ISO-8601 or Unix seconds, got " + quote(value));
    }
  }

  /** The start of an error reason about a field: {@code field 'x': }. */
  static String field(String name) {
    return "field '" + name + "': ";
  }

  /** A value for an error message, shortened when long. */
  static String quote(String value) {
    return "'" + (value.length() > 60 ? value.substring(0, 57) + "..." : value) + "'";
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
