package io.shiftrec.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Row-by-row reading of line, JSON-lines and CSV files with 1-based line numbers. A row whose handler throws
 * {@link BadRowException}, or that holds broken UTF-8, becomes a {@link RowError} and reading goes on.
 */
final class RowFiles {
  private RowFiles() {}

  /** Longest accepted row; longer ones are rejected before parsing. */
  static final int MAX_ROW_CHARS = 1 << 20;

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** A comma-separated file with a header row, quoted with '"' where needed. */
  static final CSVFormat CSV = CSVFormat.DEFAULT.builder()
      .setHeader().setSkipHeaderRecord(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
      .build();

  @FunctionalInterface
  interface RowHandler<R> {
    void accept(R row, long line) throws BadRowException;
  }

  /** Plain lines (blank ones skipped). Non-UTF-8 charsets must be single-byte ones, where no byte is invalid. */
  static void lines(DataFiles files, Path file, Charset charset, ImportSink sink, RowHandler<String> handler)
      throws IOException {
    String name = DataFiles.name(file);
    StrictUtf8Reader utf8 = charset.equals(StandardCharsets.UTF_8) ? files.utf8(file) : null;
    try (BufferedReader reader = utf8 != null ? new BufferedReader(utf8, 1 << 16) : files.singleByte(file, charset)) {
      long lineNo = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNo++;
        if (line.isBlank()) continue;
        try {
          if (utf8 != null && utf8.brokenLineIn(lineNo, lineNo) > 0) throw brokenUtf8();
          if (line.length() > MAX_ROW_CHARS) throw new BadRowException("row longer than 1 MiB");
          handler.accept(line, lineNo);
        } catch (BadRowException e) {
          sink.error(new RowError(name, lineNo, e.getMessage(), e.implausibleField()));
        }
      }
    }
  }

  /** One JSON object per line. */
  static void jsonLines(DataFiles files, Path file, ImportSink sink, RowHandler<JsonNode> handler) throws IOException {
    lines(files, file, StandardCharsets.UTF_8, sink, (line, lineNo) -> {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new BadRowException("malformed JSON: " + e.getOriginalMessage()
            + " (column " + e.getLocation().getColumnNr() + ")");
      }
      if (!node.isObject()) throw new BadRowException("expected a JSON object, got " + GenericRow.describe(node));
      handler.accept(node, lineNo);
    });
  }

  /**
   * A delimited UTF-8 file with a header. A header lacking a required column, or (when {@code allowedColumns} is not
   * null) naming another column, is one error at line 1 and the file is not read further. A syntax error (such as an
   * unclosed quote) ends the file there, as nothing after it can be located reliably; it is reported on the line
   * after the last good record, with the parser's message, which names the line where the bad record starts.
   */
  static void csv(DataFiles files, Path file, CSVFormat format, List<String> requiredColumns,
                  List<String> allowedColumns, ImportSink sink, RowHandler<CSVRecord> handler) throws IOException {
    String name = DataFiles.name(file);
    StrictUtf8Reader utf8 = files.utf8(file);
    CSVParser parser;
    try {
      parser = CSVParser.parse(utf8, format);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      utf8.close();
      sink.error(new RowError(name, 1, "bad header: " + e.getMessage()));
      return;
    }
    try (parser) {
      String headerProblem = headerProblem(parser.getHeaderNames(), requiredColumns, allowedColumns);
      if (headerProblem == null && utf8.brokenLineIn(1, 1) > 0) headerProblem = brokenUtf8().getMessage();
      if (headerProblem != null) {
        sink.error(new RowError(name, 1, headerProblem));
        return;
      }
      int width = parser.getHeaderNames().size();
      long lastLine = parser.getCurrentLineNumber();
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        CSVRecord record;
        try {
          if (!records.hasNext()) break;
          record = records.next();
        } catch (UncheckedIOException | IllegalStateException e) {
          sink.error(new RowError(name, lastLine + 1, "malformed CSV, rest of file not read: " + e.getMessage()));
          return;
        }
        long endLine = parser.getCurrentLineNumber();
        long line = firstLineOf(record, lastLine, endLine);
        lastLine = endLine;
        try {
          long broken = utf8.brokenLineIn(line, Math.max(line, endLine));
          if (broken > 0) {
            sink.error(new RowError(name, broken, brokenUtf8().getMessage()));
            continue;
          }
          if (record.size() != width) {
            throw new BadRowException("expected " + width + " columns, got " + record.size());
          }
          handler.accept(record, line);
        } catch (BadRowException e) {
          sink.error(new RowError(name, line, e.getMessage(), e.implausibleField()));
        }
      }
    }
  }

  /**
   * The line a record starts on. After a record the parser has counted the line breaks up to its end
   * ({@code endLine}); line breaks quoted inside its values take it back to its start. Never before the line after
   * the previous record ({@code lastLine + 1}): a last line without a line break is not counted by the parser.
   */
  private static long firstLineOf(CSVRecord record, long lastLine, long endLine) {
    long inner = 0;
    for (int i = 0; i < record.size(); i++) {
      String value = record.get(i);
      for (int c = value.indexOf('\n'); c >= 0; c = value.indexOf('\n', c + 1)) inner++;
    }
    long line = endLine - inner;
    return Math.max(line, lastLine + 1);
  }

  private static String headerProblem(List<String> header, List<String> required, List<String> allowed) {
    List<String> missing = new ArrayList<>();
    for (String column : required) {
      if (!header.contains(column)) missing.add(column);
    }
    if (!missing.isEmpty()) return "header lacks column(s) " + quoteAll(missing);
    if (allowed != null) {
      List<String> unknown = new ArrayList<>();
      for (String column : header) {
        if (!allowed.contains(column)) unknown.add(column);
      }
      if (!unknown.isEmpty()) {
        return "unknown column(s) " + quoteAll(unknown) + " (accepted: " + String.join(", ", allowed) + ")";
      }
    }
    return null;
  }

  private static String quoteAll(List<String> names) {
    return "'" + String.join("', '", names) + "'";
  }

  private static BadRowException brokenUtf8() {
    return new BadRowException("invalid UTF-8 byte sequence");
  }
}
