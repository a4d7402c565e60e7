package io.shiftrec.ingest;

import static io.shiftrec.ingest.Values.field;
import static io.shiftrec.ingest.Values.quote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.shiftrec.core.Plausible;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;

/**
 * Typed access to the fields of one generic-format row, the same for a JSON line and a CSV record. Absent fields
 * (and JSON null, and empty CSV cells) read as null, NaN or an empty collection; a wrong type or value throws with
 * the field named.
 */
abstract sealed class GenericRow {
  private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

  /** A required or optional string field, at most 64 KiB; required ones must not be blank. */
  abstract String text(String field, boolean required) throws BadRowException;

  /**
   * Like {@link #text} but also accepts a JSON integer, as exports often carry numeric ids; the id must be
   * {@link Plausible#idProblem plausible}.
   */
  final String id(String field, boolean required) throws BadRowException {
    String id = rawId(field, required);
    String problem = id == null ? null : Plausible.idProblem(id);
    if (problem != null) throw BadRowException.implausible(field, problem);
    return id;
  }

  abstract String rawId(String field, boolean required) throws BadRowException;

  /** A list of strings: a JSON array, or a CSV cell separated by '|'. Blank entries are dropped. */
  abstract List<String> list(String field) throws BadRowException;

  /** A JSON object, or a CSV cell holding one. Top-level null values are dropped. */
  abstract Map<String, Object> object(String field) throws BadRowException;

  /** A finite number, or NaN when absent. */
  abstract double number(String field) throws BadRowException;

  /** Unix seconds, from a number or an ISO-8601 text; null when absent. */
  abstract Long timestamp(String field) throws BadRowException;

  /** A non-negative integer, or null when absent. */
  abstract Long position(String field) throws BadRowException;

  static BadRowException missing(String field) {
    return new BadRowException("missing field '" + field + "'");
  }

  static Map<String, Object> withoutNulls(Map<String, Object> map) {
    map.values().removeIf(v -> v == null);
    return map;
  }

  /** A JSON value for an error message: its type, and its value (shortened) when it is not a container. */
  static String describe(JsonNode node) {
    String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
    return node.isValueNode() ? type + " " + (node.isTextual() ? quote(node.asText()) : node.asText()) : type;
  }

  private static long nonNegative(String field, long value) throws BadRowException {
    if (value < 0) throw new BadRowException(field(field) + "expected a non-negative integer, got " + value);
    return value;
  }

  /** A row of a .jsonl file. */
  static final class Json extends GenericRow {
    private final JsonNode node;

    Json(JsonNode node) {
      this.node = node;
    }

    /** Throws naming the first field not in {@code accepted}. */
    void requireOnly(List<String> accepted) throws BadRowException {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!accepted.contains(name)) {
          throw new BadRowException("unknown field '" + name + "' (accepted: " + String.join(", ", accepted) + ")");
        }
      }
    }

    private JsonNode get(String field, boolean required) throws BadRowException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        if (required) throw missing(field);
        return null;
      }
      return value;
    }

    private BadRowException wrongType(String field, String expected, JsonNode value) {
      return new BadRowException(field(field) + "expected " + expected + ", got " + describe(value));
    }

    @Override
    String text(String field, boolean required) throws BadRowException {
      JsonNode value = get(field, required);
      if (value == null) return null;
      if (!value.isTextual()) throw wrongType(field, "a string", value);
      if (required && value.asText().isBlank()) throw new BadRowException(field(field) + "must not be empty");
      return Values.checkSize(field, value.asText());
    }

    @Override
    String rawId(String field, boolean required) throws BadRowException {
      JsonNode value = get(field, required);
      if (value != null && value.isIntegralNumber()) return value.asText();
      if (value != null && !value.isTextual()) throw wrongType(field, "a string or an integer", value);
      return text(field, required);
    }

    @Override
    List<String> list(String field) throws BadRowException {
      JsonNode value = get(field, false);
      if (value == null) return List.of();
      if (!value.isArray()) throw wrongType(field, "an array of strings", value);
      List<String> list = new ArrayList<>(value.size());
      for (JsonNode entry : value) {
        if (!entry.isTextual()) throw wrongType(field, "an array of strings", entry);
        if (!entry.asText().isBlank()) list.add(Values.checkSize(field, entry.asText()));
      }
      return list;
    }

    @Override
    Map<String, Object> object(String field) throws BadRowException {
      JsonNode value = get(field, false);
      if (value == null) return Map.of();
      if (!value.isObject()) throw wrongType(field, "an object", value);
      return withoutNulls(RowFiles.JSON.convertValue(value, OBJECT));
    }

    @Override
    double number(String field) throws BadRowException {
      JsonNode value = get(field, false);
      if (value == null) return Double.NaN;
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) throw wrongType(field, "a finite number", value);
      return value.asDouble();
    }

    @Override
    Long timestamp(String field) throws BadRowException {
      JsonNode value = get(field, false);
      if (value == null) return null;
      if (value.isIntegralNumber() && value.canConvertToLong()) return value.asLong();
      if (value.isNumber()) return (long) Math.floor(value.asDouble());
      if (!value.isTextual()) throw wrongType(field, "ISO-8601 or Unix seconds", value);
      return Values.parseTimestamp(field, value.asText());
    }

    @Override
    Long position(String field) throws BadRowException {
      JsonNode value = get(field, false);
      if (value == null) return null;
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw wrongType(field, "a non-negative integer", value);
      }
      return nonNegative(field, value.asLong());
    }
  }

  /** A record of a .csv file; cells are text, lists are '|'-separated, objects are JSON text. */
  static final class Csv extends GenericRow {
    private final CSVRecord record;

    Csv(CSVRecord record) {
      this.record = record;
    }

    private String cell(String field, boolean required) throws BadRowException {
      String value = record.isMapped(field) ? record.get(field) : "";
      if (value.isBlank()) {
        if (required) throw missing(field);
        return null;
      }
      return value;
    }

    @Override
    String text(String field, boolean required) throws BadRowException {
      String value = cell(field, required);
      return value == null ? null : Values.checkSize(field, value);
    }

    @Override
    String rawId(String field, boolean required) throws BadRowException {
      return text(field, required);
    }

    @Override
    List<String> list(String field) throws BadRowException {
      String value = text(field, false);
      if (value == null) return List.of();
      List<String> list = new ArrayList<>();
      for (String entry : value.split("\\|")) {
        if (!entry.isBlank()) list.add(entry.trim());
      }
      return list;
    }

    @Override
    Map<String, Object> object(String field) throws BadRowException {
      String value = text(field, false);
      if (value == null) return Map.of();
      JsonNode node;
      try {
        node = RowFiles.JSON.readTree(value);
      } catch (JsonProcessingException e) {
        throw new BadRowException(field(field) + "malformed JSON: " + e.getOriginalMessage());
      }
      if (!node.isObject()) throw new BadRowException(field(field) + "expected a JSON object, got " + describe(node));
      return withoutNulls(RowFiles.JSON.convertValue(node, OBJECT));
    }

    @Override
    double number(String field) throws BadRowException {
      String value = cell(field, false);
      return value == null ? Double.NaN : Values.parseDouble(field, value);
    }

    @Override
    Long timestamp(String field) throws BadRowException {
      String value = cell(field, false);
      return value == null ? null : Values.parseTimestamp(field, value);
    }

    @Override
    Long position(String field) throws BadRowException {
      String value = cell(field, false);
      return value == null ? null : nonNegative(field, Values.parseLong(field, value));
    }
  }
}
